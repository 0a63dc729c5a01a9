import type { LimitFunction } from 'p-limit';
import type { AssetEntry } from '../config/asset-entry.js';
import type { BuildpackDescriptor } from '../cnb/buildpack-descriptor.js';
import type { Target } from '../cnb/target.js';
import type { Token } from '../github/token.js';
import type { LayerRecord } from '../layers/layer-record.js';
import type { Logger } from '../log/logger.js';
import type { TrustRoot } from '../provenance/trust-root.js';
import type { Settings } from '../settings.js';
import type { InstallServices } from './services.js';

/** The entries of one repo, which share a layer. */
export interface LayerPlan {
  readonly name: string;
  readonly owner: string;
  readonly repoName: string;
  readonly repo: string;
  readonly entries: readonly AssetEntry[];
  readonly token: Token | undefined;
}

/** What every layer of one build shares. */
export interface LayerContext {
  /** The layers dir the lifecycle gave (`/layers/<buildpack id>` in the image), so logged paths are real. */
  readonly layersDir: string;
  /** The configuration file, as messages name it (`project.toml`). */
  readonly configFile: string;
  readonly settings: Settings;
  readonly target: Target;
  readonly buildpack: BuildpackDescriptor;
  /** Loads the collaborators on first use: a build that reuses every layer never pays for the HTTP stack. */
  readonly services: () => Promise<InstallServices>;
  /** Bounds how many assets download at once across the whole build. */
  readonly limit: LimitFunction;
  readonly logger: Logger;
  /** The trusted Sigstore root, loaded once per build on the first asset with provenance to check. */
  readonly trustRoot: () => Promise<TrustRoot>;
}

export interface LayerOutcome {
  readonly name: string;
  readonly reused: boolean;
  readonly record: LayerRecord;
}
