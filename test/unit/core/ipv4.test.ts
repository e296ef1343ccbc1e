import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatInterfaceAddress, formatIpv4, formatPrefix, lastAddress, networkOf, parseInterfaceAddress, parseIpv4, parsePrefix, prefixContains,
  prefixCovers, prefixesOverlap,
} from '../../../src/core/ipv4.ts';

const prefix = fc.record({ address: fc.integer({ min: 0, max: 2 ** 32 - 1 }), length: fc.integer({ min: 0, max: 32 }) }).map((p) => networkOf(p.address, p.length));

describe('IPv4 parsing', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.77.12.1', 0x0a4d0c01],
    ['255.255.255.255', 2 ** 32 - 1],
  ])('reads %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(formatIpv4(value)).toBe(text);
  });

  it.each(['', '10.77.12', '10.77.12.1.5', '10.077.12.1', '256.1.1.1', '10.77.12.-1', ' 10.77.12.1', '::1', '1e1.1.1.1'])('refuses %j', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });

  it('reads prefixes without host bits only, and interface addresses with them', () => {
    expect(parsePrefix('10.77.12.0/26')).toEqual({ network: 0x0a4d0c00, length: 26 });
    expect(parsePrefix('0.0.0.0/0')).toEqual({ network: 0, length: 0 });
    for (const bad of ['10.77.12.1/26', '10.77.12.0/33', '10.77.12.0/026', '10.77.12.0', '10.77.12.0/']) expect(parsePrefix(bad)).toBeUndefined();
    expect(parseInterfaceAddress('10.77.12.33/27')).toEqual({ address: 0x0a4d0c21, length: 27 });
    expect(formatInterfaceAddress({ address: 0x0a4d0c21, length: 27 })).toBe('10.77.12.33/27');
    expect(parseInterfaceAddress('10.77.12.33')).toBeUndefined();
  });

  it('gives the network and last address of an address at a length', () => {
    const net = networkOf(parseIpv4('192.168.1.57') ?? 0, 24);
    expect(formatPrefix(net)).toBe('192.168.1.0/24');
    expect(formatIpv4(lastAddress(net))).toBe('192.168.1.255');
  });
});

describe('IPv4 prefix relations', () => {
  it('round-trips every prefix through its text', () => {
    fc.assert(
      fc.property(prefix, (p) => {
        expect(parsePrefix(formatPrefix(p))).toEqual(p);
      }),
    );
  });

  it('finds two prefixes overlapping exactly when they share an address', () => {
    fc.assert(
      fc.property(prefix, prefix, (a, b) => {
        const share = Math.max(a.network, b.network) <= Math.min(lastAddress(a), lastAddress(b));
        expect(prefixesOverlap(a, b)).toBe(share);
        expect(prefixesOverlap(b, a)).toBe(share);
      }),
    );
  });

  it('covers exactly when every address of the inner one is in the outer one', () => {
    fc.assert(
      fc.property(prefix, prefix, (outer, inner) => {
        const covers = prefixContains(outer, inner.network) && prefixContains(outer, lastAddress(inner));
        expect(prefixCovers(outer, inner)).toBe(covers);
      }),
    );
  });
});
