import TOML from '@iarna/toml';
import { describe, expect, it } from 'vitest';
import {
  fromLayerMetadata,
  requestDigest,
  toLayerMetadata,
  type LayerRecord,
} from '../../src/layers/layer-record.js';
import { layerNameFor } from '../../src/layers/layer.js';
import { layerSbom } from '../../src/layers/sbom.js';
import { assetEntry } from '../helpers/asset-entry.js';

const record: LayerRecord = {
  repo: 'grpc-ecosystem/grpc-health-probe',
  releases: [{ requested: 'v0.4.24', tag: 'v0.4.24', id: 12, etag: 'W/"abc"' }],
  requestDigest: 'd'.repeat(64),
  buildpackVersion: '0.1.0',
  target: 'linux/amd64',
  assets: [
    {
      requested: 'grpc_health_probe-{os}-{arch}',
      tag: 'v0.4.24',
      name: 'grpc_health_probe-linux-amd64',
      id: 99,
      size: 12_345_678_901,
      sha256: 'a'.repeat(64),
      verifiedBy: ["release's GitHub digest"],
      destination: 'bin/grpc_health_probe',
      format: 'raw',
      files: 1,
      downloadUrl: 'https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/v0.4.24/x',
    },
  ],
};

const entry = assetEntry(1, 'acme/tool', 'tool', { tag: 'v1' });
const context = {
  target: { os: 'linux', arch: 'amd64', variant: undefined },
  apiUrl: 'https://api.github.com',
  buildpackVersion: '0.1.0',
};

describe('layer metadata', () => {
  it('survives the round trip through <layer>.toml', () => {
    const text = TOML.stringify({ metadata: toLayerMetadata(record) });
    expect(fromLayerMetadata(TOML.parse(text)['metadata'] as TOML.JsonMap)).toEqual(record);
  });

  it('ignores metadata of another shape', () => {
    expect(fromLayerMetadata({ repo: 'x' })).toBeUndefined();
    expect(fromLayerMetadata(undefined)).toBeUndefined();
  });
});

describe('requestDigest', () => {
  it('changes with any field, the target, the API host and the buildpack version', () => {
    const base = requestDigest([entry], context);
    expect(requestDigest([entry], context)).toBe(base);
    expect(requestDigest([{ ...entry, tag: 'v2' }], context)).not.toBe(base);
    expect(requestDigest([{ ...entry, stripComponents: 1 }], context)).not.toBe(base);
    expect(requestDigest([{ ...entry, launch: false, build: true }], context)).not.toBe(base);
    expect(requestDigest([entry], { ...context, target: { ...context.target, arch: 'arm64' } })).not.toBe(
      base,
    );
    expect(requestDigest([entry], { ...context, apiUrl: 'https://ghe.example.com/api/v3' })).not.toBe(base);
    expect(requestDigest([entry], { ...context, buildpackVersion: '0.2.0' })).not.toBe(base);
  });

  it('does not change with the token variable, which is not part of what is installed', () => {
    expect(requestDigest([{ ...entry, tokenEnv: 'OTHER' }], context)).toBe(requestDigest([entry], context));
  });
});

describe('layerNameFor', () => {
  it('joins owner and repo with _ and replaces dots', () => {
    expect(layerNameFor('grpc-ecosystem', 'grpc-health-probe')).toBe('grpc-ecosystem_grpc-health-probe');
    expect(layerNameFor('acme', 'tool.js')).toBe('acme_tool_js');
  });
});

describe('layerSbom', () => {
  const buildpack = {
    id: 'githubassets/github-release-assets',
    name: 'x',
    version: '0.1.0',
    homepage: undefined,
    sbomFormats: [],
  };

  it('lists each asset with purl, version, sha256 and download URL', () => {
    const sbom = layerSbom(record, buildpack) as {
      specVersion: string;
      serialNumber: string;
      components: {
        purl: string;
        version: string;
        hashes: { content: string }[];
        externalReferences: { url: string }[];
      }[];
    };
    expect(sbom.specVersion).toBe('1.5');
    expect(sbom.serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(sbom.components[0]?.purl).toBe('pkg:github/grpc-ecosystem/grpc-health-probe@v0.4.24');
    expect(sbom.components[0]?.version).toBe('v0.4.24');
    expect(sbom.components[0]?.hashes[0]?.content).toBe('a'.repeat(64));
    expect(sbom.components[0]?.externalReferences[0]?.url).toBe(record.assets[0]?.downloadUrl);
  });

  it('is the same document for the same layer, so rebuilds are reproducible', () => {
    expect(JSON.stringify(layerSbom(record, buildpack))).toBe(JSON.stringify(layerSbom(record, buildpack)));
  });
});
