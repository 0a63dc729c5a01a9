import { ConfigError } from './config/config-error.js';
import type { EnvLookup, ServiceBinding } from './cnb/platform-env.js';
import type { TrustOptions } from './download/http-dispatcher.js';
import type { Libc } from './pick/platform-spellings.js';
import { readProvenanceMode, type ProvenanceMode } from './provenance/provenance-mode.js';

/** Buildpack-wide settings from BP_* variables; read once, in one place. */
export interface Settings {
  readonly apiUrl: string;
  readonly concurrency: number;
  readonly maxBytes: number;
  readonly maxEntries: number;
  readonly requireChecksum: boolean;
  readonly maxWaitMs: number;
  readonly mirror: string | undefined;
  readonly sbom: boolean;
  /** Cap on one GitHub API answer, far above a release with thousands of assets. */
  readonly maxApiBytes: number;
  /** Slowest average download speed tolerated before a download is given up (KiB/s). */
  readonly minSpeedKiB: number;
  /** Certificate authorities the platform supplies, beside the system store. */
  readonly certificates: TrustOptions;
  /** BP_GITHUB_ASSETS_PROVENANCE: how much provenance assets need, unless an entry says otherwise. */
  readonly provenance: ProvenanceMode;
}

/** Variables that name extra certificate authorities, as build images and Node read them. */
const CERTIFICATE_VARIABLES = ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS'];

export const DEFAULT_API_URL = 'https://api.github.com';

/** URL schemes a mirror may have: a proxy over HTTP(S), or a directory laid out like one. */
const MIRROR_PROTOCOLS = ['https:', 'http:', 'file:'];

/** Settings from the variables; the mirror also from a `dependency-mirror` service binding. */
export function readSettings(env: EnvLookup, bindings: readonly ServiceBinding[] = []): Settings {
  return {
    apiUrl: readUrl(env, 'BP_GITHUB_API_URL') ?? readUrl(env, 'GITHUB_API_URL') ?? DEFAULT_API_URL,
    concurrency: readInteger(env, 'BP_GITHUB_ASSETS_CONCURRENCY', 4, 1, 32),
    // Generous enough for ffmpeg-sized archives (a few hundred MB unpacked), small enough to stop a bomb.
    maxBytes: readInteger(env, 'BP_GITHUB_ASSETS_MAX_BYTES', 8 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    maxEntries: readInteger(env, 'BP_GITHUB_ASSETS_MAX_ENTRIES', 100_000, 1, Number.MAX_SAFE_INTEGER),
    requireChecksum: readBoolean(env, 'BP_GITHUB_ASSETS_REQUIRE_CHECKSUM', false),
    maxWaitMs: readInteger(env, 'BP_GITHUB_ASSETS_MAX_WAIT', 60, 0, 3600) * 1000,
    // An artifact proxy may need basic auth in its URL; the logger redacts it like a token.
    mirror: chooseMirror(readUrl(env, 'BP_GITHUB_ASSETS_MIRROR', MIRROR_PROTOCOLS, true), bindings),
    sbom: !readBoolean(env, 'BP_DISABLE_SBOM', false),
    maxApiBytes: readInteger(
      env,
      'BP_GITHUB_ASSETS_MAX_API_BYTES',
      64 * 1024 ** 2,
      1024,
      Number.MAX_SAFE_INTEGER,
    ),
    minSpeedKiB: readInteger(env, 'BP_GITHUB_ASSETS_MIN_SPEED', 32, 1, 1024 ** 2),
    certificates: {
      // Paketo's ca-certificates binding: every key of it is one PEM file.
      bindingCertificates: bindings
        .filter((binding) => binding.type === 'ca-certificates')
        .flatMap((binding) => [...binding.entries.values()]),
      env: Object.fromEntries(CERTIFICATE_VARIABLES.map((name) => [name, env(name)])),
    },
    provenance: readProvenanceMode(env),
  };
}

/** Whether BP_LOG_LEVEL asks for debug lines; read before anything else, since it shapes the logger. */
export function debugLogging(env: EnvLookup): boolean {
  return (env('BP_LOG_LEVEL') ?? '').toUpperCase() === 'DEBUG';
}

/**
 * BP_GITHUB_ASSETS_LIBC: the run image's C library when the target distro does not tell it (a distroless or
 * scratch image with musl binaries), `gnu` or `musl`; undefined when unset.
 */
export function readLibcSetting(env: EnvLookup): Libc | undefined {
  const name = 'BP_GITHUB_ASSETS_LIBC';
  const raw = env(name)?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = raw.toLowerCase();
  if (value === 'gnu' || value === 'glibc') return 'gnu';
  if (value === 'musl') return 'musl';
  throw new ConfigError(
    `${name} must be gnu or musl, but is "${raw}". Set ${name}=musl for an Alpine-like run image, ${name}=gnu for one with glibc, or unset it to follow the target distro (CNB_TARGET_DISTRO_NAME).`,
  );
}

function readInteger(env: EnvLookup, name: string, fallback: number, min: number, max: number): number {
  const raw = env(name)?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} must be a whole number from ${min} to ${max}, but is "${raw}". Set it to a number such as ${fallback}, or unset it for the default (${fallback}).`,
    );
  }
  return value;
}

function readBoolean(env: EnvLookup, name: string, fallback: boolean): boolean {
  const raw = env(name)?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, but is "${raw}". Set ${name}=true or ${name}=false.`);
}

function readUrl(
  env: EnvLookup,
  name: string,
  protocols: readonly string[] = ['https:', 'http:'],
  allowCredentials = false,
): string | undefined {
  const raw = env(name)?.trim();
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `${name} must be a URL such as https://github.example.com/api/v3, but is "${raw}".`,
    );
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must be a ${listProtocols(protocols)} URL, but is "${raw}".`);
  }
  if (!allowCredentials && (url.username !== '' || url.password !== '')) {
    throw new ConfigError(
      `${name} must not carry credentials in the URL; give the token through GITHUB_TOKEN or token_env instead.`,
    );
  }
  return raw.replace(/\/+$/, '');
}

/**
 * The mirror base to download from: BP_GITHUB_ASSETS_MIRROR, else a service binding of type
 * `dependency-mirror` as Paketo buildpacks read it (key `github.com`, else `default`). `{originalHost}` in
 * a binding's URL stands for github.com, as in Paketo's mirrors.
 */
export function chooseMirror(
  fromVariable: string | undefined,
  bindings: readonly ServiceBinding[],
): string | undefined {
  if (fromVariable !== undefined) return fromVariable;
  for (const binding of bindings) {
    if (binding.type !== 'dependency-mirror') continue;
    const key = binding.entries.has('github.com') ? 'github.com' : 'default';
    const url = binding.entries.get(key);
    if (url === undefined || url === '') continue;
    const base = url.replace(/\{originalHost\}/g, 'github.com').replace(/\/+$/, '');
    if (!isMirrorUrl(base)) {
      // The value is not shown: a malformed URL may still carry a password.
      throw new ConfigError(
        `The service binding ${binding.name} (type dependency-mirror) has a ${key} entry that is not an ${listProtocols(MIRROR_PROTOCOLS)} URL. Write the mirror's base URL there, e.g. https://artifactory.example.com/artifactory/github.`,
      );
    }
    return base;
  }
  return undefined;
}

function isMirrorUrl(text: string): boolean {
  try {
    return MIRROR_PROTOCOLS.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** `https://, http:// or file://`, for messages. */
function listProtocols(protocols: readonly string[]): string {
  const schemes = protocols.map((protocol) => protocol.replace(':', '://'));
  return schemes.length < 2 ? schemes.join('') : `${schemes.slice(0, -1).join(', ')} or ${schemes.at(-1)}`;
}
