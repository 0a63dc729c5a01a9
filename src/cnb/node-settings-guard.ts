/**
 * Keeps the executable deaf to the Node.js settings of the app being built. The lifecycle hands a buildpack
 * the platform env and the build env of earlier buildpacks, and a Node.js app's build sets NODE_OPTIONS
 * (`--require ./.pnp.cjs`), NODE_DEBUG, NODE_V8_COVERAGE, NODE_TLS_REJECT_UNAUTHORIZED and the like. The
 * SEA config's execArgvExtension "none" (scripts/_sea.mjs) stops NODE_OPTIONS; the rest are read by Node
 * itself as it starts (before any of our code runs), so when one is present the executable replaces itself
 * (execve: same pid, same argv[0], hence the same phase) with a copy of itself started without them.
 * NODE_EXTRA_CA_CERTS is kept: it is a documented way to trust a company CA.
 * Imported first by main.ts, so it runs before any other module.
 */
import { isSea } from 'node:sea';

/** Node variables that stay: they add trust, they do not change what the buildpack does. */
const KEPT = new Set(['NODE_EXTRA_CA_CERTS']);

/** Names in `env` that Node.js (NODE_*) or its libuv (UV_*) would act on, other than the kept ones. */
export function nodeSettingsIn(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env).filter(
    (name) => (name.startsWith('NODE_') || name.startsWith('UV_')) && !KEPT.has(name),
  );
}

if (isSea()) {
  const found = nodeSettingsIn(process.env);
  if (found.length > 0) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !found.includes(name)));
    // In a SEA, argv is [execPath, execPath, ...user arguments].
    // Always there on the Node the executable ships (24); typed optional for older ones.
    process.execve?.(process.execPath, [process.argv0, ...process.argv.slice(2)], env);
  }
}
