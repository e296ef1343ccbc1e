// The profile store: a write saves one of two profiles that differ in every setting, in the key
// and the CA certificates (a new version directory, then the `current` symlink switched); the
// check loads it as the agent does at start.
import { readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ProfileStore } from '../../../src/ipsec/profile/store.ts';
import type { VpnProfile } from '../../../src/ipsec/profile/types.ts';
import { broken, reading, type KilledWriter, type StateName } from './writers.ts';

/** A PEM block of about the size of the real thing, its body told apart by `seed`. */
function pem(label: string, seed: string, lines: number): string {
  const body = Array.from({ length: lines }, (_, i) => Buffer.from(`${seed}:${i}:`.padEnd(48, seed)).toString('base64'));
  return `-----BEGIN ${label}-----\n${body.join('\n')}\n-----END ${label}-----\n`;
}

const STATES: Record<StateName, VpnProfile> = {
  A: {
    boxId: 'box-0042.tibox.example',
    gateways: { kind: 'addresses', addresses: ['198.51.100.10', '192.0.2.10'] },
    gatewayIds: ['gw.dc.example'],
    proposals: { ike: ['aes256gcm16-prfsha384-ecp384'], esp: ['aes256gcm16-ecp384'] },
    tiSegment: '10.77.12.0/26',
    tiPrefixes: ['100.64.0.0/10', '100.102.0.0/15'],
    connector: { addresses: ['100.102.4.10'], probe: { address: '100.102.4.10' } },
    tiDns: { servers: ['100.102.4.53'], domains: ['ti.example'] },
    management: { url: 'https://mgmt.dc.example/ddi', prefix: '100.64.20.0/24' },
    identity: {
      certificate: pem('CERTIFICATE', 'a-cert', 12),
      privateKey: pem('PRIVATE KEY', 'a-key', 4),
      subject: 'O=tibox test\nCN=box-0042.tibox.example',
      subjectAltNames: 'DNS:box-0042.tibox.example',
      notBefore: '2025-03-01T00:00:00.000Z',
      notAfter: '2027-03-01T00:00:00.000Z',
      fingerprint256: 'AA:01:02:03',
    },
    caCertificates: [pem('CERTIFICATE', 'a-root', 14), pem('CERTIFICATE', 'a-sub', 14)],
  },
  B: {
    boxId: 'box-0077.tibox.example',
    gateways: { kind: 'srv', srv: '_ike._udp.dc.example' },
    gatewayIds: ['gw1.dc.example', 'C=DE, O=Datacenter, CN=gw2'],
    proposals: { ike: ['aes128gcm16-prfsha256-ecp256'], esp: ['aes128gcm16-ecp256'] },
    tiSegment: '10.77.13.0/26',
    tiPrefixes: ['100.96.0.0/12'],
    connector: { addresses: ['100.102.5.10', '100.102.5.11'], probe: { address: '100.102.5.11' } },
    tiDns: { servers: ['100.102.5.53', '100.102.6.53'], domains: ['ti-dienste.example'] },
    management: { url: 'https://mgmt2.dc.example/ddi', prefix: '100.64.21.0/24' },
    identity: {
      certificate: pem('CERTIFICATE', 'b-cert', 13),
      privateKey: pem('PRIVATE KEY', 'b-key', 5),
      subject: 'O=tibox test\nCN=box-0077.tibox.example',
      subjectAltNames: 'DNS:box-0077.tibox.example, IP Address:10.77.13.1',
      notBefore: '2025-04-01T00:00:00.000Z',
      notAfter: '2027-04-01T00:00:00.000Z',
      fingerprint256: 'BB:04:05:06',
    },
    caCertificates: [pem('CERTIFICATE', 'b-root', 15)],
  },
};

export const profileWriter: KilledWriter = {
  async open(dir) {
    const store = new ProfileStore(dir);
    return { write: (state) => store.save(STATES[state]), close: async () => undefined };
  },

  check: (dir) =>
    reading(async () => {
      const profile = await new ProfileStore(dir).load();
      if (profile === undefined) return 'none';
      const state = (['A', 'B'] as const).find((s) => isDeepStrictEqual(profile, STATES[s]));
      return state ?? broken(`a profile that is neither state: box ${profile.boxId}, key ${profile.identity.privateKey.slice(0, 40)}…`);
    }),

  async tear(dir) {
    // A save that overwrote the current version's files in place, killed after the key and before the settings.
    const version = join(dir, 'profile', await readlink(join(dir, 'profile', 'current')));
    await writeFile(join(version, 'key.pem'), STATES.B.identity.privateKey);
  },
};
