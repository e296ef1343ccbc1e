// The configuration backup as a file (gemSpec_Kon TIP1-A_4815/4816: encrypted and authenticated
// with a passphrase of at least 16 characters, and signed with the key of the box that made it).
// Pure: content in, bytes out, and back, with every refusal named and worded.
//
// The file is JSON: { "header": "<JSON text>", "ciphertext", "tag", "signature" } (base64). The
// header names the format, the box (serial, name, its signing key), the config schema's major,
// the time, and the key derivation (scrypt, salt) and cipher (AES-256-GCM, IV). The content is
// encrypted with the key derived from the passphrase, the header's exact text as associated data;
// the box signs header, ciphertext and tag with its Ed25519 key. Opening checks, in this order, the
// size, the form, the signature (a changed byte anywhere), the format and schema versions, and only
// then the passphrase, so a wrong passphrase is told apart from a damaged file.
//
// The signature is checked against the key the header itself names, so it proves the file whole,
// not who made it: anyone may make a file, sign it with a key of their own and name that key. What
// the check does tell is whether that key is this box's own (the "another box" warning of the
// restore preview); only this box holds its private key. Trusting a backup of another box would take
// a key vouched for from outside the file: the fleet CA certifying each box's signing key, with the
// certificate carried in the header and checked against the CA, as a profile's signature is.
import { createCipheriv, createDecipheriv, createPublicKey, randomBytes, scrypt, sign, verify, type KeyObject } from 'node:crypto';
import { MAX_BACKUP_BYTES } from '../../control/protocol.ts';

export const BACKUP_FORMAT = 'tibox-backup';
export const BACKUP_VERSION = 1;
/** TIP1-A_4816. */
export const MIN_PASSPHRASE = 16;
export const MAX_PASSPHRASE = 256;
/** scrypt's cost: 32 MiB and some 100 ms on a box, for each guess of a passphrase too. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

/** What a backup holds: the config and the registered devices, as the agent keeps them. */
export interface BackupContent {
  readonly config: unknown;
  readonly devices: readonly unknown[];
}

/** The box a backup comes from. */
export interface BackupBox {
  readonly serial: string;
  readonly name: string;
}

export interface BackupHeader {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: number;
  readonly createdAt: string;
  readonly box: BackupBox;
  /** The box's signing key (SPKI, DER, base64): who signed it. */
  readonly signer: string;
  readonly schemaMajor: number;
  readonly kdf: { readonly name: 'scrypt'; readonly N: number; readonly r: number; readonly p: number; readonly salt: string };
  readonly cipher: { readonly name: 'aes-256-gcm'; readonly iv: string };
}

export type BackupProblem = 'tooLarge' | 'malformed' | 'badSignature' | 'newerFormat' | 'newerSchema' | 'wrongPassphrase' | 'passphrase';

export type Opened = { ok: true; header: BackupHeader; content: BackupContent } | { ok: false; problem: BackupProblem; reason: string };

/** Why a passphrase cannot protect a backup, or undefined. */
export function passphraseProblem(passphrase: string): string | undefined {
  const length = [...passphrase].length;
  if (length < MIN_PASSPHRASE) return `the passphrase must have at least ${MIN_PASSPHRASE} characters; it has ${length}`;
  if (length > MAX_PASSPHRASE) return `the passphrase must have at most ${MAX_PASSPHRASE} characters`;
  return undefined;
}

export async function sealBackup(content: BackupContent, o: { passphrase: string; box: BackupBox; signingKey: KeyObject; schemaMajor: number; now: Date }): Promise<Buffer> {
  const problem = passphraseProblem(o.passphrase);
  if (problem) throw new Error(problem);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: o.now.toISOString(),
    box: { serial: o.box.serial, name: o.box.name },
    signer: createPublicKey(o.signingKey).export({ type: 'spki', format: 'der' }).toString('base64'),
    schemaMajor: o.schemaMajor,
    kdf: { name: 'scrypt', N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString('base64') },
    cipher: { name: 'aes-256-gcm', iv: iv.toString('base64') },
  };
  const headerText = JSON.stringify(header);
  const cipher = createCipheriv('aes-256-gcm', await keyOf(o.passphrase, header.kdf), iv);
  cipher.setAAD(Buffer.from(headerText));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(content)), cipher.final()]);
  const tag = cipher.getAuthTag();
  const signature = sign(null, signedBytes(headerText, ciphertext, tag), o.signingKey);
  const file = { header: headerText, ciphertext: ciphertext.toString('base64'), tag: tag.toString('base64'), signature: signature.toString('base64') };
  return Buffer.from(JSON.stringify(file) + '\n');
}

/** The backup's header and content, or the first thing wrong with it, in words. */
export async function openBackup(bytes: Buffer, o: { passphrase: string; schemaMajor: number }): Promise<Opened> {
  if (bytes.length > MAX_BACKUP_BYTES) return { ok: false, problem: 'tooLarge', reason: `the file has ${bytes.length} bytes; a backup has at most ${MAX_BACKUP_BYTES}` };
  const file = parseFile(bytes);
  if (typeof file === 'string') return { ok: false, problem: 'malformed', reason: file };
  const { headerText, header, ciphertext, tag, signature } = file;
  let signer: KeyObject;
  try {
    signer = createPublicKey({ key: Buffer.from(header.signer, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return { ok: false, problem: 'malformed', reason: "the header's signing key cannot be read" };
  }
  if (signer.asymmetricKeyType !== 'ed25519' || !verify(null, signedBytes(headerText, ciphertext, tag), signer, signature)) {
    return { ok: false, problem: 'badSignature', reason: 'the signature does not match the file: it was changed or damaged after it was signed' };
  }
  if (header.version > BACKUP_VERSION) return { ok: false, problem: 'newerFormat', reason: `the file is of format version ${header.version}; this firmware reads up to ${BACKUP_VERSION}` };
  if (header.schemaMajor > o.schemaMajor) return { ok: false, problem: 'newerSchema', reason: `the backup holds a config of schema ${header.schemaMajor}, newer than this firmware's ${o.schemaMajor}` };
  const problem = passphraseProblem(o.passphrase);
  if (problem) return { ok: false, problem: 'passphrase', reason: problem };
  const key = await keyOf(o.passphrase, header.kdf);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(header.cipher.iv, 'base64'));
    decipher.setAAD(Buffer.from(headerText));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return { ok: false, problem: 'wrongPassphrase', reason: 'the passphrase does not open this backup' };
  }
  const content = parseContent(plain);
  return typeof content === 'string' ? { ok: false, problem: 'malformed', reason: content } : { ok: true, header, content };
}

/** Derived on libuv's thread pool: the event loop (and the tunnel's liveness on it) runs on meanwhile. */
function keyOf(passphrase: string, kdf: BackupHeader['kdf']): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: SCRYPT.maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function signedBytes(headerText: string, ciphertext: Buffer, tag: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${BACKUP_FORMAT}\n${headerText}\n`), tag, ciphertext]);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function parseFile(bytes: Buffer): { headerText: string; header: BackupHeader; ciphertext: Buffer; tag: Buffer; signature: Buffer } | string {
  let file: unknown;
  try {
    file = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'the file is no tibox backup, or it was cut short';
  }
  const { header: headerText, ciphertext, tag, signature } = (typeof file === 'object' && file !== null ? file : {}) as Record<string, unknown>;
  if (typeof headerText !== 'string' || ![ciphertext, tag, signature].every((v) => typeof v === 'string' && BASE64.test(v))) return 'the file is no tibox backup: its parts are missing';
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch {
    return "the backup's header cannot be read";
  }
  if (!isHeader(header)) return "the file is no tibox backup: its header lacks what a backup names";
  const tagBytes = Buffer.from(tag as string, 'base64');
  if (tagBytes.length !== 16) return "the backup's authentication tag is damaged";
  return { headerText, header, ciphertext: Buffer.from(ciphertext as string, 'base64'), tag: tagBytes, signature: Buffer.from(signature as string, 'base64') };
}

function isHeader(value: unknown): value is BackupHeader {
  const h = value as Partial<BackupHeader> | null;
  const kdf = h?.kdf;
  return (
    typeof h === 'object' && h !== null && h.format === BACKUP_FORMAT && Number.isInteger(h.version) && typeof h.createdAt === 'string' &&
    typeof h.box?.serial === 'string' && typeof h.box.name === 'string' && typeof h.signer === 'string' && Number.isInteger(h.schemaMajor) &&
    kdf?.name === 'scrypt' && kdf.N === SCRYPT.N && kdf.r === SCRYPT.r && kdf.p === SCRYPT.p && typeof kdf.salt === 'string' &&
    h.cipher?.name === 'aes-256-gcm' && typeof h.cipher.iv === 'string' && Buffer.from(h.cipher.iv, 'base64').length === 12
  );
}

function parseContent(plain: Buffer): BackupContent | string {
  try {
    const content = JSON.parse(plain.toString('utf8')) as Partial<BackupContent>;
    if (typeof content.config === 'object' && content.config !== null && Array.isArray(content.devices)) return { config: content.config, devices: content.devices };
  } catch {
    // Worded below: a file signed and opened whose content is not ours.
  }
  return "the backup's content cannot be read";
}
