import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { initializeCA, initializeCTLog, initializeTLog, initializeTSA } from '@sigstore/mock';

/**
 * A private Sigstore instance made with @sigstore/mock's Fulcio, Rekor, CT log and timestamp authority, and
 * the trusted_root.json that trusts it: the bundles it makes are verified by the same code and in the same
 * way as bundles from the public-good instance, only against this root.
 */
export interface SigstoreFixture {
  /** trusted_root.json content (protobuf JSON), as `gh attestation trusted-root` writes it. */
  readonly trustedRoot: unknown;
  /** A GitHub-Actions-style attestation bundle (DSSE in-toto statement) for the given subjects. */
  attest(options: AttestOptions): Promise<unknown>;
  /** A message-signature bundle over `artifact`, as `cosign sign-blob --bundle` writes it. */
  signBlob(artifact: Buffer, identity?: IdentityOptions): Promise<unknown>;
}

export interface IdentityOptions {
  /** The certificate's SAN, e.g. https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1 */
  readonly san?: string;
  readonly issuer?: string;
  /** Commit the workflow ran at (Fulcio's source repository digest). */
  readonly commit?: string;
  /** The repository the workflow run was for (Fulcio's source repository URI), e.g. https://github.com/o/r */
  readonly sourceRepository?: string;
}

export interface AttestOptions extends IdentityOptions {
  readonly subjects: readonly { readonly name: string; readonly sha256: string }[];
}

/** The shape of an entry @sigstore/mock's Rekor returns (Rekor's v1 API). */
interface MockLogEntry {
  readonly body: string;
  readonly integratedTime: number;
  readonly logID: string;
  readonly logIndex: number;
  readonly verification?: {
    readonly signedEntryTimestamp?: string;
    readonly inclusionProof?: {
      readonly logIndex: number;
      readonly rootHash: string;
      readonly treeSize: number;
      readonly hashes: string[];
      readonly checkpoint: string;
    };
  };
}

const ISSUER = 'https://token.actions.githubusercontent.com';
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const OID_SOURCE_REPOSITORY_DIGEST = '1.3.6.1.4.1.57264.1.13';
const OID_SOURCE_REPOSITORY_URI = '1.3.6.1.4.1.57264.1.12';
const IN_TOTO = 'application/vnd.in-toto+json';

export async function makeSigstoreFixture(options: { withTsa?: boolean } = {}): Promise<SigstoreFixture> {
  const keys = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // A whole second a little ahead: Rekor's integrated time has whole seconds, and must not fall before the
  // notBefore of the root (made now) or of the leaf (made at `clock`), or the chain would not verify.
  const clock = new Date((Math.floor(Date.now() / 1000) + 2) * 1000);
  const ctLog = await initializeCTLog(keys(), clock);
  const ca = await initializeCA(keys(), ctLog, clock);
  const tlog = await initializeTLog('https://rekor.fixture.test', keys(), clock);
  const tsa = options.withTsa === true ? await initializeTSA(keys(), clock) : undefined;
  const start = new Date(clock.getTime() - 60_000).toISOString();
  const b64 = (bytes: ArrayBufferView | Buffer) =>
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: 'https://rekor.fixture.test',
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(tlog.publicKey),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: createHash('sha256').update(tlog.publicKey).digest('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.fixture.test',
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start },
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.fixture.test',
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(ctLog.publicKey),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: b64(ctLog.logID) },
      },
    ],
    timestampAuthorities:
      tsa === undefined
        ? []
        : [
            {
              subject: { organization: 'sigstore.mock', commonName: 'tsa' },
              certChain: {
                certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }],
              },
              validFor: { start },
            },
          ],
  };

  async function certificateFor(publicKey: KeyObject, identity: IdentityOptions): Promise<Buffer> {
    const issuer = identity.issuer ?? ISSUER;
    const extensions = [
      { oid: OID_ISSUER_V1, value: issuer, legacy: true },
      { oid: OID_ISSUER_V2, value: issuer },
      ...(identity.commit === undefined
        ? []
        : [{ oid: OID_SOURCE_REPOSITORY_DIGEST, value: identity.commit }]),
      ...(identity.sourceRepository === undefined
        ? []
        : [{ oid: OID_SOURCE_REPOSITORY_URI, value: identity.sourceRepository }]),
    ];
    const der = publicKey.export({ format: 'der', type: 'spki' });
    const cert = await ca.issueCertificate({
      publicKey: der,
      subjectAltName:
        identity.san ?? 'https://github.com/acme/tool/.github/workflows/release.yml@refs/tags/v1.0.0',
      extensions,
    });
    return Buffer.from(cert.buffer, cert.byteOffset, cert.byteLength);
  }

  async function tlogEntry(kind: string, version: string, body: object) {
    const logged = (await tlog.log(body)) as unknown as Record<string, MockLogEntry>;
    const [entry] = Object.values(logged);
    if (entry === undefined) throw new Error('mock Rekor returned no entry');
    const proof = entry.verification?.inclusionProof;
    return {
      logIndex: String(entry.logIndex),
      logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
      kindVersion: { kind, version },
      integratedTime: String(entry.integratedTime),
      inclusionPromise: { signedEntryTimestamp: entry.verification?.signedEntryTimestamp },
      inclusionProof:
        proof === undefined
          ? undefined
          : {
              logIndex: String(proof.logIndex),
              rootHash: Buffer.from(proof.rootHash, 'hex').toString('base64'),
              treeSize: String(proof.treeSize),
              hashes: proof.hashes,
              checkpoint: { envelope: proof.checkpoint },
            },
      canonicalizedBody: entry.body,
    };
  }

  async function timestamps(signature: Buffer) {
    if (tsa === undefined) return undefined;
    const token = await tsa.timestamp({
      artifactHash: createHash('sha256').update(signature).digest(),
      hashAlgorithmOID: '2.16.840.1.101.3.4.2.1',
      nonce: 1,
      policyOID: '1.2.3.4',
      certReq: false,
    });
    return { rfc3161Timestamps: [{ signedTimestamp: b64(token) }] };
  }

  /** The bundle's verificationMaterial: the leaf certificate, the Rekor entry of `body`, the timestamps. */
  async function verificationMaterial(certificate: Buffer, signature: Buffer, kind: string, body: object) {
    return {
      certificate: { rawBytes: certificate.toString('base64') },
      tlogEntries: [await tlogEntry(kind, '0.0.1', body)],
      timestampVerificationData: await timestamps(signature),
    };
  }

  return {
    trustedRoot,
    async attest(options) {
      const { publicKey, privateKey } = keys();
      const certificate = await certificateFor(publicKey, options);
      const statement = {
        _type: 'https://in-toto.io/Statement/v1',
        subject: options.subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
        predicateType: 'https://slsa.dev/provenance/v1',
        predicate: { buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' } },
      };
      const payload = Buffer.from(JSON.stringify(statement));
      const pae = Buffer.concat([
        Buffer.from(`DSSEv1 ${IN_TOTO.length} ${IN_TOTO} ${payload.length} `),
        payload,
      ]);
      const signature = sign('sha256', pae, privateKey);
      const pem = pemOf(certificate);
      const body = {
        apiVersion: '0.0.1',
        kind: 'dsse',
        spec: {
          payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') },
          signatures: [
            { signature: signature.toString('base64'), verifier: Buffer.from(pem).toString('base64') },
          ],
        },
      };
      return {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: await verificationMaterial(certificate, signature, 'dsse', body),
        dsseEnvelope: {
          payload: payload.toString('base64'),
          payloadType: IN_TOTO,
          signatures: [{ sig: signature.toString('base64'), keyid: '' }],
        },
      };
    },
    async signBlob(artifact, identity = {}) {
      const { publicKey, privateKey } = keys();
      const certificate = await certificateFor(publicKey, identity);
      const digest = createHash('sha256').update(artifact).digest();
      const signature = sign('sha256', artifact, privateKey);
      const pem = pemOf(certificate);
      const body = {
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
          signature: {
            content: signature.toString('base64'),
            publicKey: { content: Buffer.from(pem).toString('base64') },
          },
        },
      };
      return {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: await verificationMaterial(certificate, signature, 'hashedrekord', body),
        messageSignature: {
          messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') },
          signature: signature.toString('base64'),
        },
      };
    },
  };
}

function pemOf(certificate: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${certificate.toString('base64')}\n-----END CERTIFICATE-----\n`;
}
