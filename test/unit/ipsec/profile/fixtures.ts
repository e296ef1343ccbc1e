// Test fixtures made fresh at test time: CAs and box certificates with openssl (P-256, P-384,
// brainpoolP256r1), PKCS#12 files in the variants docs/profile.md names, and profile-signing
// keys with node:crypto. Profiles are built from the lab's settings and signed like the lab does.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRunner } from '../../../../src/core/runner.ts';
import { labSettings, signProfile, type SignatureAlgorithmName } from '../../../lab/profile.ts';

export const P12_PASSWORD = 'correct horse battery';

interface Pem {
  cert: string;
  key: string;
}

export interface Fixtures {
  dir: string;
  ca: Pem;
  /** Box certificates from `ca`, valid from their creation for BOX_DAYS days. */
  box: { p256: Pem; p384: Pem; brainpool: Pem };
  /** The P-256 box key as SEC1 ("EC PRIVATE KEY"). */
  sec1Key: string;
  /** A CA that did not issue the boxes, and a box it did issue. */
  foreignCa: Pem;
  foreignBox: Pem;
  /** base64 PKCS#12 of the P-256 box. */
  p12: { default: string; legacy: string; camellia: string; noKey: string; noCert: string; rsa: string };
  signing: { p384: string; p256: string; brainpool: string; ed25519: string; foreign: string };
  /** The matching public keys, PEM: what the box pins. */
  anchor: { p384: string; p256: string; brainpool: string; ed25519: string };
  cleanup: () => Promise<void>;
}

export const BOX_DAYS = 30;

const run = (args: string[], env?: Record<string, string>) => processRunner.run('openssl', args, { env, timeoutMs: 30_000 });

async function makeCa(dir: string, name: string): Promise<Pem> {
  const pem = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  await run([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-noenc', '-keyout', pem.key, '-out', pem.cert,
    '-days', '3650', '-subj', `/O=tibox test/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return pem;
}

async function makeBox(dir: string, name: string, curve: string, ca: Pem): Promise<Pem> {
  const pem = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  await run([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-noenc', '-keyout', pem.key, '-out', pem.cert,
    '-days', String(BOX_DAYS), '-CA', ca.cert, '-CAkey', ca.key, '-subj', `/O=tibox test/CN=${name}.boxes.tibox.test`,
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature',
    '-addext', 'extendedKeyUsage=clientAuth', '-addext', `subjectAltName=DNS:${name}.boxes.tibox.test`,
  ]);
  return pem;
}

async function pkcs12(dir: string, name: string, args: string[]): Promise<string> {
  const out = join(dir, `${name}.p12`);
  await run(['pkcs12', '-export', ...args, '-out', out, '-passout', 'env:P12_PASSWORD'], { P12_PASSWORD });
  return (await readFile(out)).toString('base64');
}

function keyPair(type: 'ec' | 'ed25519', namedCurve?: string): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } =
    type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: namedCurve ?? 'P-384' });
  return { privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

export async function makeFixtures(): Promise<Fixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'tibox-profile-'));
  const ca = await makeCa(dir, 'ca');
  const foreignCa = await makeCa(dir, 'foreign-ca');
  const [p256, p384, brainpool, foreignBox] = await Promise.all([
    makeBox(dir, 'box-p256', 'P-256', ca),
    makeBox(dir, 'box-p384', 'P-384', ca),
    makeBox(dir, 'box-bp', 'brainpoolP256r1', ca),
    makeBox(dir, 'box-foreign', 'P-256', foreignCa),
  ]);
  const sec1 = join(dir, 'box-p256.sec1.key');
  await run(['ec', '-in', p256.key, '-out', sec1]);
  const rsaKey = join(dir, 'rsa.key');
  const rsaCert = join(dir, 'rsa.pem');
  await run(['req', '-x509', '-newkey', 'rsa:2048', '-noenc', '-keyout', rsaKey, '-out', rsaCert, '-days', String(BOX_DAYS), '-CA', ca.cert, '-CAkey', ca.key, '-subj', '/CN=rsa-box']);
  const box = ['-inkey', p256.key, '-in', p256.cert];
  const p12 = {
    default: await pkcs12(dir, 'default', box),
    legacy: await pkcs12(dir, 'legacy', [...box, '-legacy']),
    camellia: await pkcs12(dir, 'camellia', [...box, '-keypbe', 'CAMELLIA-256-CBC', '-certpbe', 'CAMELLIA-256-CBC']),
    noKey: await pkcs12(dir, 'nokey', ['-nokeys', '-in', p256.cert]),
    noCert: await pkcs12(dir, 'nocert', ['-nocerts', '-inkey', p256.key]),
    rsa: await pkcs12(dir, 'rsa', ['-inkey', rsaKey, '-in', rsaCert]),
  };
  const pairs = { p384: keyPair('ec', 'P-384'), p256: keyPair('ec', 'P-256'), brainpool: keyPair('ec', 'brainpoolP384r1'), ed25519: keyPair('ed25519') };
  const read = async (pem: Pem): Promise<Pem> => ({ cert: await readFile(pem.cert, 'utf8'), key: await readFile(pem.key, 'utf8') });
  return {
    dir,
    ca: await read(ca),
    box: { p256: await read(p256), p384: await read(p384), brainpool: await read(brainpool) },
    sec1Key: await readFile(sec1, 'utf8'),
    foreignCa: await read(foreignCa),
    foreignBox: await read(foreignBox),
    p12,
    signing: {
      p384: pairs.p384.privateKey, p256: pairs.p256.privateKey, brainpool: pairs.brainpool.privateKey, ed25519: pairs.ed25519.privateKey,
      foreign: keyPair('ec', 'P-384').privateKey,
    },
    anchor: { p384: pairs.p384.publicKey, p256: pairs.p256.publicKey, brainpool: pairs.brainpool.publicKey, ed25519: pairs.ed25519.publicKey },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A valid payload for the P-256 box with a PEM identity; `change` edits a copy. */
export function payload(f: Fixtures, change: (p: Record<string, unknown>) => void = () => undefined): Record<string, unknown> {
  const p: Record<string, unknown> = { ...labSettings(f.ca.cert), identity: { certificate: f.box.p256.cert, privateKey: f.box.p256.key } };
  change(p);
  return p;
}

/** The signed file of `payload(f, change)` with the P-384 test signing key. */
export function profileFile(f: Fixtures, change?: (p: Record<string, unknown>) => void, algorithm: SignatureAlgorithmName = 'ecdsa-sha384', key = f.signing.p384): Buffer {
  return signProfile(payload(f, change), key, algorithm);
}

/** An envelope edited after signing. */
export function editEnvelope(file: Buffer, change: (e: Record<string, unknown>) => void): Buffer {
  const envelope = JSON.parse(file.toString('utf8')) as Record<string, unknown>;
  change(envelope);
  return Buffer.from(JSON.stringify(envelope));
}
