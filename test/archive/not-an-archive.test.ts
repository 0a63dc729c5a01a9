import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ArchiveFormatError } from '../../src/archive/archive-errors.js';
import { rawTar } from './helpers/tar-builder.js';
import { run } from './helpers/tools.js';
import { listTree, makeWorkspace, unpackBytes } from './helpers/unpack-helpers.js';

const ERROR_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>proxy error</body></html>\n';
const S3_ERROR =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>';
const API_ERROR = '{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}';

/** Unpacks `bytes` as `assetName`, expects ArchiveFormatError, and that nothing was written. */
async function refusal(assetName: string, bytes: Buffer): Promise<ArchiveFormatError> {
  const workspace = await makeWorkspace();
  const error: unknown = await unpackBytes(workspace, assetName, bytes).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ArchiveFormatError);
  expect(await listTree(workspace.root)).toEqual([]);
  return error as ArchiveFormatError;
}

describe('bytes that are not the archive the name promises are refused, naming asset, expected and found', () => {
  it.each([
    'tool.tar.gz',
    'tool.tgz',
    'tool.tar.xz',
    'tool.tar.bz2',
    'tool.tar.zst',
    'tool.tar',
    'tool.zip',
    'TOOL.TAR.GZ',
  ])('an empty %s', async (name) => {
    const error = await refusal(name, Buffer.alloc(0));
    expect(error.found).toBe('nothing (0 bytes)');
    expect(error.message).toMatch(
      new RegExp(
        `^Refusing to install "${name.replace(/\./g, '\\.')}": its name says [a-z.0-9]+, but it is empty \\(0 bytes\\)\\.`,
      ),
    );
    expect(error.message).toContain('the publisher must upload it again');
  });

  it.each(['tool.gz', 'tool.xz', 'tool.bz2', 'tool.zst'])('an empty bare %s', async (name) => {
    const error = await refusal(name, Buffer.alloc(0));
    expect(error.format).toBe(name.split('.').at(-1));
  });

  it('an HTML error page served as tool.tar.gz: says the server answered with a web page', async () => {
    const error = await refusal('tool.tar.gz', Buffer.from(ERROR_PAGE));
    expect(error.format).toBe('tar.gz');
    expect(error.message).toBe(
      'Refusing to install "tool.tar.gz": its name says tar.gz, but the server answered with a web page (HTML) ' +
        'instead of the file. Nothing from this asset was installed. That is usually a sign-in, error or ' +
        'rate-limit page from a proxy, a mirror or a captive portal. Check the asset name in the configuration ' +
        'against the release page, and that the download URL (or the mirror in use) serves the asset itself.',
    );
    // The page's own text never reaches the message.
    expect(error.message).not.toContain('Bad Gateway');
  });

  it.each([
    ['lower case, no doctype', '<html><body>sign in</body></html>'],
    ['after a byte-order mark and blank lines', `\uFEFF\n\n  ${ERROR_PAGE}`],
    ['starting with a comment', `<!-- generated -->\n${ERROR_PAGE}`],
  ])('a web page %s, as tool.zip', async (_label, page) => {
    const error = await refusal('tool.zip', Buffer.from(page));
    expect(error.message).toContain('the server answered with a web page (HTML)');
  });

  it('a storage service XML error as a .tar.xz', async () => {
    const error = await refusal('tool.tar.xz', Buffer.from(S3_ERROR));
    expect(error.found).toMatch(/XML document/);
  });

  it('a JSON API error as a .tgz', async () => {
    const error = await refusal('tool.tgz', Buffer.from(API_ERROR));
    expect(error.found).toMatch(/JSON text/);
  });

  it('a bare ELF program under an archive name', async () => {
    const error = await refusal('tool-linux-amd64.tar.gz', await fs.readFile('/usr/bin/env'));
    expect(error.found).toMatch(/^an ELF executable/);
    expect(error.message).toContain('publishes the program itself under an archive name');
  });

  it('a Windows executable as a .zip, and random bytes as a .tar.bz2', async () => {
    expect((await refusal('tool.zip', Buffer.from('MZ\x90\x00\x03', 'latin1'))).found).toMatch(/Windows/);
    expect((await refusal('tool.tar.bz2', Buffer.from([0x00, 0x9f, 0xff, 0x13, 0x07, 0x80]))).found).toBe(
      'data in no format this buildpack knows',
    );
  });

  it('a gzip stream that holds nothing, as a .tar.gz', async () => {
    const error = await refusal('tool.tar.gz', zlib.gzipSync(Buffer.alloc(0)));
    expect(error.message).toMatch(/its name says tar\.gz, but its gzip data is empty/);
  });

  it('a gzipped web page as a .tar.gz (a proxy that compresses its error pages)', async () => {
    const error = await refusal('tool.tar.gz', zlib.gzipSync(ERROR_PAGE));
    expect(error.message).toMatch(/its gzip data holds a web page \(HTML\), not a tar archive/);
  });

  it('a zstd stream holding an ELF as a .tar.zst', async () => {
    const workspace = await makeWorkspace();
    const asset = path.join(workspace.dir, 'env.zst');
    run('zstd', ['-q', '-o', asset, '/usr/bin/env']);
    const error = await refusal('tool.tar.zst', await fs.readFile(asset));
    expect(error.message).toMatch(
      /its zstd data holds an ELF executable \(a bare Linux program\), not a tar archive/,
    );
  });

  it('a web page under a program name with no suffix, which is never the program', async () => {
    const error = await refusal('grpc_health_probe-linux-amd64', Buffer.from(ERROR_PAGE));
    expect(error.format).toBe('file');
    expect(error.message).toMatch(
      /^Refusing to install "grpc_health_probe-linux-amd64": expected the file itself, but the server answered with a web page/,
    );
  });
});

describe('what is still installed as it is', () => {
  it('an HTML asset named as one', async () => {
    const workspace = await makeWorkspace();
    const result = await unpackBytes(workspace, 'report.html', Buffer.from(ERROR_PAGE));
    expect(result.files).toEqual(['bin/report.html']);
  });

  it('a shell script, JSON or an empty file under a name that promises no archive', async () => {
    for (const [name, bytes] of [
      ['install.sh', Buffer.from('#!/bin/sh\necho hi\n')],
      ['schema', Buffer.from(API_ERROR)],
      ['empty-marker', Buffer.alloc(0)],
    ] as const) {
      const workspace = await makeWorkspace();
      const result = await unpackBytes(workspace, name, bytes);
      expect(result.files).toEqual([`bin/${name}`]);
    }
  });

  it('a real archive under the wrong archive name (the bytes decide which reader is used)', async () => {
    const workspace = await makeWorkspace();
    const result = await unpackBytes(
      workspace,
      'tool.zip',
      zlib.gzipSync(rawTar([{ name: 'bin/tool', data: 'x' }])),
    );
    expect(result).toMatchObject({ format: 'tar.gz', files: ['bin/tool'] });
  });
});
