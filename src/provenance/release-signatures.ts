/** A Sigstore signature published as a release file, found by its name. */
export interface ReleaseSignature {
  /** The release file holding the bundle (or the signature of a cosign pair). */
  readonly file: string;
  /** Whether it signs the asset itself or the entry's checksums file. */
  readonly covers: 'asset' | 'checksums';
  /** A Sigstore bundle, or a bare cosign signature + certificate, which cannot be verified offline. */
  readonly kind: 'bundle' | 'cosign-pair';
  /** The certificate of a cosign pair. */
  readonly certificate?: string | undefined;
}

// The names tools publish bundles under: cosign/sigstore-python (.sigstore.json, .sigstore), goreleaser (.bundle).
const BUNDLE_SUFFIXES = ['.sigstore.json', '.sigstore', '.bundle'];

/**
 * The signature files of a release that sign the asset or the entry's checksums file:
 * `<file>.sigstore.json`, `<file>.sigstore`, `<file>.bundle`, and cosign `<file>.sig` with `<file>.pem`.
 */
export function findReleaseSignatures(
  assetName: string,
  checksumsName: string | undefined,
  releaseFiles: readonly string[],
): ReleaseSignature[] {
  const present = new Set(releaseFiles);
  const found: ReleaseSignature[] = [];
  const targets: [string, ReleaseSignature['covers']][] = [[assetName, 'asset']];
  if (checksumsName !== undefined) targets.push([checksumsName, 'checksums']);
  for (const [name, covers] of targets) {
    for (const suffix of BUNDLE_SUFFIXES) {
      if (present.has(name + suffix)) found.push({ file: name + suffix, covers, kind: 'bundle' });
    }
    const certificate = [`${name}.pem`, `${name}.crt`, `${name}.cert`].find((c) => present.has(c));
    if (present.has(`${name}.sig`) && certificate !== undefined) {
      found.push({ file: `${name}.sig`, covers, kind: 'cosign-pair', certificate });
    }
  }
  return found;
}
