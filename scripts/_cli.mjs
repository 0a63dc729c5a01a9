// Command-line parsing shared by every `npm run` entry point (scripts/*.mjs and tools/*/main.ts): node's
// parseArgs plus `--help`/`-h`, which prints the usage and exits 0, and a usage line instead of a stack trace
// when an option is unknown or malformed.
import { parseArgs } from 'node:util';

/**
 * parseArgs(config) with --help. `usage` is the text printed for --help (and after an error), starting with
 * the command line, e.g. "usage: npm run build -- [--force]".
 */
export function parseCommandLine(config, usage) {
  const options = { ...config.options, help: { type: 'boolean', short: 'h' } };
  let parsed;
  try {
    parsed = parseArgs({ ...config, options });
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${usage.trimEnd()}\n`);
    process.exit(2);
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage.trimEnd()}\n`);
    process.exit(0);
  }
  return parsed;
}
