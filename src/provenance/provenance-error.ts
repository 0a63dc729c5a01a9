import { BuildpackError } from '../errors.js';

/** Which check refused a piece of provenance, for the message and for tests. */
export type ProvenanceCheck = 'format' | 'root' | 'signature' | 'log' | 'digest' | 'identity';

/** One piece of provenance (an attestation, a signature file) that exists but does not vouch for the asset. */
export interface ProvenanceRefusal {
  /** What was checked, e.g. "GitHub attestation 1 of 2" or "release file tool.tar.gz.sigstore.json". */
  readonly source: string;
  readonly check: ProvenanceCheck;
  /** Why, in words: "it was signed by evil/fork/.github/workflows/x.yml, a workflow of evil/fork, not of acme/tool". */
  readonly reason: string;
}

const CHECK_WORDS: Readonly<Record<ProvenanceCheck, string>> = {
  format: 'is not a Sigstore bundle this buildpack can read',
  root: 'has a certificate that does not chain to the trusted Sigstore root',
  signature: 'has a signature that does not match its content',
  log: 'is not proven by the transparency log or a trusted timestamp',
  digest: 'vouches for other bytes than the downloaded asset',
  identity: 'was signed by an identity the policy does not accept',
};

/** The check that failed, in words. */
export function describeCheck(check: ProvenanceCheck): string {
  return CHECK_WORDS[check];
}

/** Provenance exists for the asset but does not verify; nothing of the asset may be installed. */
export class ProvenanceRefusedError extends BuildpackError {
  override name = 'ProvenanceRefusedError';
  constructor(
    readonly assetLabel: string,
    readonly refusals: readonly ProvenanceRefusal[],
  ) {
    const details = refusals
      .map((r) => `the ${r.source} ${describeCheck(r.check)} (${r.check} check): ${r.reason}`)
      .join('; ');
    super(
      `The provenance published for ${assetLabel} does not verify, so nothing of it was installed: ${details}. ` +
        'If the release was rebuilt elsewhere on purpose, name the workflow that builds it with signer_workflow = "owner/repo/.github/workflows/<file>"; ' +
        'otherwise the asset was not built by who it claims and should not be trusted. To install it anyway, set provenance = "off" on the entry.',
    );
  }
}

/** `required` is in force and the asset has no provenance at all. */
export class ProvenanceMissingError extends BuildpackError {
  override name = 'ProvenanceMissingError';
  constructor(
    readonly assetLabel: string,
    looked: string,
  ) {
    super(
      `${assetLabel} has no provenance (looked for ${looked}), and provenance is required (BP_GITHUB_ASSETS_PROVENANCE=required or provenance = "required"). ` +
        'Ask the project to publish artifact attestations (actions/attest-build-provenance) or Sigstore bundles, or set provenance = "auto" on this entry.',
    );
  }
}

/** `required` is in force and no trusted Sigstore root could be had, so nothing can be verified. */
export class TrustRootUnavailableError extends BuildpackError {
  override name = 'TrustRootUnavailableError';
  constructor(
    readonly assetLabel: string,
    reason: string,
  ) {
    super(
      `${assetLabel} must have verified provenance, but no trusted Sigstore root could be had: ${reason}. ` +
        'Let the build reach https://tuf-repo-cdn.sigstore.dev, or give a trusted_root.json (from `gh attestation trusted-root`) ' +
        'through BP_GITHUB_ASSETS_TRUSTED_ROOT=<path> or a service binding of type sigstore with the key trusted_root.json.',
    );
  }
}
