// Runs a script on the Node LTS that the buildpack ships (the node-linux-<arch> package), so tests and
// tools exercise the same runtime as bin/build, while the rest of the toolchain runs on any Node >= 20.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
let node = process.execPath;
try {
  node = require.resolve(`node-linux-${arch}/bin/node`);
} catch {
  console.error(`node-linux-${arch} is not installed; running on ${process.version} instead`);
}
const result = spawnSync(node, process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status ?? 1);
