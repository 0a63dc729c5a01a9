import type { EnvLookup } from '../cnb/platform-env.js';
import { ConfigError } from '../config/config-error.js';
import { describeValue } from '../config/describe-value.js';

/**
 * How much provenance an asset needs: `auto` verifies whatever is published and fails when it does not
 * verify, `required` also fails when nothing is published, `off` makes no provenance request at all.
 */
export type ProvenanceMode = 'auto' | 'required' | 'off';

const PROVENANCE_MODES: readonly ProvenanceMode[] = ['auto', 'required', 'off'];

function isProvenanceMode(value: string): value is ProvenanceMode {
  return (PROVENANCE_MODES as readonly string[]).includes(value);
}

/** BP_GITHUB_ASSETS_PROVENANCE, `auto` when unset. */
export function readProvenanceMode(env: EnvLookup): ProvenanceMode {
  const raw = env('BP_GITHUB_ASSETS_PROVENANCE')?.trim().toLowerCase();
  if (raw === undefined || raw === '') return 'auto';
  if (isProvenanceMode(raw)) return raw;
  throw new ConfigError(
    `BP_GITHUB_ASSETS_PROVENANCE must be auto, required or off, but is "${raw}". Set BP_GITHUB_ASSETS_PROVENANCE=required to refuse assets without verified provenance, off to skip the check, or unset it for auto.`,
  );
}

/**
 * The entry field `provenance` (same result shape as the other field checks in src/config/entry-fields.ts):
 * the raw TOML value, or the sentence saying what is wrong.
 */
export function checkProvenanceField(
  raw: unknown,
): { readonly value: ProvenanceMode | undefined } | { readonly error: string } {
  if (raw === undefined) return { value: undefined };
  if (typeof raw === 'string' && isProvenanceMode(raw.trim().toLowerCase())) {
    return { value: raw.trim().toLowerCase() as ProvenanceMode };
  }
  return {
    error: `provenance must be "auto", "required" or "off", but is ${describeValue(raw)}. Write e.g. provenance = "required", or leave it out to follow BP_GITHUB_ASSETS_PROVENANCE.`,
  };
}
