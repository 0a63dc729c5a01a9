import { execFileSync } from 'node:child_process';

/** Runs a real archiving tool (tar, zip, xz, ...) the way a release pipeline would; throws if it fails. */
export function run(command: string, args: readonly string[], cwd?: string): void {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Whether a tool is on PATH, so tests that need it can say clearly that it is missing. */
export function hasTool(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
