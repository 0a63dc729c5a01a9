import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Every regular file below dir, as paths relative to it. */
export async function listFilesRecursive(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await listFilesRecursive(full)).map((file) => path.join(entry.name, file)));
    } else {
      files.push(entry.name);
    }
  }
  return files.sort();
}

/** Paths of files below dir whose bytes contain needle (for "the token is nowhere" checks). */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const file of await listFilesRecursive(dir)) {
    const full = path.join(dir, file);
    const info = await stat(full).catch(() => undefined);
    if (info?.isFile() && (await readFile(full)).includes(needle)) hits.push(file);
  }
  return hits;
}
