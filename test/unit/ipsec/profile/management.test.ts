// Format version 2: remote management's own identity (a client certificate and the CAs of the
// management server) under `management`, checked on import and kept by the store with its key
// in a file of its own; a version 1 profile keeps working without it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { processRunner } from '../../../../src/core/runner.ts';
import { importProfile, ProfileStore } from '../../../../src/ipsec/profile/index.ts';
import { editEnvelope, makeFixtures, profileFile, type Fixtures } from './fixtures.ts';

let f: Fixtures;
let now: Date;
let serverOnly: { cert: string; key: string };

beforeAll(async () => {
  f = await makeFixtures();
  now = new Date(new X509Certificate(f.box.p256.cert).validFromDate.getTime() + 86_400_000);
  // A certificate of the management CA that may only serve TLS, not authenticate a client.
  const cert = join(f.dir, 'server-only.pem');
  const key = join(f.dir, 'server-only.key');
  await processRunner.run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc', '-keyout', key, '-out', cert, '-days', '30',
    '-CA', join(f.dir, 'foreign-ca.pem'), '-CAkey', join(f.dir, 'foreign-ca.key'), '-subj', '/CN=server-only',
    '-addext', 'extendedKeyUsage=serverAuth',
  ]);
  serverOnly = { cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') };
}, 60_000);
afterAll(() => f.cleanup());

// The management CA is another CA than the gateways' (the fixtures' foreign CA), as a datacenter may run it.
const v2 = (change: (management: Record<string, unknown>) => void = () => undefined) =>
  profileFile(f, (p) => {
    p.version = 2;
    const management: Record<string, unknown> = {
      ...(p.management as Record<string, unknown>),
      identity: { certificate: f.foreignBox.cert, privateKey: f.foreignBox.key },
      caCertificates: [f.foreignCa.cert],
    };
    change(management);
    p.management = management;
  });

const load = (bytes: Buffer) => importProfile(bytes, { trustAnchor: f.anchor.p384, now });
const refusal = (bytes: Buffer) => {
  try {
    load(bytes);
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
  throw new Error('accepted');
};

describe('profile format version 2', () => {
  it('brings the management identity and CAs, beside the unchanged tunnel identity', () => {
    const profile = load(v2());
    expect(profile.managementIdentity?.identity).toMatchObject({
      subjectAltNames: 'DNS:box-foreign.boxes.tibox.test',
      privateKey: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----/),
      fingerprint256: new X509Certificate(f.foreignBox.cert).fingerprint256,
    });
    expect(profile.managementIdentity?.caCertificates).toEqual([new X509Certificate(f.foreignCa.cert).toString()]);
    expect(profile.identity.subjectAltNames).toBe('DNS:box-p256.boxes.tibox.test');
    expect(profile.management).toEqual({ url: 'https://mgmt.dc.tibox.test', prefix: '100.102.200.0/24' });
  });

  it('leaves a version 1 profile without remote management', () => {
    expect(load(profileFile(f)).managementIdentity).toBeUndefined();
  });

  it.each([
    ['no management identity', () => v2((m) => delete m.identity), 'TIBOX_PROFILE_INVALID_FIELD: profile field management.identity: is missing'],
    ['a management key of another certificate', () => v2((m) => (m.identity = { certificate: f.foreignBox.cert, privateKey: f.box.p256.key })), 'TIBOX_PROFILE_KEY_MISMATCH: the private key does not belong to the box certificate'],
    ['a management certificate the management CAs did not issue', () => v2((m) => (m.identity = { certificate: f.box.p256.cert, privateKey: f.box.p256.key })), /^TIBOX_PROFILE_INVALID_FIELD: profile field management\.identity\.certificate: \(.*box-p256.*\) was not issued by a CA in management\.caCertificates$/],
    ['a management certificate without clientAuth', () => v2((m) => (m.identity = { certificate: serverOnly.cert, privateKey: serverOnly.key })), 'TIBOX_PROFILE_INVALID_FIELD: profile field management.identity.certificate: lacks the extended key usage clientAuth that mutual TLS needs'],
    ['a management "CA" that is no CA', () => v2((m) => (m.caCertificates = [f.foreignBox.cert])), /^TIBOX_PROFILE_INVALID_FIELD: profile field management\.caCertificates\[0\]: \(.*\) is not a CA certificate/],
    ['a management identity in a version 1 payload', () => profileFile(f, (p) => (p.management = { ...(p.management as object), identity: {} })), 'TIBOX_PROFILE_INVALID_FIELD: profile field management.identity: is not a known field'],
    ['a version 1 payload in a version 2 envelope', () => editEnvelope(profileFile(f), (e) => (e.version = 2)), 'TIBOX_PROFILE_INVALID_FIELD: profile field version: must be 2, the version named by the envelope'],
  ])('refuses %s', (_name, bytes, expected) => {
    const message = refusal(bytes());
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('is kept by the store with the management key in its own 0600 file, and read back whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tibox-store-'));
    try {
      const store = new ProfileStore(dir);
      const profile = load(v2());
      await store.save(profile);
      expect(await store.load()).toEqual(profile);
      const version = join(dir, 'profile', 'current');
      const json = await readFile(join(version, 'profile.json'), 'utf8');
      expect(json).not.toContain('PRIVATE KEY');
      expect((await stat(join(version, 'management-key.pem'))).mode & 0o777).toBe(0o600);
      // A version 1 profile saved over it leaves no management key behind.
      await store.save(load(profileFile(f)));
      expect((await store.load())?.managementIdentity).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
