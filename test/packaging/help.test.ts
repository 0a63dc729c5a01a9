/**
 * Every `npm run` command answers `--help` with its usage and exit 0, without doing its work: ours print
 * "usage: npm run <name>", the third-party ones (tsc, prettier, vitest) their own help.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const scripts = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts,
).filter((name) => !name.startsWith('pre') && !name.startsWith('post'));

/** Scripts whose entry point is ours, so their usage line is ours too. */
const OURS = new Set(['build', 'package', 'lint', 'lifecycle', 'bench']);

describe('npm run <command> -- --help', () => {
  it.each(scripts)('%s prints its usage and exits 0', (name) => {
    const result = spawnSync('npm', ['run', '--silent', name, '--', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).not.toContain('ERR_PARSE_ARGS');
    if (OURS.has(name)) {
      expect(result.stdout).toMatch(new RegExp(`^usage: npm run ${name}\\b`, 'm'));
      // --help does not do the work: no build, no package, no lint run.
      expect(result.stdout).not.toMatch(/^(built|packaged) /m);
    } else {
      expect(result.stdout).toMatch(/usage:|COMMON COMMANDS/i);
    }
  });

  it('an unknown option prints the usage and exits 2, without a stack trace', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'lifecycle.cjs'), '--no-such-option'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Unknown option '--no-such-option'");
    expect(result.stderr).toContain('usage: npm run lifecycle');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
