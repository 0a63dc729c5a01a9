import type { ProvenanceMode } from '../provenance/provenance-mode.js';

/** One validated `[[metadata.githubassets]]` entry, as the rest of the buildpack sees it. */
export interface AssetEntry {
  /** 1-based position in the file, for messages ("entry 2 (grpc-ecosystem/grpc-health-probe)"). */
  readonly index: number;
  /** `owner/name` as written. */
  readonly repo: string;
  readonly owner: string;
  readonly name: string;
  /**
   * Exact asset name, or a template with {tag} {version} {os} {arch} {libc} and glob wildcards; undefined
   * when the entry names only the repo, so the buildpack picks the build for the image itself.
   */
  readonly asset: string | undefined;
  /** A release tag; undefined for the latest release (empty tag or "latest" in the file). */
  readonly tag: string | undefined;
  /** Name of the variable that holds the token, when the entry names one. */
  readonly tokenEnv: string | undefined;
  /** Relative path inside the layer, already checked to stay inside it; undefined means the default. */
  readonly destination: string | undefined;
  readonly stripComponents: number;
  /** Pinned sha256 of the asset, lower-case hex, when one value pins every platform. */
  readonly sha256: string | undefined;
  /**
   * Pins per platform (`sha256 = { "linux/amd64" = "…" }`), keyed `os/arch` or `os/arch/variant`; undefined
   * when sha256 is a single value or absent. Read it through pinnedSha256 (platform-pin.ts).
   */
  readonly sha256ByPlatform?: Readonly<Record<string, string>> | undefined;
  /** Name (or template) of a checksums asset of the same release. */
  readonly checksums: string | undefined;
  /** Globs of archive members to keep (after strip_components); undefined keeps everything. */
  readonly include: readonly string[] | undefined;
  readonly launch: boolean;
  readonly build: boolean;
  /** Whether every ELF file the entry installs must fit the image's architecture and libc (`arch_check`). */
  readonly archCheck: boolean;
  /** The entry's `provenance` (auto, required, off); undefined follows BP_GITHUB_ASSETS_PROVENANCE. */
  readonly provenance?: ProvenanceMode | undefined;
  /** The workflow that must have signed (`owner/repo/.github/workflows/<file>`), when the entry names one. */
  readonly signerWorkflow?: string | undefined;
}

/** What the configuration file yielded: where it came from, its entries, and warnings to show. */
export interface AssetConfig {
  /** Path of the file relative to the app dir, as messages name it (e.g. "project.toml"). */
  readonly file: string;
  readonly entries: readonly AssetEntry[];
  readonly warnings: readonly string[];
}

/** `entry 2 (grpc-ecosystem/grpc-health-probe)`, or `entry 2` while the repo is unknown or invalid. */
export function entryLabel(index: number, repo: string | undefined): string {
  return repo === undefined ? `entry ${index}` : `entry ${index} (${repo})`;
}
