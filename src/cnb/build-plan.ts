/** The build plan detect writes (CNB contract): what this buildpack provides and requires. */
import { writeFile } from 'node:fs/promises';
import TOML from '@iarna/toml';

export interface BuildPlan {
  readonly provides: readonly { name: string }[];
  readonly requires: readonly { name: string; metadata?: TOML.JsonMap }[];
}

export async function writeBuildPlan(planPath: string, plan: BuildPlan): Promise<void> {
  await writeFile(planPath, TOML.stringify(plan as unknown as TOML.JsonMap));
}
