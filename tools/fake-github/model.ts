/** The data a fake GitHub serves: repositories, releases and assets whose bytes live in files on disk. */

export interface FakeAsset {
  readonly name: string;
  /** Path of the bytes on disk; they are streamed, never loaded, so very large assets work. */
  readonly file: string;
  /** 'auto' (default): `sha256:<hex>` of the file, computed lazily by streaming; null: no digest; else as given. */
  readonly digest?: 'auto' | null | string;
  /** Defaults to application/octet-stream. */
  readonly contentType?: string;
  /** 'redirect' (default): the API asset URL answers 302 to the storage origin; 'direct': 200 with the bytes. */
  readonly delivery?: 'redirect' | 'direct';
  readonly label?: string;
}

export interface FakeRelease {
  readonly tag: string;
  readonly draft?: boolean;
  readonly prerelease?: boolean;
  /** Pins this release as "latest", whatever its position. */
  readonly latest?: boolean;
  readonly assets: readonly FakeAsset[];
}

export interface FakeRepo {
  readonly owner: string;
  readonly name: string;
  readonly private?: boolean;
  /** Newest first, the order GitHub lists them in. */
  readonly releases: readonly FakeRelease[];
  /** Artifact attestations served by `GET /repos/{o}/{r}/attestations/sha256:{hex}`. */
  readonly attestations?: readonly FakeAttestation[];
}

/** A Sigstore bundle GitHub holds for a digest. */
export interface FakeAttestation {
  /** Lower-case hex sha256 of the attested bytes. */
  readonly sha256: string;
  /** The bundle, as JSON. */
  readonly bundle: unknown;
  /** 'inline' (default): `bundle` in the answer; 'url': only `bundle_url`, served snappy-compressed from the storage origin. */
  readonly delivery?: 'inline' | 'url';
}

/** A release with the ids and sizes the server assigned at start-up. */
export interface StoredRelease {
  readonly id: number;
  readonly release: FakeRelease;
  readonly repo: FakeRepo;
  readonly assets: readonly StoredAsset[];
}

export interface StoredAsset {
  readonly id: number;
  readonly asset: FakeAsset;
  readonly size: number;
  readonly release: StoredRelease;
}
