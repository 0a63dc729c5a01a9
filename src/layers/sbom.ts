import { createHash } from 'node:crypto';
import type { BuildpackDescriptor } from '../cnb/buildpack-descriptor.js';
import type { LayerRecord } from './layer-record.js';

/**
 * A CycloneDX 1.5 document listing the assets of one layer. It has no timestamp and a serial number derived
 * from its content, so an unchanged layer yields a byte-identical SBOM and builds stay reproducible.
 */
export function layerSbom(record: LayerRecord, buildpack: BuildpackDescriptor): object {
  const [owner = '', repo = ''] = record.repo.split('/');
  const components = record.assets.map((asset) => {
    const purl = `pkg:github/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}@${encodeURIComponent(asset.tag)}`;
    return {
      type: 'application',
      'bom-ref': `${purl}#${asset.name}`,
      name: asset.name,
      version: asset.tag,
      purl,
      hashes: [{ alg: 'SHA-256', content: asset.sha256 }],
      externalReferences: [
        { type: 'distribution', url: asset.downloadUrl },
        { type: 'vcs', url: `https://github.com/${record.repo}` },
      ],
      properties: [
        { name: 'github-release-assets:repo', value: record.repo },
        { name: 'github-release-assets:destination', value: asset.destination },
        { name: 'github-release-assets:verified-by', value: asset.verifiedBy.join(', ') || 'none' },
        { name: 'github-release-assets:provenance', value: asset.provenance || 'none' },
        // One group per verified workflow: what built the bytes, at which ref and commit, and the log entry.
        ...asset.vouches.flatMap((vouch) => [
          { name: 'github-release-assets:provenance-workflow', value: vouch.workflow },
          { name: 'github-release-assets:provenance-ref', value: vouch.ref },
          { name: 'github-release-assets:provenance-commit', value: vouch.commit || 'unknown' },
          { name: 'github-release-assets:provenance-log-index', value: vouch.log_index || 'none' },
          { name: 'github-release-assets:provenance-source', value: vouch.source },
        ]),
      ],
    };
  });
  const body = {
    metadata: {
      tools: {
        components: [{ type: 'application', name: buildpack.id, version: buildpack.version }],
      },
    },
    components,
  };
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const uuid = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-a${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${uuid}`,
    version: 1,
    ...body,
  };
}
