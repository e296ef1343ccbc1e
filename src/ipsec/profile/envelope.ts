// The outer envelope of a profile file (docs/profile.md "Envelope") and its signature check.
// Order matters: size before parsing, format and version before anything version-specific,
// and the signature before the payload is even parsed, so unsigned bytes never reach a parser
// beyond JSON.parse of the envelope.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ProfileError } from './errors.ts';
import { decodeBase64 } from './fields.ts';

export const PROFILE_FORMAT = 'tibox-vpn-profile';
/** The format versions this firmware reads (docs/profile.md "Versioning"); the last is the newest. */
export const PROFILE_VERSIONS = [1, 2] as const;
export type ProfileVersion = (typeof PROFILE_VERSIONS)[number];
export const PROFILE_VERSION: ProfileVersion = 2;
export const DEFAULT_MAX_BYTES = 256 * 1024;

/** Digest per algorithm name; Ed25519 signs the message itself (null digest for node:crypto). */
const ALGORITHMS = {
  'ecdsa-sha256': { keyType: 'ec', digest: 'sha256' },
  'ecdsa-sha384': { keyType: 'ec', digest: 'sha384' },
  'ecdsa-sha512': { keyType: 'ec', digest: 'sha512' },
  ed25519: { keyType: 'ed25519', digest: null },
} as const;

export type SignatureAlgorithm = keyof typeof ALGORITHMS;

export const SIGNATURE_ALGORITHMS = Object.keys(ALGORITHMS) as SignatureAlgorithm[];

const ENVELOPE_KEYS = new Set(['format', 'version', 'payload', 'signature', 'signatureAlgorithm']);

function malformed(reason: string): ProfileError {
  return new ProfileError('TIBOX_PROFILE_MALFORMED', { reason });
}

/**
 * The pinned key from a PEM public key or certificate. Throws a plain Error: a broken anchor is
 * a firmware or lab fault, not something an uploaded file can cause.
 */
export function trustAnchorKey(pem: string | Buffer): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ec' && key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the profile trust anchor must be an EC or Ed25519 key, not ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

/** The verified payload bytes of a profile file and its format version, or a ProfileError saying why there are none. */
export function openEnvelope(bytes: Buffer, trustAnchor: KeyObject, maxBytes: number): { payload: Buffer; version: ProfileVersion } {
  if (bytes.length > maxBytes) throw new ProfileError('TIBOX_PROFILE_TOO_LARGE', { size: bytes.length, limit: maxBytes });
  let envelope: unknown;
  try {
    envelope = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw malformed('it is not a JSON document (is this a tibox VPN profile?)');
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) throw malformed('it is not a JSON object');
  const e = envelope as Record<string, unknown>;
  if (e.format !== PROFILE_FORMAT) throw malformed(`"format" must be "${PROFILE_FORMAT}"`);
  if (typeof e.version !== 'number') throw malformed('"version" must be a number');
  if (!(PROFILE_VERSIONS as readonly number[]).includes(e.version)) {
    throw new ProfileError('TIBOX_PROFILE_UNSUPPORTED_VERSION', { version: String(e.version), supported: `versions ${PROFILE_VERSIONS.join(' and ')}` });
  }
  const version = e.version as ProfileVersion;
  const unknown = Object.keys(e).find((key) => !ENVELOPE_KEYS.has(key));
  if (unknown !== undefined) throw malformed(`the envelope has an unknown field "${unknown}"`);
  if (typeof e.payload !== 'string' || e.payload === '') throw malformed('"payload" must be a non-empty base64 string');
  if (e.signature === undefined || e.signature === '' || e.signature === null) throw new ProfileError('TIBOX_PROFILE_UNSIGNED', {});
  if (typeof e.signature !== 'string') throw malformed('"signature" must be a base64 string');
  const algorithm = e.signatureAlgorithm;
  if (typeof algorithm !== 'string' || !Object.hasOwn(ALGORITHMS, algorithm)) {
    throw malformed(`"signatureAlgorithm" must be one of ${SIGNATURE_ALGORITHMS.join(', ')}`);
  }
  const payload = decodeBase64(e.payload);
  if (!payload) throw malformed('"payload" is not valid base64');
  const signature = decodeBase64(e.signature);
  if (!signature) throw malformed('"signature" is not valid base64');
  const { keyType, digest } = ALGORITHMS[algorithm as SignatureAlgorithm];
  // A signature made for another key type cannot be by the pinned key: same answer as a bad one.
  if (trustAnchor.asymmetricKeyType !== keyType || !verifies(digest, payload, trustAnchor, signature)) {
    throw new ProfileError('TIBOX_PROFILE_BAD_SIGNATURE', {});
  }
  return { payload, version };
}

function verifies(digest: string | null, payload: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(digest, payload, key, signature);
  } catch {
    // OpenSSL refuses some malformed DER signatures by throwing instead of answering false.
    return false;
  }
}

/** The payload bytes parsed as JSON; they are signed, so a failure here is the issuer's bug. */
export function parsePayload(payload: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw malformed('the signed payload is not a JSON document');
  }
}
