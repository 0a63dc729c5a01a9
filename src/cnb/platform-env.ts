import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Looks up a configuration variable by name. */
export type EnvLookup = (name: string) => string | undefined;

/**
 * User variables reach a buildpack two ways: in the process environment, and as files `<platform>/env/NAME`.
 * With `clear-env = true`, or under platforms that only write the files, the files are the only source, so
 * both are read; the files win because they are what the platform was told.
 */
export async function readPlatformEnv(
  platformDir: string,
  processEnv: NodeJS.ProcessEnv,
): Promise<EnvLookup> {
  const fromFiles = new Map<string, string>();
  const envDir = path.join(platformDir, 'env');
  for (const name of await listDir(envDir)) {
    const value = await readFile(path.join(envDir, name), 'utf8').catch(() => undefined);
    if (value !== undefined) fromFiles.set(name, value);
  }
  return (name) => {
    const value = fromFiles.get(name) ?? processEnv[name];
    return value === undefined || value === '' ? undefined : value;
  };
}

/** A service binding: a directory with a `type` file and one file per key. */
export interface ServiceBinding {
  readonly name: string;
  readonly type: string;
  readonly entries: ReadonlyMap<string, string>;
}

/** Reads bindings from $SERVICE_BINDING_ROOT, else `<platform>/bindings`, as Paketo buildpacks do. */
export async function readServiceBindings(platformDir: string, env: EnvLookup): Promise<ServiceBinding[]> {
  const root = env('SERVICE_BINDING_ROOT') ?? path.join(platformDir, 'bindings');
  const bindings: ServiceBinding[] = [];
  for (const name of (await listDir(root)).sort()) {
    // Kubernetes mounts secrets with hidden `..data` links beside the real keys.
    if (name.startsWith('.')) continue;
    const dir = path.join(root, name);
    const entries = new Map<string, string>();
    for (const key of await listDir(dir)) {
      if (key.startsWith('.')) continue;
      const value = await readFile(path.join(dir, key), 'utf8').catch(() => undefined);
      if (value !== undefined) entries.set(key, value.trim());
    }
    const type = entries.get('type');
    if (type === undefined) continue;
    entries.delete('type');
    bindings.push({ name, type: type.toLowerCase(), entries });
  }
  return bindings;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
