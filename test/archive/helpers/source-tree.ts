import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The files of the sample release tree, with their content and modes, for byte-for-byte comparison. */
export interface SourceTree {
  readonly dir: string;
  /** `mode` as written to the source tree, `installed` the mode the buildpack must give it (any run user reads). */
  readonly files: ReadonlyMap<
    string,
    { readonly data: Buffer; readonly mode: number; readonly installed: number }
  >;
  readonly links: ReadonlyMap<string, string>;
}

/**
 * Writes a small release-like tree under `dir/<top>`: an executable, a library, docs, an empty-ish config, and
 * a relative symlink, the mix real release archives hold.
 */
export async function writeSourceTree(dir: string, top = 'pkg-1.0'): Promise<SourceTree> {
  const files = new Map<string, { data: Buffer; mode: number; installed: number }>([
    [`${top}/bin/tool`, { data: randomBytes(200_000), mode: 0o755, installed: 0o755 }],
    [`${top}/lib/libtool.so.1`, { data: randomBytes(3000), mode: 0o644, installed: 0o644 }],
    [
      `${top}/share/doc/README.md`,
      { data: Buffer.from('# tool\n\nread me\n'), mode: 0o644, installed: 0o644 },
    ],
    [`${top}/etc/tool.conf`, { data: Buffer.from(''), mode: 0o600, installed: 0o644 }],
  ]);
  const links = new Map([[`${top}/lib/libtool.so`, 'libtool.so.1']]);
  for (const [name, file] of files) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), file.data);
    await fs.chmod(path.join(dir, name), file.mode);
  }
  for (const [name, target] of links) await fs.symlink(target, path.join(dir, name));
  return { dir, files, links };
}
