import { describe, expect, it } from 'vitest';
import { ProjectTomlEditError, writePins } from '../../tools/pin/edit-project-toml.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('writePins', () => {
  it('adds tag and sha256 after asset, keeping comments and other tables byte for byte', () => {
    const before = [
      '# Tools for the image.  Keep this comment.',
      '[_]',
      'id = "demo"   # odd spacing stays',
      '',
      '[[metadata.githubassets]]',
      '  repo = "cli/cli"',
      '  asset = "gh_{version}_linux_{arch}.tar.gz"  # per platform',
      '  include = ["bin/gh"]',
      '',
      '[some.other.table]',
      'tag = "not an entry"',
      'sha256 = "not an entry either"',
      '',
    ].join('\n');
    const { text, changes } = writePins(before, 'project.toml', [
      { index: 1, tag: 'v2.40.0', sha256: { 'linux/arm64': B, 'linux/amd64': A } },
    ]);
    expect(text).toBe(
      before.replace(
        '  asset = "gh_{version}_linux_{arch}.tar.gz"  # per platform\n',
        `  asset = "gh_{version}_linux_{arch}.tar.gz"  # per platform\n  tag = "v2.40.0"\n  sha256 = { "linux/amd64" = "${A}", "linux/arm64" = "${B}" }\n`,
      ),
    );
    expect(changes).toEqual([
      `entry 1: tag (latest) -> "v2.40.0"; sha256 (none) -> { "linux/amd64" = "${A}", "linux/arm64" = "${B}" }`,
    ]);
  });

  it('replaces existing values in place, keeping their trailing comments, and edits only the named entry', () => {
    const before = `[[metadata.githubassets]]\nrepo = "a/one"\nasset = "one"\ntag = "latest" # moving\nsha256 = "${B}"   # old pin\n\n[[metadata.githubassets]]\nrepo = "b/two"\nasset = "two"\ntag = "v9"\n`;
    const { text, changes } = writePins(before, 'project.toml', [{ index: 1, tag: 'v1.0.0', sha256: A }]);
    expect(text).toBe(
      before
        .replace('tag = "latest" # moving', 'tag = "v1.0.0" # moving')
        .replace(`sha256 = "${B}"   # old pin`, `sha256 = "${A}"   # old pin`),
    );
    expect(changes).toEqual([`entry 1: tag "latest" -> "v1.0.0"; sha256 "${B}" -> "${A}"`]);
  });

  it('changes nothing when the pins are already there', () => {
    const before = `[[metadata.githubassets]]\nrepo = "a/one"\nasset = "one"\ntag = "v1"\nsha256 = "${A}"\n`;
    expect(writePins(before, 'project.toml', [{ index: 1, tag: 'v1', sha256: A }])).toEqual({
      text: before,
      changes: [],
    });
  });

  it('keeps CRLF endings and a last line without an ending', () => {
    const before = '[[metadata.githubassets]]\r\nrepo = "a/one"\r\nasset = "one"';
    const { text } = writePins(before, 'project.toml', [{ index: 1, tag: 'v1', sha256: A }]);
    expect(text).toBe(
      `[[metadata.githubassets]]\r\nrepo = "a/one"\r\nasset = "one"\r\ntag = "v1"\r\nsha256 = "${A}"`,
    );
  });

  it('edits schema 0.2 entries, and entries written with quoted keys or dotted sha256 keys', () => {
    const before = `[_]\nschema-version = "0.2"\n[[ _ . metadata . "githubassets" ]]\n"repo" = "a/one"\n"asset" = "one_{arch}"\nsha256."linux/amd64" = "${B}"\nsha256."linux/arm64" = "${B}"\n"tag" = 'v0'\n`;
    const { text } = writePins(before, 'project.toml', [
      { index: 1, tag: 'v1', sha256: { 'linux/amd64': A, 'linux/arm64': B } },
    ]);
    expect(text).toBe(
      `[_]\nschema-version = "0.2"\n[[ _ . metadata . "githubassets" ]]\n"repo" = "a/one"\n"asset" = "one_{arch}"\nsha256 = { "linux/amd64" = "${A}", "linux/arm64" = "${B}" }\n"tag" = "v1"\n`,
    );
  });

  it('is not fooled by a header-like line inside a multi-line string', () => {
    const before = `description = """\n[[metadata.githubassets]]\n"""\n[[metadata.githubassets]]\nrepo = "a/one"\nasset = "one"\n`;
    const { text } = writePins(before, 'project.toml', [{ index: 1, tag: 'v1', sha256: A }]);
    expect(text).toBe(`${before}tag = "v1"\nsha256 = "${A}"\n`);
  });

  it('refuses what it cannot edit surgically, with the fix', () => {
    const subTable = `[[metadata.githubassets]]\nrepo = "a/one"\nasset = "one"\n[metadata.githubassets.sha256]\n"linux/amd64" = "${A}"\n`;
    expect(() => writePins(subTable, 'project.toml', [{ index: 1, tag: 'v1', sha256: A }])).toThrow(
      ProjectTomlEditError,
    );
    expect(() => writePins(subTable, 'project.toml', [{ index: 1, tag: 'v1', sha256: A }])).toThrow(
      /Write it as sha256 = … inside the entry/,
    );
    const both =
      '[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n[[_.metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\n';
    expect(() => writePins(both, 'project.toml', [{ index: 1, tag: 'v1', sha256: A }])).toThrow(
      /move them into one of the two/,
    );
    expect(() => writePins('', 'project.toml', [{ index: 1, tag: 'v1', sha256: A }])).toThrow(
      /there is no entry 1 to pin/,
    );
  });
});
