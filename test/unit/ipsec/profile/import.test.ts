// importProfile: good files in every supported variant, and each refusal with its code and
// without a write (through the 'profile.import' action on a real store).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign as cryptoSign, X509Certificate } from 'node:crypto';
import { ControlActions } from '../../../../src/core/controlActions.ts';
import { importProfile, ProfileStore, registerProfileActions, type ProfileErrorCode } from '../../../../src/ipsec/profile/index.ts';
import { signProfile } from '../../../lab/profile.ts';
import { BOX_DAYS, editEnvelope, makeFixtures, P12_PASSWORD, payload, profileFile, type Fixtures } from './fixtures.ts';

let f: Fixtures;
let now: Date;

beforeAll(async () => {
  f = await makeFixtures();
  now = new Date(new X509Certificate(f.box.p256.cert).validFromDate.getTime() + 86_400_000);
}, 60_000);

afterAll(() => f.cleanup());

const day = 86_400_000;

describe('importProfile accepts', () => {
  it('the lab settings with a PEM identity, defaults filled in', () => {
    const profile = importProfile(profileFile(f), { trustAnchor: f.anchor.p384, now });
    expect(profile).toMatchObject({
      boxId: 'box-0001.boxes.tibox.test',
      gateways: { kind: 'addresses', addresses: ['198.51.100.10', '192.0.2.10'] },
      gatewayIds: ['gw1.dc.tibox.test', 'gw2.dc.tibox.test'],
      proposals: { ike: ['aes256gcm16-prfsha384-ecp384'], esp: ['aes256gcm16-ecp384'] },
      tiSegment: '10.77.12.0/26',
      tiPrefixes: ['100.64.0.0/10', '100.102.0.0/15'],
      connector: { addresses: ['100.64.10.10'], probe: { address: '100.64.10.10' } },
      tiDns: { servers: ['100.102.0.53'], domains: ['telematik', 'telematik-test'] },
      management: { url: 'https://mgmt.dc.tibox.test', prefix: '100.102.200.0/24' },
      identity: { subjectAltNames: 'DNS:box-p256.boxes.tibox.test', privateKey: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----/) },
    });
    expect(Date.parse(profile.identity.notAfter) - Date.parse(profile.identity.notBefore)).toBe(BOX_DAYS * day);
    expect(profile.caCertificates).toEqual([new X509Certificate(f.ca.cert).toString()]);
  });

  it.each([
    ['P-384 box key', (f: Fixtures) => f.box.p384],
    ['brainpoolP256r1 box key', (f: Fixtures) => f.box.brainpool],
  ])('a %s', (_, pick) => {
    const box = pick(f);
    const profile = importProfile(profileFile(f, (p) => (p.identity = { certificate: box.cert, privateKey: box.key })), { trustAnchor: f.anchor.p384, now });
    expect(profile.identity.certificate).toBe(new X509Certificate(box.cert).toString());
  });

  it('a SEC1 key, handed on as PKCS#8', () => {
    const profile = importProfile(profileFile(f, (p) => (p.identity = { certificate: f.box.p256.cert, privateKey: f.sec1Key })), { trustAnchor: f.anchor.p384, now });
    expect(profile.identity.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it.each([
    ['ecdsa-sha256', 'p256'],
    ['ecdsa-sha384', 'brainpool'],
    ['ecdsa-sha512', 'p384'],
    ['ed25519', 'ed25519'],
  ] as const)('a signature %s by a %s key', (algorithm, key) => {
    const file = signProfile(payload(f), f.signing[key], algorithm);
    expect(importProfile(file, { trustAnchor: f.anchor[key], now }).boxId).toBe('box-0001.boxes.tibox.test');
  });

  it('a trust anchor given as a certificate', () => {
    const file = profileFile(f, undefined, 'ecdsa-sha384', f.ca.key);
    expect(importProfile(file, { trustAnchor: f.ca.cert, now }).boxId).toBe('box-0001.boxes.tibox.test');
  });

  it.each([
    ['the OpenSSL 3 default', 'default'],
    ['a -legacy', 'legacy'],
    ['an RSA', 'rsa'],
  ] as const)('%s PKCS#12 with the right password', (_, variant) => {
    const profile = importProfile(profileFile(f, (p) => (p.identity = { pkcs12: f.p12[variant] })), { trustAnchor: f.anchor.p384, now, password: P12_PASSWORD });
    expect(profile.identity.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(profile.identity.subject).toContain(variant === 'rsa' ? 'CN=rsa-box' : 'CN=box-p256.boxes.tibox.test');
  });
});

type Case = [name: string, code: ProfileErrorCode, file: () => Buffer, options?: { password?: string; at?: () => Date }];

const invalid = (change: (p: Record<string, unknown>) => void) => () => profileFile(f, change);
const p12 = (variant: keyof Fixtures['p12']) => () => profileFile(f, (p) => (p.identity = { pkcs12: f.p12[variant] }));

const CASES: Case[] = [
  ['an oversize upload', 'TIBOX_PROFILE_TOO_LARGE', () => Buffer.alloc(256 * 1024 + 1, 0x20)],
  ['a file that is not JSON', 'TIBOX_PROFILE_MALFORMED', () => Buffer.from('PK\x03\x04 not a profile')],
  ['a file that is not UTF-8', 'TIBOX_PROFILE_MALFORMED', () => Buffer.from([0x22, 0xff, 0x22])],
  ['a JSON list', 'TIBOX_PROFILE_MALFORMED', () => Buffer.from('[]')],
  ['a wrong format name', 'TIBOX_PROFILE_MALFORMED', () => editEnvelope(profileFile(f), (e) => (e.format = 'tibox-backup'))],
  ['an unknown envelope field', 'TIBOX_PROFILE_MALFORMED', () => editEnvelope(profileFile(f), (e) => (e.comment = 'x'))],
  ['a payload that is not base64', 'TIBOX_PROFILE_MALFORMED', () => editEnvelope(profileFile(f), (e) => (e.payload = 'not base64!'))],
  ['a signature that is not base64', 'TIBOX_PROFILE_MALFORMED', () => editEnvelope(profileFile(f), (e) => (e.signature = 'a b'))],
  ['an unknown signature algorithm', 'TIBOX_PROFILE_MALFORMED', () => editEnvelope(profileFile(f), (e) => (e.signatureAlgorithm = 'rsa-sha1'))],
  ['a signed payload that is not JSON', 'TIBOX_PROFILE_MALFORMED', () => signRaw(Buffer.from('{"boxId":'))],
  ['a missing signature', 'TIBOX_PROFILE_UNSIGNED', () => editEnvelope(profileFile(f), (e) => delete e.signature)],
  ['an empty signature', 'TIBOX_PROFILE_UNSIGNED', () => editEnvelope(profileFile(f), (e) => (e.signature = ''))],
  ['a foreign signature', 'TIBOX_PROFILE_BAD_SIGNATURE', () => profileFile(f, undefined, 'ecdsa-sha384', f.signing.foreign)],
  ['a tampered payload', 'TIBOX_PROFILE_BAD_SIGNATURE', () => editEnvelope(profileFile(f), (e) => (e.payload = Buffer.from(JSON.stringify(payload(f, (p) => (p.tiSegment = '10.77.13.0/26')))).toString('base64')))],
  ['a flipped signature bit', 'TIBOX_PROFILE_BAD_SIGNATURE', () => editEnvelope(profileFile(f), (e) => (e.signature = flipBit(e.signature as string)))],
  ['an Ed25519 algorithm name with the EC anchor', 'TIBOX_PROFILE_BAD_SIGNATURE', () => profileFile(f, undefined, 'ed25519', f.signing.ed25519)],
  ['an unsupported format version', 'TIBOX_PROFILE_UNSUPPORTED_VERSION', () => editEnvelope(profileFile(f), (e) => (e.version = 3))],
  ['a PKCS#12 without its password', 'TIBOX_PROFILE_PASSWORD_REQUIRED', p12('default')],
  ['a wrong PKCS#12 password', 'TIBOX_PROFILE_WRONG_PASSWORD', p12('default'), { password: 'wrong' }],
  ['a PKCS#12 in an unsupported cipher (Camellia)', 'TIBOX_PROFILE_BUNDLE_UNREADABLE', p12('camellia'), { password: P12_PASSWORD }],
  ['a PKCS#12 that is not PKCS#12', 'TIBOX_PROFILE_BUNDLE_UNREADABLE', invalid((p) => (p.identity = { pkcs12: 'MAMCAQA=' })), { password: P12_PASSWORD }],
  ['a PKCS#12 without a key', 'TIBOX_PROFILE_BUNDLE_INCOMPLETE', p12('noKey'), { password: P12_PASSWORD }],
  ['a PKCS#12 without a certificate', 'TIBOX_PROFILE_BUNDLE_INCOMPLETE', p12('noCert'), { password: P12_PASSWORD }],
  ['a key of another certificate', 'TIBOX_PROFILE_KEY_MISMATCH', invalid((p) => (p.identity = { certificate: f.box.p256.cert, privateKey: f.box.p384.key }))],
  ['an expired box certificate', 'TIBOX_PROFILE_CERT_EXPIRED', () => profileFile(f), { at: () => new Date(now.getTime() + BOX_DAYS * day) }],
  ['a box certificate not yet valid', 'TIBOX_PROFILE_CERT_NOT_YET_VALID', () => profileFile(f), { at: () => new Date(now.getTime() - 2 * day) }],
  ['a CA list with a leaf certificate', 'TIBOX_PROFILE_NOT_A_CA', invalid((p) => (p.caCertificates = [f.ca.cert, f.box.p384.cert]))],
  ['a box certificate from another CA', 'TIBOX_PROFILE_UNTRUSTED_CERT', invalid((p) => (p.identity = { certificate: f.foreignBox.cert, privateKey: f.foreignBox.key }))],
  ['a box certificate from a CA not in the list', 'TIBOX_PROFILE_UNTRUSTED_CERT', invalid((p) => (p.caCertificates = [f.foreignCa.cert]))],
  ['an invalid field value', 'TIBOX_PROFILE_INVALID_FIELD', invalid((p) => (p.tiSegment = '10.77.12.0/22'))],
];

/** A validly signed envelope around payload bytes that signProfile (which takes a value) cannot make. */
function signRaw(bytes: Buffer): Buffer {
  return editEnvelope(profileFile(f), (e) => {
    e.payload = bytes.toString('base64');
    e.signature = cryptoSign('sha384', bytes, f.signing.p384).toString('base64');
  });
}

function flipBit(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  return bytes.toString('base64');
}

describe('importProfile refuses, and profile.import writes nothing for', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tibox-profile-data-'));
  });

  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it.each(CASES)('%s (%s)', async (_, code, file, options = {}) => {
    const at = options.at?.() ?? now;
    const bytes = file();
    expect(() => importProfile(bytes, { trustAnchor: f.anchor.p384, now: at, password: options.password })).toThrow(expect.objectContaining({ code, name: 'ProfileError' }));
    const actions = new ControlActions();
    registerProfileActions(actions, { store: new ProfileStore(dataDir), trustAnchor: f.anchor.p384, now: () => at });
    const args = { profile: bytes.toString('base64'), ...(options.password === undefined ? {} : { password: options.password }) };
    await expect(actions.run('profile.import', args, { actor: 'test' })).rejects.toMatchObject({ code, status: code === 'TIBOX_PROFILE_TOO_LARGE' ? 413 : 422 });
    expect(await readdir(dataDir)).toEqual([]);
  });
});
