import { describe, expect, it } from 'vitest';
import { espOverhead, tunnelMtuFor, type EspTransform } from '../../../../src/ipsec/pathMtu/espOverhead.ts';
import { mssFor } from '../../../../src/ipsec/pathMtu/mssClamp.ts';

const gcm16: EspTransform = { encryption: 'AES_GCM_16', keySize: 256, udpEncapsulated: true };
const cbcSha256: EspTransform = { encryption: 'AES_CBC', keySize: 256, integrity: 'HMAC_SHA2_256_128', udpEncapsulated: false };

describe('espOverhead', () => {
  it('adds up outer IPv4, UDP, SPI and sequence, IV and ICV for AES-GCM-16 in UDP (the profile default)', () => {
    // 20 + 8 + 8 + 8 + 16
    expect(espOverhead(gcm16, 4)).toEqual({ fixed: 60, align: 4, known: true });
  });

  it('leaves out the UDP header without NAT-T and pads CBC to its 16-byte blocks', () => {
    // 20 + 8 + 16 + 16
    expect(espOverhead(cbcSha256, 4)).toEqual({ fixed: 60, align: 16, known: true });
    expect(espOverhead({ ...cbcSha256, udpEncapsulated: true }, 4).fixed).toBe(68);
  });

  it('takes 40 bytes for an outer IPv6 header (IKE over IPv6)', () => {
    expect(espOverhead(gcm16, 6).fixed).toBe(80);
  });

  it.each<[string, EspTransform, number]>([
    ['AES-GCM-8', { encryption: 'AES_GCM_8', udpEncapsulated: false }, 44],
    ['ChaCha20-Poly1305', { encryption: 'CHACHA20_POLY1305', udpEncapsulated: false }, 52],
    ['AES-CBC with SHA-1', { encryption: 'AES_CBC', integrity: 'HMAC_SHA1_96', udpEncapsulated: false }, 56],
    ['AES-CBC with SHA-512', { encryption: 'AES_CBC', integrity: 'HMAC_SHA2_512_256', udpEncapsulated: false }, 76],
  ])('knows %s', (_name, transform, fixed) => {
    expect(espOverhead(transform, 4)).toMatchObject({ fixed, known: true });
  });

  it('assumes the largest overhead of any transform, NAT-T included, for one it does not know or before any tunnel', () => {
    const worst = { fixed: 20 + 8 + 8 + 16 + 32, align: 16, known: false };
    expect(espOverhead({ encryption: 'SERPENT_CBC', integrity: 'HMAC_SHA2_256_128', udpEncapsulated: false }, 4)).toEqual(worst);
    expect(espOverhead({ encryption: 'AES_CBC', udpEncapsulated: false }, 4)).toEqual(worst);
    expect(espOverhead(undefined, 4)).toEqual(worst);
  });
});

describe('tunnelMtuFor', () => {
  it.each([
    // (path - 60) down to 4 bytes, less trailer and one byte of padding
    [1500, 1437],
    [1492, 1429],
    [1460, 1397],
    [1452, 1389],
    [1428, 1365],
    [1400, 1337],
    [1280, 1217],
  ])('fits AES-GCM-16 in UDP into a path of %d with an inner MTU of %d', (path, mtu) => {
    const overhead = espOverhead(gcm16, 4);
    expect(tunnelMtuFor(path, overhead)).toBe(mtu);
  });

  it('keeps every inner size up to the tunnel MTU within the path, padding and all, also for CBC', () => {
    for (const transform of [gcm16, cbcSha256, undefined]) {
      for (let path = 1280; path <= 1500; path++) {
        const overhead = espOverhead(transform, 4);
        const mtu = tunnelMtuFor(path, overhead);
        // The worst padding any implementation adds: to the alignment, at least one byte.
        const outer = (inner: number) => overhead.fixed + Math.ceil((inner + 2 + 1) / overhead.align) * overhead.align;
        expect(outer(mtu)).toBeLessThanOrEqual(path);
        expect(outer(mtu + overhead.align)).toBeGreaterThan(path);
      }
    }
  });
});

describe('mssFor', () => {
  it('leaves 40 bytes of IPv4 and TCP headers', () => {
    expect(mssFor(1389)).toBe(1349);
  });
});
