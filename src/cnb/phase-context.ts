import { realpathSync } from 'node:fs';
import path from 'node:path';
import { BuildpackError } from '../errors.js';

/** The phase a program called by `names` runs: bin/detect and bin/build are links to one executable. */
export function phaseCalled(names: readonly string[]): 'detect' | 'build' | undefined {
  return names.map((name) => path.basename(name)).find((name) => name === 'detect' || name === 'build');
}

/** Paths the lifecycle hands to detect, from CNB_* variables, else the positional arguments. */
export interface DetectPaths {
  readonly appDir: string;
  readonly buildpackDir: string;
  readonly platformDir: string;
  readonly planPath: string;
}

/** Paths the lifecycle hands to build. */
export interface BuildPaths {
  readonly appDir: string;
  readonly buildpackDir: string;
  readonly platformDir: string;
  readonly layersDir: string;
  readonly planPath: string;
}

interface ProcessFacts {
  readonly env: NodeJS.ProcessEnv;
  /** Arguments after the executable: detect gets <platform> <plan>, build gets <layers> <platform> <plan>. */
  readonly args: readonly string[];
  readonly cwd: string;
  /** The path the executable was started by, to find the buildpack dir when CNB_BUILDPACK_DIR is missing. */
  readonly executable: string;
}

export function detectPaths(facts: ProcessFacts): DetectPaths {
  const [platform, plan] = facts.args;
  return {
    appDir: facts.cwd,
    buildpackDir: buildpackDir(facts),
    platformDir: required(facts.env['CNB_PLATFORM_DIR'] ?? platform, 'CNB_PLATFORM_DIR'),
    planPath: required(facts.env['CNB_BUILD_PLAN_PATH'] ?? plan, 'CNB_BUILD_PLAN_PATH'),
  };
}

export function buildPaths(facts: ProcessFacts): BuildPaths {
  const [layers, platform, plan] = facts.args;
  return {
    appDir: facts.cwd,
    buildpackDir: buildpackDir(facts),
    layersDir: required(facts.env['CNB_LAYERS_DIR'] ?? layers, 'CNB_LAYERS_DIR'),
    platformDir: required(facts.env['CNB_PLATFORM_DIR'] ?? platform, 'CNB_PLATFORM_DIR'),
    planPath: required(facts.env['CNB_BP_PLAN_PATH'] ?? plan, 'CNB_BP_PLAN_PATH'),
  };
}

function buildpackDir(facts: ProcessFacts): string {
  const fromEnv = facts.env['CNB_BUILDPACK_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  // bin/detect and bin/build are links to bin/run; either way the buildpack dir is bin/'s parent.
  return path.dirname(path.dirname(realpathSync(facts.executable)));
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') {
    throw new BuildpackError(
      `${name} is not set and no positional argument gives it: run this from a CNB lifecycle.`,
    );
  }
  return value;
}
