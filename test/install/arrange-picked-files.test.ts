import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AssetFormat } from '../../src/archive/unpack-asset.js';
import { arrangePickedFiles } from '../../src/install/arrange-picked-files.js';
import { listFilesRecursive } from '../helpers/files.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A staging directory holding `files` (each containing its own path), as unpacking left it. */
async function staged(files: readonly string[]): Promise<string> {
  const dir = await tempDir('arrange-');
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), file);
  }
  return dir;
}

async function arrange(files: readonly string[], format: AssetFormat, stripped = false) {
  const stagingDir = await staged(files);
  const arranged = await arrangePickedFiles({ stagingDir, format, files, toolName: 'tool', stripped });
  expect(await listFilesRecursive(stagingDir)).toEqual(arranged);
  return arranged;
}

describe('arrangePickedFiles', () => {
  it('names a raw or bare compressed file after the tool', async () => {
    expect(await arrange(['bin/tool-linux-arm64'], 'raw')).toEqual(['bin/tool']);
    expect(await arrange(['bin/tool_1.0_linux_amd64'], 'gz')).toEqual(['bin/tool']);
  });

  it('strips the one top-level directory and puts the rest under bin/, keeping member names', async () => {
    expect(
      await arrange(
        ['tool-v1-x86_64-unknown-linux-gnu/tool', 'tool-v1-x86_64-unknown-linux-gnu/doc/tool.1'],
        'tar.gz',
      ),
    ).toEqual(['bin/doc/tool.1', 'bin/tool']);
  });

  it('keeps an archive that has a bin/ of its own where it is, after the top directory goes', async () => {
    expect(await arrange(['tool-1.0/bin/tool', 'tool-1.0/share/man/tool.1'], 'tar.xz')).toEqual([
      'bin/tool',
      'share/man/tool.1',
    ]);
    expect(await arrange(['bin/tool', 'LICENSE'], 'zip')).toEqual(['LICENSE', 'bin/tool']);
  });

  it('survives a top directory that holds a member of the same name', async () => {
    expect(await arrange(['tool/tool', 'tool/README.md'], 'tar.gz')).toEqual(['bin/README.md', 'bin/tool']);
  });

  it('leaves the top directory when strip_components already took one off', async () => {
    expect(await arrange(['inner/tool', 'inner/LICENSE'], 'tar.gz', true)).toEqual([
      'bin/inner/LICENSE',
      'bin/inner/tool',
    ]);
  });
});
