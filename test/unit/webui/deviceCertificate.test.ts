// The device certificate: its names, key and algorithms, made once and then kept.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeviceCertificate, loadOrCreateDeviceCertificate } from '../../../src/webui/index.ts';
import { tempDir } from '../control/helpers.ts';

const NOW = new Date('2026-03-01T10:00:00.000Z');
let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

describe('createDeviceCertificate', () => {
  it('names tibox.local and the LAN addresses, for serving TLS only, with an RSA 3072 key signed with SHA-256', () => {
    const made = createDeviceCertificate(['192.168.1.2', '10.77.12.1', '192.168.1.2'], NOW);
    const x509 = new X509Certificate(made.cert);
    expect(x509.subjectAltName).toBe('DNS:tibox.local, IP Address:192.168.1.2, IP Address:10.77.12.1');
    expect(x509.subject).toContain('CN=tibox.local');
    expect(x509.ca).toBe(false);
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(x509.checkPrivateKey(createPrivateKey(made.key))).toBe(true);
    expect(createPrivateKey(made.key).asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(new Date(x509.validFrom).getTime()).toBe(Math.floor(NOW.getTime() / 1000) * 1000);
    expect(new Date(x509.validTo).getUTCFullYear()).toBe(2036);
    expect(made.fingerprint256).toBe(x509.fingerprint256);
    expect(made.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('gives every box its own key and serial number', () => {
    const [a, b] = [createDeviceCertificate([], NOW), createDeviceCertificate([], NOW)];
    expect(a.fingerprint256).not.toBe(b.fingerprint256);
    expect(new X509Certificate(a.cert).serialNumber).not.toBe(new X509Certificate(b.cert).serialNumber);
  });
});

describe('loadOrCreateDeviceCertificate', () => {
  it('makes one at the first start (key 0600, certificate 0644) and keeps it after', async () => {
    let asked = 0;
    const addresses = async () => {
      asked++;
      return ['192.168.1.2'];
    };
    const first = await loadOrCreateDeviceCertificate(dir, addresses, () => NOW);
    expect(first.created).toBe(true);
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'cert.pem')).mode & 0o777).toBe(0o644);
    const again = await loadOrCreateDeviceCertificate(dir, addresses, () => NOW);
    expect([again.created, again.certificate.fingerprint256, asked]).toEqual([false, first.certificate.fingerprint256, 1]);
  });

  it('makes a new one when the kept key does not match its certificate or a file is broken', async () => {
    const first = await loadOrCreateDeviceCertificate(dir, async () => [], () => NOW);
    writeFileSync(join(dir, 'key.pem'), createDeviceCertificate([], NOW).key);
    const replaced = await loadOrCreateDeviceCertificate(dir, async () => [], () => NOW);
    expect(replaced.created).toBe(true);
    expect(replaced.certificate.fingerprint256).not.toBe(first.certificate.fingerprint256);
    writeFileSync(join(dir, 'cert.pem'), 'not a certificate');
    expect((await loadOrCreateDeviceCertificate(dir, async () => [], () => NOW)).created).toBe(true);
    expect(new X509Certificate(readFileSync(join(dir, 'cert.pem'))).fingerprint256).toMatch(/^[0-9A-F:]{95}$/);
  });
});
