/** What vouched for an asset: the workflow that built it, as proven by a verified Sigstore bundle. */
export interface Vouch {
  /** Where the proof came from: "GitHub attestation", "release file tool.tar.gz.sigstore.json", … */
  readonly source: string;
  /** `owner/repo/.github/workflows/<file>` */
  readonly workflow: string;
  /** The ref the workflow ran for, e.g. `refs/tags/v1.2.3`. */
  readonly ref: string;
  /** The commit the workflow ran at, when the certificate records it. */
  readonly commit: string | undefined;
  /** Index of the transparency log entry, when the proof is in a log (not only a signed timestamp). */
  readonly logIndex: string | undefined;
}

/** The record of a vouch for layer metadata and the SBOM: plain strings only, no secrets. */
export interface VouchRecord {
  readonly source: string;
  readonly workflow: string;
  readonly ref: string;
  readonly commit: string;
  readonly log_index: string;
}

/** "built by acme/tool/.github/workflows/release.yml@refs/tags/v1.2.3 at commit abc1234, transparency log entry 42 (GitHub attestation)" */
export function describeVouch(vouch: Vouch): string {
  const parts = [`built by ${vouch.workflow}@${vouch.ref}`];
  if (vouch.commit !== undefined) parts.push(`at commit ${vouch.commit.slice(0, 7)}`);
  const log = vouch.logIndex === undefined ? 'signed timestamp' : `transparency log entry ${vouch.logIndex}`;
  return `${parts.join(' ')}, ${log} (${vouch.source})`;
}

export function vouchRecord(vouch: Vouch): VouchRecord {
  return {
    source: vouch.source,
    workflow: vouch.workflow,
    ref: vouch.ref,
    commit: vouch.commit ?? '',
    log_index: vouch.logIndex ?? '',
  };
}
