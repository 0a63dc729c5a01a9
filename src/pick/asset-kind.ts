/**
 * What sort of file a release asset is, from its name: a program (raw or archived) the picker may choose,
 * or one of the files that sit next to programs in real releases and must never be installed as one.
 */

export type AssetKind =
  'program' | 'package' | 'checksum' | 'signature' | 'sbom' | 'provenance' | 'source' | 'docs' | 'metadata';

export interface AssetKindOf {
  readonly kind: AssetKind;
  /** The name without the extension that told the kind (archive and compression extensions included). */
  readonly stem: string;
  /** The extension that told the kind or the archive format, lowercase with its dot; '' for a raw file. */
  readonly extension: string;
}

/** Extensions of files that are not programs, by kind; longest first so `.sbom.json` wins over `.json`. */
const NON_PROGRAM_EXTENSIONS: readonly (readonly [string, AssetKind])[] = (
  [
    ['.pkg.tar.zst', 'package'],
    ['.pkg.tar.xz', 'package'],
    ['.deb', 'package'],
    ['.rpm', 'package'],
    ['.apk', 'package'],
    ['.snap', 'package'],
    ['.msi', 'package'],
    ['.msix', 'package'],
    ['.pkg', 'package'],
    ['.dmg', 'package'],
    ['.nupkg', 'package'],
    ['.appimage', 'package'],
    ['.flatpak', 'package'],
    ['.vsix', 'package'],
    ['.sha256', 'checksum'],
    ['.sha512', 'checksum'],
    ['.sha1', 'checksum'],
    ['.md5', 'checksum'],
    ['.sha256sum', 'checksum'],
    ['.sha512sum', 'checksum'],
    ['.sha256sums', 'checksum'],
    ['.checksum', 'checksum'],
    ['.checksums', 'checksum'],
    ['.sig', 'signature'],
    ['.asc', 'signature'],
    ['.pem', 'signature'],
    ['.minisig', 'signature'],
    ['.sigstore.json', 'signature'],
    ['.sigstore', 'signature'],
    ['.bundle', 'signature'],
    ['.cert', 'signature'],
    ['.crt', 'signature'],
    ['.p7s', 'signature'],
    ['.gpg', 'signature'],
    ['.sbom.json', 'sbom'],
    ['.spdx.json', 'sbom'],
    ['.cdx.json', 'sbom'],
    ['.bom.json', 'sbom'],
    ['.sbom', 'sbom'],
    ['.spdx', 'sbom'],
    ['.intoto.jsonl', 'provenance'],
    ['.intoto.json', 'provenance'],
    ['.txt', 'metadata'],
    ['.json', 'metadata'],
    ['.jsonl', 'metadata'],
    ['.yaml', 'metadata'],
    ['.yml', 'metadata'],
    ['.toml', 'metadata'],
    ['.md', 'metadata'],
    ['.html', 'metadata'],
    ['.pdf', 'metadata'],
    ['.desktop', 'metadata'],
    ['.zsync', 'metadata'],
    ['.plist', 'metadata'],
    ['.sh', 'metadata'],
    ['.ps1', 'metadata'],
    ['.bat', 'metadata'],
    ['.1', 'docs'],
    ['.8', 'docs'],
  ] as const
).toSorted((a, b) => b[0].length - a[0].length);

/** Archive and compression extensions a program may come in; longest first. */
const PROGRAM_EXTENSIONS: readonly string[] = [
  '.tar.gz',
  '.tgz',
  '.tar.xz',
  '.txz',
  '.tar.bz2',
  '.tbz2',
  '.tbz',
  '.tar.zst',
  '.tzst',
  '.tar',
  '.zip',
  '.gz',
  '.xz',
  '.bz2',
  '.zst',
  '.7z',
  '.exe',
].toSorted((a, b) => b.length - a.length);

/** Words that make an asset with no architecture in its name something other than a program. */
const KIND_WORDS: readonly (readonly [string, AssetKind])[] = [
  ['checksums', 'checksum'],
  ['checksum', 'checksum'],
  ['sha256sums', 'checksum'],
  ['sha512sums', 'checksum'],
  ['sha256sum', 'checksum'],
  ['sha512sum', 'checksum'],
  ['shasums', 'checksum'],
  ['shasums256', 'checksum'],
  ['shasums512', 'checksum'],
  ['md5sums', 'checksum'],
  ['sums', 'checksum'],
  ['sbom', 'sbom'],
  ['provenance', 'provenance'],
  ['attestation', 'provenance'],
  ['source', 'source'],
  ['src', 'source'],
  ['completions', 'docs'],
  ['completion', 'docs'],
  ['autocomplete', 'docs'],
  ['man', 'docs'],
  ['manpage', 'docs'],
  ['manpages', 'docs'],
  ['docs', 'docs'],
  ['doc', 'docs'],
];

/** The kind an asset's extension says, with the stem left for reading its platform labels. */
export function kindOfExtension(name: string): AssetKindOf {
  const lower = name.toLowerCase();
  for (const [extension, kind] of NON_PROGRAM_EXTENSIONS) {
    if (lower.endsWith(extension) && lower.length > extension.length) {
      return { kind, stem: name.slice(0, -extension.length), extension };
    }
  }
  for (const extension of PROGRAM_EXTENSIONS) {
    if (lower.endsWith(extension) && lower.length > extension.length) {
      return { kind: 'program', stem: name.slice(0, -extension.length), extension };
    }
  }
  return { kind: 'program', stem: name, extension: '' };
}

/**
 * The kind a word in the name says (`checksums`, `SHA256SUMS`, `completions`, `source`…). Only asked of
 * names without an architecture, so a tool called `helm-docs` is still a program.
 */
export function kindOfWord(lowerTokens: readonly string[]): AssetKind | undefined {
  for (const token of lowerTokens) {
    const found = KIND_WORDS.find(([word]) => word === token);
    if (found) return found[1];
  }
  return undefined;
}

/** How a kind is said in a rejection reason. */
export function describeKind(kind: AssetKind, extension: string): string {
  const suffix = extension === '' ? '' : ` (${extension})`;
  switch (kind) {
    case 'package':
      return `a package for a system package manager${suffix}, not a program`;
    case 'checksum':
      return `a checksum file${suffix}`;
    case 'signature':
      return `a signature or certificate${suffix}`;
    case 'sbom':
      return `an SBOM${suffix}`;
    case 'provenance':
      return `build provenance${suffix}`;
    case 'source':
      return 'a source archive';
    case 'docs':
      return `completions or manual pages${suffix}`;
    case 'metadata':
      return `a text or metadata file${suffix}, not a program`;
    case 'program':
      return 'a program';
  }
}
