/**
 * Turns an asset name into the `asset` template a user could write for it, so a refusal can end with a fix:
 * the release's version becomes `{version}` (or `{tag}`), the architecture `{arch}`, the C library `{libc}`.
 */
import type { AssetLabels } from './asset-labels.js';
import { looseName } from './tool-name.js';

/** A template from the best-looking asset of `tool` (or of any tool), or none when nothing is on the OS. */
export function suggestTemplate(
  onTargetOs: readonly AssetLabels[],
  version: string | undefined,
  tool: string | undefined,
  arch: string,
): string | undefined {
  const programs = onTargetOs.filter(
    (labels) => tool === undefined || labels.toolName === undefined || looseName(labels.toolName) === tool,
  );
  // A name of a mainstream build that spells its architecture and has no variant words travels best.
  const archRank = (labels: AssetLabels): number => {
    const rank = [arch, 'amd64', 'arm64'].indexOf(labels.arch ?? '');
    return rank === -1 ? (labels.arch === undefined ? 4 : 3) : rank;
  };
  const model = programs.toSorted(
    (a, b) =>
      archRank(a) - archRank(b) || a.variants.length - b.variants.length || a.name.length - b.name.length,
  )[0];
  return model === undefined ? undefined : templateOf(model, version);
}

/** The template that names `labels.name` for its own platform and version. */
export function templateOf(labels: AssetLabels, version: string | undefined): string {
  const replacements: [number, number, string][] = [];
  for (const token of labels.tokens) {
    if (
      token.role === 'label' &&
      token.arch !== undefined &&
      token.os === undefined &&
      token.libc === undefined
    ) {
      replacements.push([token.start, token.end, '{arch}']);
    } else if (
      token.role === 'label' &&
      token.libc !== undefined &&
      token.arch === undefined &&
      token.os === undefined
    ) {
      replacements.push([token.start, token.end, '{libc}']);
    }
  }
  let stem = labels.stem;
  for (const [start, end, placeholder] of replacements.toSorted((a, b) => b[0] - a[0])) {
    stem = `${stem.slice(0, start)}${placeholder}${stem.slice(end)}`;
  }
  return `${replaceVersion(stem, version)}${labels.name.slice(labels.stem.length)}`;
}

function replaceVersion(stem: string, version: string | undefined): string {
  if (version === undefined || version === '') return stem;
  if (stem.includes(version)) return stem.replace(version, '{tag}');
  const bare = version.replace(/^[^\d]*/, '');
  return bare !== '' && stem.includes(bare) ? stem.replace(bare, '{version}') : stem;
}
