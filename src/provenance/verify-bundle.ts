import type { ProvenanceCheck, ProvenanceRefusal } from './provenance-error.js';
import { checkSignerIdentity, type SignerPolicy } from './signer-identity.js';
import type { TrustRoot } from './trust-root.js';
import type { Vouch } from './vouch.js';

/** The bytes a bundle must vouch for: their sha256, and the bytes themselves for a plain signature over them. */
export interface BundleSubject {
  readonly sha256: string;
  /** Needed only for message-signature bundles (cosign sign-blob), whose signature covers the bytes. */
  readonly content?: (() => Promise<Buffer>) | undefined;
}

export interface VerifyBundleRequest {
  /** The bundle as parsed JSON. */
  readonly bundle: unknown;
  /** What it is, for messages: "GitHub attestation", "release file x.sigstore.json". */
  readonly source: string;
  readonly subject: BundleSubject;
  readonly policy: SignerPolicy;
  readonly root: Extract<TrustRoot, { status: 'ok' }>;
}

export type BundleVerdict = { readonly vouch: Vouch } | { readonly refusal: ProvenanceRefusal };

const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
// Fulcio's extension for the commit the workflow ran at (DER UTF8String), and its legacy raw predecessor.
const OID_SOURCE_REPOSITORY_DIGEST = '1.3.6.1.4.1.57264.1.13';
const OID_GITHUB_WORKFLOW_SHA = '1.3.6.1.4.1.57264.1.3';
// Fulcio's source repository URI: the repository whose workflow run asked for the certificate, which for a
// reusable workflow is the caller, not the repository the workflow file lives in.
const OID_SOURCE_REPOSITORY_URI = '1.3.6.1.4.1.57264.1.12';

// What each sigstore-js error code means for the user.
const CHECK_OF_CODE: Readonly<Record<string, ProvenanceCheck>> = {
  CERTIFICATE_ERROR: 'root',
  PUBLIC_KEY_ERROR: 'root',
  SIGNATURE_ERROR: 'signature',
  TIMESTAMP_ERROR: 'log',
  TLOG_ERROR: 'log',
  TLOG_INCLUSION_PROOF_ERROR: 'log',
  TLOG_INCLUSION_PROMISE_ERROR: 'log',
  TLOG_MISSING_INCLUSION_ERROR: 'log',
  TLOG_BODY_ERROR: 'log',
  UNTRUSTED_SIGNER_ERROR: 'identity',
};

/**
 * Verifies one Sigstore bundle: its signature, the certificate chain to the trusted root, the transparency
 * log inclusion or signed timestamp, that it is about the subject's bytes, and that its signer satisfies
 * the policy. Never throws for a bad bundle: the verdict says which check failed and why.
 */
export async function verifyBundle(request: VerifyBundleRequest): Promise<BundleVerdict> {
  const { bundleFromJSON, isBundleWithDsseEnvelope } = await import('@sigstore/bundle');
  const { Verifier, toSignedEntity } = await import('@sigstore/verify');
  const refuse = (check: ProvenanceCheck, reason: string): BundleVerdict => ({
    refusal: { source: request.source, check, reason },
  });

  let bundle;
  try {
    bundle = bundleFromJSON(request.bundle);
  } catch (error) {
    return refuse('format', messageOf(error));
  }

  let artifact: Buffer | undefined;
  if (isBundleWithDsseEnvelope(bundle)) {
    const { payloadType } = bundle.content.dsseEnvelope;
    if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
      return refuse('format', `its envelope holds ${payloadType}, not an in-toto statement`);
    }
  } else if (bundle.content.$case === 'messageSignature') {
    const { messageDigest } = bundle.content.messageSignature;
    const digest = Buffer.from(messageDigest?.digest ?? new Uint8Array()).toString('hex');
    if (digest !== request.subject.sha256) {
      return refuse(
        'digest',
        `it signs bytes with sha256 ${digest || '(none)'}, the asset has sha256 ${request.subject.sha256}`,
      );
    }
    if (request.subject.content === undefined) {
      return refuse(
        'format',
        'it is a plain signature over the file, and the file was not kept to check it against',
      );
    }
    artifact = await request.subject.content();
  }

  let signer;
  try {
    const verifier = new Verifier(request.root.material, {
      ctlogThreshold: request.root.ctlogThreshold,
      tlogThreshold: request.root.tlogThreshold,
      timestampThreshold: 1,
    });
    signer = verifier.verify(toSignedEntity(bundle, artifact));
  } catch (error) {
    const code = errorCode(error);
    return refuse(CHECK_OF_CODE[code] ?? 'format', messageOf(error));
  }

  if (isBundleWithDsseEnvelope(bundle)) {
    const subjects = inTotoSubjectDigests(Buffer.from(bundle.content.dsseEnvelope.payload));
    if (subjects === undefined) return refuse('format', 'its in-toto statement cannot be read');
    if (!subjects.includes(request.subject.sha256)) {
      const named = subjects.length === 0 ? 'no sha256 subject' : `sha256 ${subjects.join(', ')}`;
      return refuse(
        'digest',
        `its statement is about ${named}, the asset has sha256 ${request.subject.sha256}`,
      );
    }
  }

  const oids = signer.identity?.oids ?? [];
  const oidValue = (oid: string) => oids.find((o) => o.oid?.id.join('.') === oid)?.value;
  const identity = checkSignerIdentity(
    request.policy,
    signer.identity?.extensions?.issuer,
    signer.identity?.subjectAlternativeName,
    decodeUtf8String(oidValue(OID_SOURCE_REPOSITORY_URI)),
  );
  if ('problem' in identity) return refuse('identity', identity.problem);

  const commit =
    decodeUtf8String(oidValue(OID_SOURCE_REPOSITORY_DIGEST)) ?? rawString(oidValue(OID_GITHUB_WORKFLOW_SHA));
  const logIndex = bundle.verificationMaterial.tlogEntries[0]?.logIndex;
  return {
    vouch: {
      source: request.source,
      workflow: identity.identity.workflow,
      ref: identity.identity.ref,
      commit,
      logIndex: logIndex === undefined || logIndex === '' ? undefined : String(logIndex),
    },
  };
}

/** The sha256 digests of an in-toto statement's subjects, lower-case; undefined when it is not one. */
function inTotoSubjectDigests(payload: Buffer): string[] | undefined {
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof statement !== 'object' || statement === null || !('subject' in statement)) return undefined;
  const subjects = statement.subject;
  if (!Array.isArray(subjects)) return undefined;
  return subjects.flatMap((subject: unknown) => {
    if (typeof subject !== 'object' || subject === null || !('digest' in subject)) return [];
    const digest = subject.digest;
    if (typeof digest !== 'object' || digest === null || !('sha256' in digest)) return [];
    return typeof digest.sha256 === 'string' ? [digest.sha256.toLowerCase()] : [];
  });
}

/** A DER UTF8String (tag 12, short or long length), as Fulcio writes its newer extensions. */
function decodeUtf8String(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined || bytes.length < 2 || bytes[0] !== 0x0c) return undefined;
  const first = bytes[1] ?? 0;
  let start = 2;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[2 + i] ?? 0);
    start = 2 + count;
  }
  if (start + length > bytes.length) return undefined;
  return Buffer.from(bytes.subarray(start, start + length)).toString('utf8');
}

function rawString(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('ascii');
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
