import { describe, expect, it } from 'vitest';
import { suggestKnownKey } from '../../src/config/entry-keys.js';
import { entryToml, loadToml } from './helpers.js';

describe('unknown keys', () => {
  it('warn, naming the file and entry, and suggest the nearest known key', async () => {
    const config = await loadToml(entryToml('strip_component = 1'));
    expect(config?.entries).toHaveLength(1);
    expect(config?.warnings).toEqual([
      'project.toml: entry 1 (stedolan/jq): the key strip_component is unknown and is ignored. Did you mean strip_components?',
    ]);
  });

  it('never print the value of an unknown key', async () => {
    const config = await loadToml(entryToml('token = "s3cr3t-value"'));
    expect(config?.warnings[0]).not.toContain('s3cr3t');
    expect(config?.warnings[0]).toContain('Did you mean token_env');
  });

  it.each([
    ['strip-components', 'Did you mean strip_components?'],
    ['Token_Env', 'Did you mean token_env?'],
    ['destinaton', 'Did you mean destination?'],
    ['arch-check', 'Did you mean arch_check?'],
    ['archcheck', 'Did you mean arch_check?'],
    ['sha265', 'Did you mean sha256?'],
    ['checksum', 'Did you mean checksums?'],
    ['includes', 'Did you mean include?'],
    ['repository', 'Did you mean repo'],
    ['file', 'Did you mean asset?'],
    ['version', 'Did you mean tag?'],
    ['untarpath', 'Did you mean destination?'],
    ['target', 'Did you mean destination (as a path inside the layer'],
    ['token', 'never write a token into project.toml'],
    [
      'colour',
      'The known keys are repo, asset, tag, token_env, destination, strip_components, sha256, checksums, include, launch, build, arch_check, provenance, signer_workflow.',
    ],
    ['__proto__', 'The known keys are'],
  ])('%s → %s', (key, expected) => {
    expect(suggestKnownKey(key)).toContain(expected);
  });
});

describe('valid settings that probably surprise', () => {
  it('warn when a pinned sha256 meets an asset that changes with the platform', async () => {
    const config = await loadToml(
      entryToml(`sha256 = "${'a'.repeat(64)}"`, 'cli/cli', 'gh_{version}_linux_{arch}.tar.gz'),
    );
    expect(config?.warnings[0]).toContain('sha256 pins a single file');
  });

  it('warn when strip_components or include is set for a plain file', async () => {
    const config = await loadToml(entryToml('strip_components = 1\ninclude = ["jq"]'));
    expect(config?.warnings).toEqual([
      expect.stringContaining('strip_components only applies to archives'),
      expect.stringContaining('include only applies to archives'),
    ]);
  });

  it('do not warn about archive options for archives or patterns', async () => {
    for (const asset of ['tool.tar.gz', 'tool.ZIP', 'tool-*', 'tool-{os}']) {
      expect(
        (await loadToml(entryToml('strip_components = 1\ninclude = ["x"]', 'a/b', asset)))?.warnings,
      ).toEqual([]);
    }
  });

  it('warn when the destination is one of the layer env directories', async () => {
    const config = await loadToml(entryToml('destination = "env.launch/PATH"'));
    expect(config?.warnings[0]).toContain("inside the layer's env.launch/ directory");
  });
});
