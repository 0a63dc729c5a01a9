// `npm run lint`: ESLint, then Prettier's check, over the whole tree; the exit code is non-zero if either
// finds something.
import { spawnSync } from 'node:child_process';
import { parseCommandLine } from './_cli.mjs';

parseCommandLine(
  { options: {} },
  `usage: npm run lint
Runs ESLint (eslint.config.js) and Prettier's check on the repository; npm run format fixes formatting.`,
);
let status = 0;
for (const [command, ...args] of [
  ['eslint', '.'],
  ['prettier', '--check', '.'],
]) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  status ||= result.status ?? 1;
}
process.exitCode = status;
