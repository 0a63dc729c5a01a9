import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import TOML from '@iarna/toml';
import { describe, expect, it } from 'vitest';
import {
  fromLayerMetadata,
  requestDigest,
  toLayerMetadata,
  type LayerRecord,
} from '../../src/layers/layer-record.js';
import { groupByLayer, Layer, layerNameFor } from '../../src/layers/layer.js';
import { layerSbom } from '../../src/layers/sbom.js';
import { assetEntry } from '../helpers/asset-entry.js';
import { tempDir } from '../helpers/temp-dir.js';

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
      provenance: 'verified',
      vouches: [
        {
          source: 'GitHub attestation',
          workflow: 'grpc-ecosystem/grpc-health-probe/.github/workflows/release.yml',
          ref: 'refs/tags/v0.4.24',
          commit: 'abc1234def5678abc1234def5678abc1234def56',
          log_index: '42',
        },
      ],
    },
  ],
};

const entry = assetEntry(1, 'acme/tool', 'tool', { tag: 'v1' });
const context = {
  target: { os: 'linux', arch: 'amd64', variant: undefined, libc: 'gnu' as const },
  apiUrl: 'https://api.github.com',
  buildpackVersion: '0.1.0',
  provenance: 'auto' as const,
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
    expect(requestDigest([entry], { ...context, provenance: 'required' })).not.toBe(base);
    expect(requestDigest([{ ...entry, provenance: 'off' }], context)).not.toBe(base);
    expect(
      requestDigest([{ ...entry, signerWorkflow: 'acme/ci/.github/workflows/build.yml' }], context),
    ).not.toBe(base);
  });

  it('changes with the sha256 table, but not with the order it is written in', () => {
    const pins = {
      ...entry,
      sha256ByPlatform: { 'linux/amd64': 'a'.repeat(64), 'linux/arm64': 'b'.repeat(64) },
    };
    const reordered = {
      ...entry,
      sha256ByPlatform: { 'linux/arm64': 'b'.repeat(64), 'linux/amd64': 'a'.repeat(64) },
    };
    const changed = {
      ...entry,
      sha256ByPlatform: { 'linux/amd64': 'a'.repeat(64), 'linux/arm64': 'c'.repeat(64) },
    };
    const base = requestDigest([pins], context);
    expect(base).not.toBe(requestDigest([entry], context));
    expect(requestDigest([reordered], context)).toBe(base);
    expect(requestDigest([changed], context)).not.toBe(base);
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

  it('records the verified workflow, ref, commit and log entry of each asset', () => {
    const sbom = layerSbom(record, buildpack) as {
      components: { properties: { name: string; value: string }[] }[];
    };
    const properties = Object.fromEntries(
      (sbom.components[0]?.properties ?? []).map((property) => [property.name, property.value]),
    );
    expect(properties).toMatchObject({
      'github-release-assets:provenance': 'verified',
      'github-release-assets:provenance-workflow':
        'grpc-ecosystem/grpc-health-probe/.github/workflows/release.yml',
      'github-release-assets:provenance-ref': 'refs/tags/v0.4.24',
      'github-release-assets:provenance-commit': 'abc1234def5678abc1234def5678abc1234def56',
      'github-release-assets:provenance-log-index': '42',
    });
  });

  it('is the same document for the same layer, so rebuilds are reproducible', () => {
    expect(JSON.stringify(layerSbom(record, buildpack))).toBe(JSON.stringify(layerSbom(record, buildpack)));
  });
});

describe('Layer', () => {
  const buildpack = { id: 'x/y', name: 'x', version: '0.1.0', homepage: undefined, sbomFormats: [] };
  const types = { launch: true, build: false, cache: false };

  it('publishes a staged directory, writes toml and SBOM, and reads its record back', async () => {
    const layersDir = await tempDir('layer-');
    const staged = path.join(layersDir, '.staging');
    await mkdir(path.join(staged, 'bin'), { recursive: true });
    await writeFile(path.join(staged, 'bin/tool'), 'tool');
    const layer = new Layer(layersDir, 'acme_tool', types);
    expect(await layer.restoredRecord()).toBeUndefined();
    expect(await layer.hasDirectory()).toBe(false);
    await layer.publish(staged);
    await layer.write(record, buildpack);
    expect(await layer.hasDirectory()).toBe(true);
    expect(await readFile(path.join(layer.path, 'bin/tool'), 'utf8')).toBe('tool');
    expect((await readdir(layersDir)).sort()).toEqual([
      'acme_tool',
      'acme_tool.sbom.cdx.json',
      'acme_tool.toml',
    ]);
    const toml = TOML.parse(await readFile(path.join(layersDir, 'acme_tool.toml'), 'utf8'));
    expect(toml['types']).toEqual(types);
    expect(await layer.restoredRecord()).toEqual(record);
  });

  it('writes no SBOM when asked not to, and reset removes every file of the layer', async () => {
    const layersDir = await tempDir('layer-');
    const layer = new Layer(layersDir, 'acme_tool', types);
    await mkdir(layer.path);
    await layer.write(record, undefined);
    expect((await readdir(layersDir)).sort()).toEqual(['acme_tool', 'acme_tool.toml']);
    await writeFile(path.join(layersDir, 'acme_tool.toml'), 'not = [toml');
    expect(await layer.restoredRecord()).toBeUndefined();
    await layer.reset();
    expect(await readdir(layersDir)).toEqual([]);
  });
});

describe('groupByLayer', () => {
  it('groups entries by repo in configuration order, and refuses repos that would share a layer', () => {
    const entries = [
      assetEntry(1, 'acme/tool', 'a'),
      assetEntry(2, 'acme/kit', 'b'),
      assetEntry(3, 'acme/tool', 'c'),
    ];
    expect(groupByLayer(entries, 'project.toml').map((group) => [group.name, group.entries.length])).toEqual([
      ['acme_tool', 2],
      ['acme_kit', 1],
    ]);
    expect(() =>
      groupByLayer([assetEntry(1, 'acme/tool.js', 'a'), assetEntry(2, 'acme/tool_js', 'b')], 'project.toml'),
    ).toThrow(
      'project.toml: entry 2 (acme/tool_js) and the entries of acme/tool.js would share the layer acme_tool_js',
    );
  });
});
