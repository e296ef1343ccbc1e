import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../../../src/core/ipv4.ts';
import { cleanSighting, parseDnsmasqLeases, type DhcpSighting } from '../../../../src/lan/inventory/dhcp.ts';

const NOW = new Date('2025-05-02T08:00:00.000Z');
const nowS = NOW.getTime() / 1000;

describe('parseDnsmasqLeases', () => {
  it('reads the current IPv4 leases: expiry, MAC, address, host name or *, client id', () => {
    const file = [
      `${nowS + 3600} 02:00:5e:10:00:40 10.77.12.40 ORGA6141-0123 01:02:00:5e:10:00:40`,
      `0 02:00:5E:10:00:41 10.77.12.41 * *`,
      `${nowS - 1} 02:00:5e:10:00:42 10.77.12.42 expired *`,
      `${nowS + 3600} 06-02:00:5e:10:00:43 10.77.12.43 not-ethernet *`,
      'duid 00:01:00:01:2c:5f:1a:2b:02:00:5e:10:00:01',
      `${nowS + 3600} 1234 fd00::40 v6-lease 00:01:00:01`,
      '',
    ].join('\n');
    expect(parseDnsmasqLeases(file, NOW)).toEqual([
      { mac: '02:00:5e:10:00:40', address: '10.77.12.40', hostname: 'ORGA6141-0123', at: NOW.toISOString() },
      { mac: '02:00:5e:10:00:41', address: '10.77.12.41', at: NOW.toISOString() },
    ]);
  });
});

describe('cleanSighting', () => {
  it('keeps printable text and drops the rest, bounded in length', () => {
    expect(cleanSighting({ mac: '02-00-5E-10-00-40', address: '10.77.12.40', hostname: 'KT\u0000\u001b[31m-1', vendorClass: 'x'.repeat(100) }, NOW)).toEqual({
      mac: '02:00:5e:10:00:40', address: '10.77.12.40', hostname: 'KT[31m-1', vendorClass: 'x'.repeat(64), at: NOW.toISOString(),
    });
    expect(cleanSighting({ mac: '02:00:5e:10:00:40', address: '10.77.12.40', hostname: '\u0007', vendorClass: 42 }, NOW)).toEqual({
      mac: '02:00:5e:10:00:40', address: '10.77.12.40', at: NOW.toISOString(),
    });
  });

  it.each([
    [{ mac: 'ff:ff:ff:ff:ff:ff', address: '10.77.12.40' }],
    [{ mac: '02:00:5e:10:00:40', address: '10.77.12.400' }],
    [{ mac: 42, address: '10.77.12.40' }],
    [{ mac: '02:00:5e:10:00:40', address: 42 }],
  ])('drops %j', (raw) => {
    expect(cleanSighting(raw, NOW)).toBeUndefined();
  });

  it('keeps a request that got no address: dnsmasq leases only to registered terminals', () => {
    for (const address of [undefined, null, '']) {
      expect(cleanSighting({ mac: '02:00:5e:10:00:40', address, vendorClass: 'ORGA' }, NOW)).toEqual({ mac: '02:00:5e:10:00:40', vendorClass: 'ORGA', at: NOW.toISOString() });
    }
  });
});

// SECURITY.md: parsers of outside input never crash on random bytes.
describe('DHCP input from outside', () => {
  const valid = (s: DhcpSighting) => {
    expect(s.mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    if (s.address !== undefined) expect(parseIpv4(s.address)).toBeDefined();
    for (const text of [s.hostname, s.vendorClass]) if (text !== undefined) expect(text).toMatch(/^[\x20-\x7e]{1,64}$/);
  };

  it('a lease file of random bytes or random lines never throws and yields only valid sightings', () => {
    const line = fc.tuple(fc.oneof(fc.nat().map(String), fc.string()), fc.oneof(fc.constant('02:00:5e:10:00:40'), fc.string()), fc.oneof(fc.ipV4(), fc.string()), fc.string())
      .map((parts) => parts.join(' '));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')), fc.array(line, { maxLength: 8 }).map((l) => l.join('\n'))), (text) => {
        parseDnsmasqLeases(text, NOW).forEach(valid);
      }),
    );
  });

  it('a hook call with any values never throws and yields only valid sightings', () => {
    fc.assert(
      fc.property(fc.record({ mac: fc.anything(), address: fc.oneof(fc.ipV4(), fc.anything()), hostname: fc.anything(), vendorClass: fc.string({ unit: 'grapheme' }) }), (raw) => {
        const sighting = cleanSighting(raw, NOW);
        if (sighting) valid(sighting);
      }),
    );
  });
});
