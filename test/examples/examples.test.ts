import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import TOML from '@iarna/toml';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadAssetConfig } from '../../src/config/load-asset-config.js';
import { expandAssetName } from '../../src/install/select-asset.js';
import { layerNameFor } from '../../src/layers/layer.js';

// The examples check what they state against the buildpack itself: its id and version from buildpack.toml, its
// layer naming, and its config loader. YAML is read with the `yaml` package; a document it reports an error
// in fails the test.

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLES = path.join(ROOT, 'examples');
/** The examples this file covers in depth; every TOML file under examples/ is at least parsed. */
const DOCUMENTED_EXAMPLES = ['grpc-health-probe', 'multi-arch', 'builder', 'kpack'] as const;

type Table = Record<string, unknown>;

const read = (...parts: string[]): Promise<string> => readFile(path.join(EXAMPLES, ...parts), 'utf8');
const readToml = async (...parts: string[]): Promise<Table> => TOML.parse(await read(...parts)) as Table;

function isTable(value: unknown): value is Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A nested value by path (`at(doc, 'spec', 'order', 0)`), or undefined if any step is missing. */
function at(value: unknown, ...keys: (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof key === 'number') current = Array.isArray(current) ? current[key] : undefined;
    else current = isTable(current) ? current[key] : undefined;
  }
  return current;
}

function tables(value: unknown): Table[] {
  return Array.isArray(value) ? value.filter(isTable) : [];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

async function readBuildpack(): Promise<{ id: string; version: string; targets: string[] }> {
  const descriptor = TOML.parse(await readFile(path.join(ROOT, 'buildpack.toml'), 'utf8')) as Table;
  const id = at(descriptor, 'buildpack', 'id');
  const version = at(descriptor, 'buildpack', 'version');
  if (typeof id !== 'string' || typeof version !== 'string')
    throw new Error('buildpack.toml lacks id or version');
  const targets = tables(descriptor['targets']).map(
    (target) => `${String(target['os'])}/${String(target['arch'])}`,
  );
  return { id, version, targets };
}

/** Where the lifecycle puts this buildpack's layers in the app image. */
const layersRoot = (id: string): string => `/layers/${id.replaceAll('/', '_')}`;

/** The raw `githubassets` entries of a project descriptor, schema 0.1 or 0.2. */
function assetEntries(project: Table): Table[] {
  return tables(at(project, 'metadata', 'githubassets') ?? at(project, '_', 'metadata', 'githubassets'));
}

/** Every YAML document of the examples, with the file it came from. */
async function yamlDocuments(): Promise<{ file: string; doc: Table }[]> {
  const documents: { file: string; doc: Table }[] = [];
  for (const example of DOCUMENTED_EXAMPLES) {
    for (const file of await filesUnder(path.join(EXAMPLES, example))) {
      if (!/\.ya?ml$/.test(file)) continue;
      for (const document of parseAllDocuments(await readFile(file, 'utf8'))) {
        const [error] = document.errors;
        if (error !== undefined) throw new Error(`${file}: ${error.message}`);
        const doc: unknown = document.toJS();
        // An empty document (a trailing `---`) holds nothing to check.
        if (doc === null) continue;
        if (!isTable(doc)) throw new Error(`${file}: a document that is not a mapping`);
        documents.push({ file: path.relative(EXAMPLES, file), doc });
      }
    }
  }
  return documents;
}

function findKind(documents: { doc: Table }[], kind: string): Table[] {
  return documents.map(({ doc }) => doc).filter((doc) => doc['kind'] === kind);
}

/** Seconds in a Go duration flag value such as "2s" or "500ms". */
function durationSeconds(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text);
  if (match === null) throw new Error(`not a duration: ${text}`);
  const unit = { ms: 0.001, s: 1, m: 60 }[match[2] as 'ms' | 's' | 'm'];
  return Number(match[1]) * unit;
}

describe('examples: every file parses', () => {
  it('parses every TOML file under examples/', async () => {
    const files = (await filesUnder(EXAMPLES)).filter((file) => file.endsWith('.toml'));
    expect(files.length).toBeGreaterThanOrEqual(DOCUMENTED_EXAMPLES.length);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      expect(() => TOML.parse(text), path.relative(EXAMPLES, file)).not.toThrow();
    }
  });

  it('parses every YAML file of the documented examples, each document with apiVersion, kind and a name', async () => {
    const documents = await yamlDocuments();
    expect(documents.length).toBeGreaterThan(0);
    for (const { file, doc } of documents) {
      expect(typeof doc['apiVersion'], file).toBe('string');
      expect(typeof doc['kind'], file).toBe('string');
      expect(typeof at(doc, 'metadata', 'name'), file).toBe('string');
    }
  });

  it('has a README.md in each documented example', async () => {
    for (const example of DOCUMENTED_EXAMPLES) {
      expect((await read(example, 'README.md')).length, example).toBeGreaterThan(0);
    }
  });
});

describe('examples: project.toml files', () => {
  const projects = ['grpc-health-probe', 'multi-arch'];

  it.each(projects)('%s: every entry has repo "owner/name" and asset', async (example) => {
    const entries = assetEntries(await readToml(example, 'project.toml'));
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry['repo']).toMatch(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/);
      expect(typeof entry['asset']).toBe('string');
    }
  });

  it.each(projects)("%s: the buildpack's own loader accepts it without warnings", async (example) => {
    const appDir = path.join(EXAMPLES, example);
    const config = await loadAssetConfig({ appDir, env: () => undefined });
    expect(config?.warnings).toEqual([]);
    expect(config?.entries.length).toBe(assetEntries(await readToml(example, 'project.toml')).length);
  });
});

describe('examples/grpc-health-probe', () => {
  it('pins grpc_health_probe v0.4.24 by template into bin/grpc_health_probe', async () => {
    const [entry, ...others] = assetEntries(await readToml('grpc-health-probe', 'project.toml'));
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      repo: 'grpc-ecosystem/grpc-health-probe',
      asset: 'grpc_health_probe-{os}-{arch}',
      tag: 'v0.4.24',
      destination: 'bin/grpc_health_probe',
    });
  });

  it('names this buildpack at the version of buildpack.toml in [[build.buildpacks]], after the Go buildpack', async () => {
    const { version } = await readBuildpack();
    const uris = tables(at(await readToml('grpc-health-probe', 'project.toml'), 'build', 'buildpacks')).map(
      (buildpack) => buildpack['uri'],
    );
    expect(uris).toEqual([
      expect.stringMatching(/paketobuildpacks\/go:/),
      `docker://ghcr.io/githubassets/github-release-assets:${version}`,
    ]);
  });

  it("calls the probe at the path the buildpack's id and layer naming give, within the probe's timeout", async () => {
    const { id } = await readBuildpack();
    const probePath = `${layersRoot(id)}/${layerNameFor('grpc-ecosystem', 'grpc-health-probe')}/bin/grpc_health_probe`;
    expect(probePath).toBe(
      '/layers/githubassets_github-release-assets/grpc-ecosystem_grpc-health-probe/bin/grpc_health_probe',
    );

    const documents = (await yamlDocuments()).filter(({ file }) => file.startsWith('grpc-health-probe'));
    const [deployment] = findKind(documents, 'Deployment');
    const containers = tables(at(deployment, 'spec', 'template', 'spec', 'containers'));
    expect(containers.length).toBe(1);
    for (const container of containers) {
      expect(tables(container['ports']).map((port) => port['containerPort'])).toContain(50051);
      for (const probeKind of ['livenessProbe', 'readinessProbe']) {
        const probe = container[probeKind];
        const command = at(probe, 'exec', 'command');
        expect(Array.isArray(command), probeKind).toBe(true);
        const [binary, ...flags] = command as string[];
        expect(binary, probeKind).toBe(probePath);
        expect(flags, probeKind).toContain('-addr=:50051');
        // The probe's own deadlines must end before the kubelet's timeout, or a slow server reads as a hung probe.
        const flagSeconds = flags
          .filter((flag) => /^-(connect|rpc)-timeout=/.test(flag))
          .map((flag) => durationSeconds(flag.split('=')[1] ?? ''));
        const timeoutSeconds = at(probe, 'timeoutSeconds');
        expect(typeof timeoutSeconds, probeKind).toBe('number');
        expect(flagSeconds.reduce((sum, seconds) => sum + seconds, 0)).toBeLessThanOrEqual(
          timeoutSeconds as number,
        );
      }
    }
    const [service] = findKind(documents, 'Service');
    expect(tables(at(service, 'spec', 'ports')).map((port) => port['port'])).toContain(50051);
    expect(at(service, 'spec', 'selector')).toEqual(at(deployment, 'spec', 'selector', 'matchLabels'));

    expect(await read('grpc-health-probe', 'README.md')).toContain(probePath);
  });
});

describe('examples/multi-arch', () => {
  it('uses {os} and {arch} in every asset and no sha256 pin, in a schema 0.2 file', async () => {
    const project = await readToml('multi-arch', 'project.toml');
    expect(at(project, '_', 'schema-version')).toBe('0.2');
    const entries = assetEntries(project);
    expect(entries.length).toBeGreaterThanOrEqual(2);
    for (const entry of entries) {
      expect(entry['asset']).toContain('{os}');
      expect(entry['asset']).toContain('{arch}');
      expect(entry).not.toHaveProperty('sha256');
    }
  });

  it('lists in its README the asset names the templates expand to for amd64 and arm64', async () => {
    const readme = await read('multi-arch', 'README.md');
    for (const entry of assetEntries(await readToml('multi-arch', 'project.toml'))) {
      for (const arch of ['amd64', 'arm64']) {
        const target = { os: 'linux', arch, variant: undefined, libc: 'gnu' as const };
        const name = expandAssetName(String(entry['asset']), { tag: String(entry['tag']), target });
        expect(readme, `${String(entry['repo'])} ${arch}`).toContain(`\`${name ?? '(a glob)'}\``);
      }
    }
  });

  it('shows pack build for both platforms', async () => {
    const readme = await read('multi-arch', 'README.md');
    expect(readme).toContain('--platform linux/amd64');
    expect(readme).toContain('--platform linux/arm64');
  });
});

describe('examples/builder', () => {
  // pack's builder.Config fields (pack builder/config_reader.go); pack rejects any other key.
  const PACK_BUILDER_KEYS = [
    'description',
    'buildpacks',
    'extensions',
    'order',
    'order-extensions',
    'stack',
    'lifecycle',
    'run',
    'build',
    'targets',
    'system',
  ];

  it('uses only keys pack knows, with build and run images', async () => {
    const builder = await readToml('builder', 'builder.toml');
    for (const key of Object.keys(builder)) expect(PACK_BUILDER_KEYS, key).toContain(key);
    expect(typeof at(builder, 'build', 'image')).toBe('string');
    expect(typeof at(builder, 'run', 'images', 0, 'image')).toBe('string');
    expect(at(builder, 'lifecycle', 'version')).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("carries this buildpack at buildpack.toml's id and version", async () => {
    const { id, version } = await readBuildpack();
    const builder = await readToml('builder', 'builder.toml');
    const ours = tables(builder['buildpacks']).filter((buildpack) => buildpack['id'] === id);
    expect(ours).toEqual([
      { id, version, uri: `docker://ghcr.io/githubassets/github-release-assets:${version}` },
    ]);
  });

  it('makes this buildpack optional in every group, next to a required buildpack', async () => {
    const { id, version } = await readBuildpack();
    const groups = tables(at(await readToml('builder', 'builder.toml'), 'order')).map((order) =>
      tables(order['group']),
    );
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(group.filter((member) => member['id'] === id)).toEqual([{ id, version, optional: true }]);
      expect(group.some((member) => member['id'] !== id && member['optional'] !== true)).toBe(true);
    }
  });

  it('targets only platforms buildpack.toml declares', async () => {
    const { targets } = await readBuildpack();
    const builderTargets = tables(at(await readToml('builder', 'builder.toml'), 'targets')).map(
      (target) => `${String(target['os'])}/${String(target['arch'])}`,
    );
    expect(builderTargets.length).toBeGreaterThan(0);
    for (const target of builderTargets) expect(targets).toContain(target);
  });

  it('shows pack builder create and pack build --builder', async () => {
    const readme = await read('builder', 'README.md');
    expect(readme).toContain('pack builder create');
    expect(readme).toContain('--config builder.toml');
    expect(readme).toMatch(/pack build \S+ --builder /);
  });
});

describe('examples/kpack', () => {
  const kpackDocuments = async (): Promise<{ file: string; doc: Table }[]> =>
    (await yamlDocuments()).filter(({ file }) => file.startsWith('kpack'));

  it('uses kpack.io/v1alpha2 for every kpack resource', async () => {
    for (const { file, doc } of await kpackDocuments()) {
      if (doc['kind'] === 'Secret') expect(doc['apiVersion'], file).toBe('v1');
      else expect(doc['apiVersion'], file).toBe('kpack.io/v1alpha2');
    }
  });

  it("stores this buildpack's image at buildpack.toml's version and makes it optional in the builder order", async () => {
    const { id, version } = await readBuildpack();
    const documents = await kpackDocuments();
    const [store] = findKind(documents, 'ClusterStore');
    expect(tables(at(store, 'spec', 'sources')).map((source) => source['image'])).toContain(
      `ghcr.io/githubassets/github-release-assets:${version}`,
    );
    const [builder] = findKind(documents, 'ClusterBuilder');
    const groups = tables(at(builder, 'spec', 'order')).map((order) => tables(order['group']));
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(group.filter((member) => member['id'] === id)).toEqual([{ id, version, optional: true }]);
    }
  });

  it('wires the resources to each other by name', async () => {
    const documents = await kpackDocuments();
    const [store] = findKind(documents, 'ClusterStore');
    const [stack] = findKind(documents, 'ClusterStack');
    const [builder] = findKind(documents, 'ClusterBuilder');
    const [image] = findKind(documents, 'Image');
    expect(at(builder, 'spec', 'store')).toEqual({
      kind: 'ClusterStore',
      name: at(store, 'metadata', 'name'),
    });
    expect(at(builder, 'spec', 'stack')).toEqual({
      kind: 'ClusterStack',
      name: at(stack, 'metadata', 'name'),
    });
    expect(at(builder, 'spec', 'serviceAccountRef', 'namespace')).toEqual(expect.any(String));
    expect(at(image, 'spec', 'builder')).toEqual({
      kind: 'ClusterBuilder',
      name: at(builder, 'metadata', 'name'),
    });
    expect(at(image, 'spec', 'source', 'git', 'url')).toEqual(expect.any(String));
    expect(at(image, 'spec', 'serviceAccountName')).toEqual(expect.any(String));
  });

  it('gives the build a token through a service binding of type github, not a secretKeyRef', async () => {
    const documents = await kpackDocuments();
    const [image] = findKind(documents, 'Image');
    const services = tables(at(image, 'spec', 'build', 'services'));
    expect(services.length).toBe(1);
    const secret = findKind(documents, 'Secret').find(
      (candidate) => at(candidate, 'metadata', 'name') === services[0]?.['name'],
    );
    expect(services[0]).toMatchObject({ kind: 'Secret', apiVersion: 'v1' });
    // kpack's binding contract: Secret type service.binding/<type> and the same <type> under the key "type".
    expect(secret?.['type']).toBe('service.binding/github');
    expect(at(secret, 'stringData', 'type')).toBe('github');
    expect(at(secret, 'stringData', 'token')).toEqual(expect.any(String));
    expect(at(secret, 'metadata', 'namespace')).toBe(at(image, 'metadata', 'namespace'));
    // kpack releases with pull request #1945 reject valueFrom.secretKeyRef in build env.
    for (const variable of tables(at(image, 'spec', 'build', 'env'))) {
      expect(at(variable, 'valueFrom', 'secretKeyRef'), String(variable['name'])).toBeUndefined();
    }
  });
});
