import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { checkProvenanceField, readProvenanceMode } from '../../src/provenance/provenance-mode.js';
import { findReleaseSignatures } from '../../src/provenance/release-signatures.js';
import {
  checkSignerIdentity,
  checkSignerWorkflowField,
  signerPolicy,
} from '../../src/provenance/signer-identity.js';
import { describeVouch, vouchRecord } from '../../src/provenance/vouch.js';
import { trustRootSource } from '../../src/provenance/trust-root.js';

const env = (values: Record<string, string>) => (name: string) => values[name];

describe('provenance mode', () => {
  it('defaults to auto and reads BP_GITHUB_ASSETS_PROVENANCE in any case', () => {
    expect(readProvenanceMode(env({}))).toBe('auto');
    expect(readProvenanceMode(env({ BP_GITHUB_ASSETS_PROVENANCE: ' Required ' }))).toBe('required');
    expect(readProvenanceMode(env({ BP_GITHUB_ASSETS_PROVENANCE: 'off' }))).toBe('off');
  });

  it('refuses other values, naming the variable and the choices', () => {
    expect(() => readProvenanceMode(env({ BP_GITHUB_ASSETS_PROVENANCE: 'strict' }))).toThrow(ConfigError);
    expect(() => readProvenanceMode(env({ BP_GITHUB_ASSETS_PROVENANCE: 'strict' }))).toThrow(
      /BP_GITHUB_ASSETS_PROVENANCE must be auto, required or off, but is "strict"/,
    );
  });

  it('checks the entry field', () => {
    expect(checkProvenanceField(undefined)).toEqual({ value: undefined });
    expect(checkProvenanceField('required')).toEqual({ value: 'required' });
    expect(checkProvenanceField(true)).toMatchObject({
      error: expect.stringMatching(/^provenance must be "auto", "required" or "off", but is true/),
    });
  });
});

describe('signer_workflow', () => {
  it('takes owner/repo/.github/workflows/<file>', () => {
    expect(checkSignerWorkflowField('acme/ci/.github/workflows/release.yaml')).toEqual({
      value: 'acme/ci/.github/workflows/release.yaml',
    });
  });

  it.each([
    [
      'https://github.com/acme/ci/.github/workflows/release.yml@refs/heads/main',
      'signer_workflow = "acme/ci/.github/workflows/release.yml"',
    ],
    ['acme/ci/.github/workflows/release.yml@v1', 'signer_workflow = "acme/ci/.github/workflows/release.yml"'],
    ['release.yml', 'owner/repo/.github/workflows/<file>.yml'],
    ['acme/ci/workflows/release.yml', 'owner/repo/.github/workflows/<file>.yml'],
  ])('refuses %s with the fix', (raw, fix) => {
    expect(checkSignerWorkflowField(raw)).toMatchObject({ error: expect.stringContaining(fix) });
  });

  it('compares owner and repository without regard to case, as GitHub does', () => {
    const policy = signerPolicy('Acme', 'Tool', undefined);
    const verdict = checkSignerIdentity(
      policy,
      'https://token.actions.githubusercontent.com',
      'https://github.com/acme/tool/.github/workflows/release.yml@refs/tags/v1',
    );
    expect(verdict).toEqual({
      identity: { workflow: 'acme/tool/.github/workflows/release.yml', ref: 'refs/tags/v1' },
    });
  });

  it('refuses a SAN that is not a workflow, and a workflow on another host', () => {
    const policy = signerPolicy('acme', 'tool', undefined);
    const issuer = 'https://token.actions.githubusercontent.com';
    expect(checkSignerIdentity(policy, issuer, 'mailto:dev@acme.example')).toMatchObject({
      problem: expect.stringContaining('is not a GitHub Actions workflow'),
    });
    expect(
      checkSignerIdentity(
        policy,
        issuer,
        'https://github.evil.example/acme/tool/.github/workflows/release.yml@refs/tags/v1',
      ),
    ).toMatchObject({
      problem: expect.stringContaining('is not a GitHub Actions workflow on https://github.com'),
    });
  });
});

describe('findReleaseSignatures', () => {
  it('finds bundles for the asset and for the checksums file, and cosign pairs', () => {
    const files = [
      'tool.tar.gz',
      'tool.tar.gz.sigstore.json',
      'checksums.txt',
      'checksums.txt.bundle',
      'tool.tar.gz.sig',
      'tool.tar.gz.pem',
      'other.sigstore.json',
    ];
    expect(findReleaseSignatures('tool.tar.gz', 'checksums.txt', files)).toEqual([
      { file: 'tool.tar.gz.sigstore.json', covers: 'asset', kind: 'bundle' },
      { file: 'tool.tar.gz.sig', covers: 'asset', kind: 'cosign-pair', certificate: 'tool.tar.gz.pem' },
      { file: 'checksums.txt.bundle', covers: 'checksums', kind: 'bundle' },
    ]);
  });

  it('finds nothing without a checksums entry or a signature', () => {
    expect(findReleaseSignatures('tool', undefined, ['tool', 'checksums.txt.bundle', 'tool.sig'])).toEqual(
      [],
    );
  });
});

describe('what vouched, for the log and the layer record', () => {
  const vouch = {
    source: 'GitHub attestation',
    workflow: 'acme/tool/.github/workflows/release.yml',
    ref: 'refs/tags/v1.2.3',
    commit: 'abc1234def5678abc1234def5678abc1234def56',
    logIndex: '42',
  };

  it('says workflow, ref, short commit and log entry in one line', () => {
    expect(describeVouch(vouch)).toBe(
      'built by acme/tool/.github/workflows/release.yml@refs/tags/v1.2.3 at commit abc1234, transparency log entry 42 (GitHub attestation)',
    );
    expect(describeVouch({ ...vouch, commit: undefined, logIndex: undefined })).toBe(
      'built by acme/tool/.github/workflows/release.yml@refs/tags/v1.2.3, signed timestamp (GitHub attestation)',
    );
  });

  it('records plain strings, empty when unknown', () => {
    expect(vouchRecord({ ...vouch, logIndex: undefined })).toEqual({
      source: 'GitHub attestation',
      workflow: 'acme/tool/.github/workflows/release.yml',
      ref: 'refs/tags/v1.2.3',
      commit: 'abc1234def5678abc1234def5678abc1234def56',
      log_index: '',
    });
  });
});

describe('trustRootSource', () => {
  const binding = (type: string, key: string) => ({
    name: 'roots',
    type,
    entries: new Map([[key, '{"x":1}']]),
  });

  it('takes BP_GITHUB_ASSETS_TRUSTED_ROOT first, then a sigstore binding, else the public-good root', () => {
    const bindings = [binding('sigstore', 'trusted_root.json')];
    expect(
      trustRootSource(env({ BP_GITHUB_ASSETS_TRUSTED_ROOT: ' /roots/ghes.json ' }), bindings, '/cache'),
    ).toEqual({
      path: '/roots/ghes.json',
      tufCacheDir: '/cache',
    });
    expect(trustRootSource(env({}), bindings, '/cache')).toEqual({
      content: { json: '{"x":1}', origin: 'the service binding roots (type sigstore)' },
      tufCacheDir: '/cache',
    });
    expect(
      trustRootSource(
        env({}),
        [binding('github', 'trusted_root.json'), binding('sigstore', 'root')],
        '/cache',
      ),
    ).toEqual({
      tufCacheDir: '/cache',
    });
  });
});
