/**
 * The last check before an entry's files may join a layer: every ELF file must run on the image's
 * architecture and C library, whatever the configuration said, unless the entry opted out (`arch_check`).
 */
import { entryLabel, type AssetEntry } from '../config/asset-entry.js';
import type { Target } from '../cnb/target.js';
import type { Logger } from '../log/logger.js';
import { checkLayerBinaries, describeWarning } from '../verify/check-layer-binaries.js';
import { WrongArchitectureError } from '../verify/wrong-architecture-error.js';

/** Throws WrongArchitectureError when a file of `stagingDir` cannot run on the target; logs the warnings. */
export async function checkEntryBinaries(
  entry: Pick<AssetEntry, 'index' | 'repo' | 'archCheck'>,
  stagingDir: string,
  context: { readonly configFile: string; readonly target: Target; readonly logger: Logger },
): Promise<void> {
  const { target, logger } = context;
  // ELF is what Linux runs; other targets' executables are not read.
  if (!entry.archCheck || target.os !== 'linux') return;
  const report = await checkLayerBinaries(stagingDir, { arch: target.arch, libc: target.libc });
  const label = `${entryLabel(entry.index, entry.repo)} in ${context.configFile}`;
  if (report.errors.length > 0) throw new WrongArchitectureError(report.errors, target, label);
  for (const warning of report.warnings)
    logger.warn(`${entryLabel(entry.index, entry.repo)}: ${describeWarning(warning)}`);
}
