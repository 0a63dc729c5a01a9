/**
 * Chooses the release asset to install when the user named only the repo: the build of the repo's own tool
 * for the target OS, architecture and C library, plain before variants. Pure: names in, a choice with its
 * reasons (or a refusal that lists what was there) out.
 */
import { type AssetLabels, readAssetLabels } from './asset-labels.js';
import { describeKind } from './asset-kind.js';
import type { CnbArch, Libc } from './platform-spellings.js';
import { suggestTemplate } from './suggest-template.js';
import { looseName, repoName } from './tool-name.js';

/** The platform to pick for, as the CNB target and the image's C library say it. */
export interface PickPlatform {
  readonly os: string;
  readonly arch: string;
  /** The ARM variant (`v6`, `v7`), for `arch = "arm"`. */
  readonly variant?: string | undefined;
  readonly libc: Libc;
}

export interface PickInput {
  readonly assets: readonly string[];
  /** `owner/name` (or just the name). */
  readonly repo: string;
  readonly platform: PickPlatform;
  /** The release tag, when known; it tells a version apart from a variant number. */
  readonly version?: string;
}

export interface Rejection {
  readonly asset: string;
  readonly reason: string;
}

/** A candidate that fits, with where it stands against the chosen one. */
export interface RankedCandidate {
  readonly asset: string;
  /** Why it lost to the chosen asset; empty for the chosen one. */
  readonly lostBecause: string;
}

export interface AssetPick {
  readonly outcome: 'picked';
  readonly asset: string;
  /** What the executable is called when the user did not say: the asset name without its labels. */
  readonly toolName: string;
  /** Why the choice fits the platform, for the INFO line. */
  readonly fits: string;
  readonly runnerUp?: RankedCandidate;
  /** Every fitting candidate, best first (the chosen one included). */
  readonly ranked: readonly RankedCandidate[];
  readonly rejected: readonly Rejection[];
}

export interface AssetRefusal {
  readonly outcome: 'refused';
  /** One paragraph: what was wanted, the Linux assets that are there and why each does not fit, and the fix. */
  readonly message: string;
  readonly linuxAssets: readonly string[];
  readonly suggestedTemplate?: string;
  readonly rejected: readonly Rejection[];
}

export type PickResult = AssetPick | AssetRefusal;

/** How many assets a refusal lists before it says how many more there are. */
const MAX_LISTED = 12;

interface Candidate {
  readonly labels: AssetLabels;
  readonly index: number;
  readonly toolName: string | undefined;
  readonly affinity: number;
  readonly libcRank: number;
  readonly archImplied: boolean;
  readonly osInferred: boolean;
}

/** What the whole release says, which a single name cannot: how it spells x86, whether it names OSes. */
interface ReleaseFacts {
  readonly x86Means64: boolean;
  readonly namesOses: boolean;
}

/** Picks the asset for the platform, or refuses with the reasons. */
export function pickAsset(input: PickInput): PickResult {
  const { platform } = input;
  const all = input.assets.map((name) => readAssetLabels(name, input.version));
  const programs = all.filter((labels) => labels.kind === 'program');
  const facts: ReleaseFacts = {
    x86Means64: !programs.some((labels) => labels.arch === 'amd64' || labels.arch === '386'),
    namesOses: programs.some((labels) => labels.os !== undefined),
  };
  const rejected: Rejection[] = [];
  const fitting: Candidate[] = [];
  const onTargetOs: AssetLabels[] = [];
  all.forEach((labels, index) => {
    const verdict = judge(labels, index, input, facts);
    if (verdict.onTargetOs) onTargetOs.push(labels);
    if ('reason' in verdict) rejected.push({ asset: labels.name, reason: verdict.reason });
    else fitting.push(verdict.candidate);
  });

  const tool = chooseTool(onTargetOs, input.repo);
  const ofTool = fitting.filter((candidate) => {
    if (tool === undefined || candidate.toolName === undefined || looseName(candidate.toolName) === tool)
      return true;
    rejected.push({
      asset: candidate.labels.name,
      reason: `another tool or build in the release (${candidate.toolName}); the one named after the repo is ${tool}`,
    });
    return false;
  });
  const ranked = ofTool.toSorted(compareCandidates);
  const best = ranked[0];
  if (best === undefined) return refuse(input, onTargetOs, rejected, tool);

  const others = ranked.slice(1).map((candidate) => ({
    asset: candidate.labels.name,
    lostBecause: whyBetter(best, candidate, platform),
  }));
  const runnerUp = others[0];
  return {
    outcome: 'picked',
    asset: best.labels.name,
    toolName: best.toolName ?? repoName(input.repo),
    fits: describeFit(best, platform),
    ...(runnerUp === undefined ? {} : { runnerUp }),
    ranked: [{ asset: best.labels.name, lostBecause: '' }, ...others],
    rejected,
  };
}

type Verdict =
  | { readonly onTargetOs: boolean; readonly reason: string }
  | { readonly onTargetOs: true; readonly candidate: Candidate };

function judge(labels: AssetLabels, index: number, input: PickInput, facts: ReleaseFacts): Verdict {
  const { platform } = input;
  const arch: CnbArch | undefined =
    labels.arch ?? (labels.ambiguousX86 ? (facts.x86Means64 ? 'amd64' : '386') : undefined);
  const osInferred = labels.os === undefined;
  // An arch and a libc say Linux (only Linux has a libc choice); an arch alone does when no asset names an OS.
  const os =
    labels.os ??
    (arch !== undefined && (labels.libc !== undefined || !facts.namesOses) ? 'linux' : undefined);
  if (labels.kind !== 'program')
    return { onTargetOs: false, reason: describeKind(labels.kind, labels.extension) };
  if (os === undefined) {
    return {
      onTargetOs: false,
      reason:
        arch === undefined
          ? 'names no OS and no architecture (a source archive, a script or a file for every platform)'
          : `names an architecture (${labels.archSpelling ?? 'x86'}) but no OS, while other assets name theirs`,
    };
  }
  if (os !== platform.os) return { onTargetOs: false, reason: `built for ${os}` };
  const archImplied = arch === undefined || labels.ambiguousX86;
  // A Linux build that names no architecture is the amd64 one: releases name the others.
  const effectiveArch = arch ?? 'amd64';
  if (effectiveArch !== platform.arch) {
    return { onTargetOs: true, reason: describeWrongArch(labels, effectiveArch, arch === undefined) };
  }
  if (platform.arch === 'arm' && !armVariantRuns(labels.armVariant, platform.variant)) {
    return {
      onTargetOs: true,
      reason: `built for ARM ${labels.armVariant ?? ''}, newer than the target's ${platform.variant ?? ''}`,
    };
  }
  if (platform.os === 'linux' && platform.libc === 'musl' && labels.libc === 'gnu' && !labels.static) {
    return {
      onTargetOs: true,
      reason: 'built for glibc (gnu); the image uses musl, where it would not start',
    };
  }
  const toolName = labels.toolName;
  return {
    onTargetOs: true,
    candidate: {
      labels,
      index,
      toolName,
      affinity: affinityOf(toolName, input.repo),
      libcRank: libcRankOf(labels, platform.libc),
      archImplied,
      osInferred,
    },
  };
}

function describeWrongArch(labels: AssetLabels, arch: CnbArch, implied: boolean): string {
  if (implied) return 'names no architecture, so it is the amd64 build';
  const spelled =
    labels.archSpelling !== undefined && labels.archSpelling.toLowerCase() !== arch
      ? ` (${labels.archSpelling})`
      : '';
  if (arch === 'arm') return `built for 32-bit ARM${spelled}`;
  if (arch === '386') return `built for 32-bit x86${spelled}`;
  if (labels.ambiguousX86) return 'built for x86, which this release uses for 32-bit x86';
  return `built for ${arch}${spelled}`;
}

/** An ARMv6 build runs on ARMv7, not the other way round; a build that names no variant is taken to run. */
function armVariantRuns(built: string | undefined, target: string | undefined): boolean {
  if (built === undefined || target === undefined) return true;
  return Number.parseInt(built.slice(1), 10) <= Number.parseInt(target.slice(1), 10);
}

/** 0: named after the repo; 1: a name that holds the repo's (or the other way round), or no name; 2: another tool. */
function affinityOf(toolName: string | undefined, repo: string): number {
  if (toolName === undefined) return 1;
  const tool = looseName(toolName);
  const wanted = looseName(repoName(repo));
  if (tool === wanted) return 0;
  return tool.includes(wanted) || wanted.includes(tool) ? 1 : 2;
}

/** On glibc a gnu or unmarked build comes first; on musl a musl or static one does. */
function libcRankOf(labels: AssetLabels, libc: Libc): number {
  if (labels.static) return 0;
  if (libc === 'musl') return labels.libc === 'musl' ? 0 : 1;
  return labels.libc === 'musl' ? 1 : 0;
}

/**
 * The tool the entry installs when a release holds several: the one named after the repo, else the one whose
 * name holds the repo's. When several tie (or none is named), every tool stays in and ranking decides.
 */
function chooseTool(onTargetOs: readonly AssetLabels[], repo: string): string | undefined {
  const names = [
    ...new Set(
      onTargetOs
        .filter((labels) => labels.kind === 'program' && labels.toolName !== undefined)
        .map((labels) => looseName(labels.toolName ?? '')),
    ),
  ];
  if (names.length < 2) return undefined;
  const bestAffinity = Math.min(...names.map((name) => affinityOf(name, repo)));
  const best = names.filter((name) => affinityOf(name, repo) === bestAffinity);
  return best.length === 1 ? best[0] : undefined;
}

const ORDER: readonly ((candidate: Candidate) => number)[] = [
  (candidate) => candidate.affinity,
  (candidate) => candidate.libcRank,
  (candidate) => (candidate.archImplied ? 1 : 0),
  (candidate) => (candidate.osInferred ? 1 : 0),
  (candidate) => candidate.labels.variants.length,
  (candidate) => formatRank(candidate.labels),
  (candidate) => candidate.labels.name.length,
  (candidate) => candidate.index,
];

/** Zip and 7z archives made off Unix often lose the executable bit; tarballs and raw files keep it. */
function formatRank(labels: AssetLabels): number {
  return labels.extension === '.zip' || labels.extension === '.7z' ? 1 : 0;
}

function compareCandidates(a: Candidate, b: Candidate): number {
  for (const key of ORDER) {
    const difference = key(a) - key(b);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The first rule that put `winner` ahead of `loser`, said about the loser. */
function whyBetter(winner: Candidate, loser: Candidate, platform: PickPlatform): string {
  if (winner.affinity !== loser.affinity) {
    return `its tool (${loser.toolName ?? 'unnamed'}) is not the one named after the repo`;
  }
  if (winner.libcRank !== loser.libcRank) {
    return platform.libc === 'musl'
      ? 'it does not say it is built for musl'
      : 'it is the musl build, and a glibc image takes a gnu or unmarked build first';
  }
  if (winner.archImplied !== loser.archImplied) return `it does not name ${platform.arch} in so many words`;
  if (winner.osInferred !== loser.osInferred) return 'it does not name its OS';
  if (winner.labels.variants.length !== loser.labels.variants.length) {
    return `it is a variant build (${loser.labels.variants.join('-')}), and the plain one comes first`;
  }
  if (formatRank(winner.labels) !== formatRank(loser.labels)) {
    return `it is the same build as a ${loser.labels.extension} archive, which may lose the executable bit`;
  }
  return 'it is the same build under a longer name';
}

function describeFit(best: Candidate, platform: PickPlatform): string {
  const { labels } = best;
  const parts = [
    labels.os === undefined ? `${platform.os} (implied by its libc)` : platform.os,
    labels.arch === undefined
      ? labels.ambiguousX86
        ? 'amd64 (x86 is the only x86 build here)'
        : 'amd64 (no architecture named)'
      : labels.archSpelling?.toLowerCase() === platform.arch
        ? platform.arch
        : `${platform.arch} (${labels.archSpelling ?? ''})`,
  ];
  if (platform.os === 'linux') {
    parts.push(labels.static ? 'static' : labels.libc === undefined ? 'libc not named' : labels.libc);
  }
  return parts.join(', ');
}

function refuse(
  input: PickInput,
  onTargetOs: readonly AssetLabels[],
  rejected: readonly Rejection[],
  tool: string | undefined,
): AssetRefusal {
  const { platform } = input;
  const target = `${platform.os}/${platform.arch}${platform.variant === undefined ? '' : `/${platform.variant}`}${platform.os === 'linux' ? ` (${platform.libc === 'musl' ? 'musl' : 'glibc'})` : ''}`;
  const names = onTargetOs.map((labels) => labels.name);
  const reasons = new Map(rejected.map((rejection) => [rejection.asset, rejection.reason]));
  const template = suggestTemplate(onTargetOs, input.version, tool, platform.arch);
  const shown = names.slice(0, MAX_LISTED);
  const more = names.length > shown.length ? `; and ${names.length - shown.length} more` : '';
  const listed =
    names.length === 0
      ? ` It holds no ${platform.os} program at all (${input.assets.length} assets${input.assets.length > 0 ? `, such as ${input.assets.slice(0, 6).join(', ')}` : ''}).`
      : ` Its ${platform.os} assets are: ${shown.map((name) => `${name} (${reasons.get(name) ?? 'does not fit'})`).join('; ')}${more}.`;
  const fix =
    template === undefined
      ? ` Use a release that has a build for ${target}, or set \`asset\` to the file to install.`
      : ` Use a release that has a build for ${target}; or, if one of these is that build under a name the buildpack does not read, set \`asset\` to it, for example asset = "${template}".`;
  return {
    outcome: 'refused',
    message: `No asset of ${input.repo}${input.version === undefined ? '' : ` ${input.version}`} fits ${target}.${listed}${fix}`,
    linuxAssets: names,
    ...(template === undefined ? {} : { suggestedTemplate: template }),
    rejected,
  };
}
