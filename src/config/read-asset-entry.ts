import { dependsOnPlatform } from './asset-template.js';
import { looksLikeArchive } from './archive-name.js';
import type { ConfigProblems } from './config-problems.js';
import { entryLabel, type AssetEntry } from './asset-entry.js';
import { describeValue, reprValue } from './describe-value.js';
import {
  checkAsset,
  checkChecksums,
  checkDestination,
  checkFlag,
  checkInclude,
  checkRepo,
  checkSha256,
  checkStripComponents,
  checkTag,
  checkTokenEnv,
  type FieldResult,
} from './entry-fields.js';
import { isKnownEntryKey, suggestKnownKey } from './entry-keys.js';
import { isTomlTable } from './toml-table.js';
import { checkProvenanceField } from '../provenance/provenance-mode.js';
import { checkSignerWorkflowField } from '../provenance/signer-identity.js';

/**
 * Validates one `[[metadata.githubassets]]` entry (`tablePath` names the table, for messages). Every problem goes into `problems`, so the user sees all of
 * them at once; the entry is returned only when it has none.
 */
export function readAssetEntry(
  raw: unknown,
  index: number,
  tablePath: string,
  problems: ConfigProblems,
): AssetEntry | undefined {
  if (!isTomlTable(raw)) {
    problems.entryError(
      entryLabel(index, undefined),
      `each entry must be a table with repo (and optionally asset), but this one is ${describeValue(raw)}. ` +
        `Write it as a [[${tablePath}]] section with repo = "owner/name" below it.`,
    );
    return undefined;
  }
  const field = (key: string): unknown => (Object.hasOwn(raw, key) ? raw[key] : undefined);

  const repo = checkRepo(field('repo'));
  const label = entryLabel(index, 'value' in repo ? repo.value.repo : undefined);
  let valid = true;
  const take = <T>(result: FieldResult<T>): T | undefined => {
    if ('value' in result) return result.value;
    problems.entryError(label, result.error);
    valid = false;
    return undefined;
  };

  const parts = {
    repo: take(repo),
    asset: take(checkAsset(field('asset'))),
    tag: take(checkTag(field('tag'))),
    tokenEnv: take(checkTokenEnv(field('token_env'))),
    destination: take(checkDestination(field('destination'))),
    stripComponents: take(checkStripComponents(field('strip_components'))),
    sha256: take(checkSha256(field('sha256'))),
    checksums: take(checkChecksums(field('checksums'))),
    include: take(checkInclude(field('include'))),
    launch: take(checkFlag('launch', field('launch'), true)),
    build: take(checkFlag('build', field('build'), false)),
    archCheck: take(checkFlag('arch_check', field('arch_check'), true)),
    provenance: take(checkProvenanceField(field('provenance'))),
    signerWorkflow: take(checkSignerWorkflowField(field('signer_workflow'))),
  };
  if (parts.launch === false && parts.build === false) {
    problems.entryError(
      label,
      'launch and build are both false, so the asset would be installed nowhere. Set launch = true to put it ' +
        'in the app image, or build = true to give it to later buildpacks during the build.',
    );
    valid = false;
  }

  for (const key of Object.keys(raw)) {
    if (!isKnownEntryKey(key))
      problems.entryWarning(label, `the key ${key} is unknown and is ignored. ${suggestKnownKey(key)}`);
  }
  if (!valid || parts.repo === undefined) return undefined;

  const entry: AssetEntry = {
    index,
    repo: parts.repo.repo,
    owner: parts.repo.owner,
    name: parts.repo.name,
    asset: parts.asset,
    tag: parts.tag,
    tokenEnv: parts.tokenEnv,
    destination: parts.destination,
    stripComponents: parts.stripComponents ?? 0,
    sha256: typeof parts.sha256 === 'string' ? parts.sha256 : undefined,
    sha256ByPlatform: typeof parts.sha256 === 'object' ? parts.sha256 : undefined,
    checksums: parts.checksums,
    include: parts.include,
    launch: parts.launch ?? true,
    build: parts.build ?? false,
    archCheck: parts.archCheck ?? true,
    provenance: parts.provenance,
    signerWorkflow: parts.signerWorkflow,
  };
  warnAboutSurprises(entry, label, problems);
  return entry;
}

/** Settings that are valid but probably do not do what the user expects. */
function warnAboutSurprises(entry: AssetEntry, label: string, problems: ConfigProblems): void {
  if (entry.asset === undefined) {
    if (entry.sha256 !== undefined) {
      problems.entryWarning(
        label,
        'sha256 pins a single file, but without asset the buildpack picks a different build for each platform, ' +
          'so builds for other platforms will fail the check. Pin each platform (sha256 = { "linux/amd64" = "…" }) ' +
          'or name the release\'s checksums file with checksums = "checksums.txt".',
      );
    }
    return;
  }
  if (entry.sha256 !== undefined && dependsOnPlatform(entry.asset)) {
    problems.entryWarning(
      label,
      `sha256 pins a single file, but asset ${reprValue(entry.asset)} changes with {os}, {arch} or {libc}, so builds for ` +
        'other platforms will fail the check. Use checksums = "<checksums file of the release>" instead.',
    );
  }
  // Only for plain names: a glob or template may well match an archive.
  const plainFile = !/[*?[{]/.test(entry.asset) && !looksLikeArchive(entry.asset);
  if (plainFile && entry.stripComponents > 0) {
    problems.entryWarning(
      label,
      `strip_components only applies to archives, and asset ${reprValue(entry.asset)} does not look like one, ` +
        'so it is ignored if the file is not an archive. Remove strip_components if the asset is a plain file.',
    );
  }
  if (plainFile && entry.include !== undefined) {
    problems.entryWarning(
      label,
      `include only applies to archives, and asset ${reprValue(entry.asset)} does not look like one, so it is ` +
        'ignored if the file is not an archive. Remove include if the asset is a plain file.',
    );
  }
  const top = entry.destination?.split('/')[0];
  if (top === 'env' || top === 'env.build' || top === 'env.launch') {
    problems.entryWarning(
      label,
      `destination ${reprValue(entry.destination)} is inside the layer's ${top}/ directory, whose files the ` +
        'lifecycle reads as environment variables. Choose another destination, e.g. "bin".',
    );
  }
}
