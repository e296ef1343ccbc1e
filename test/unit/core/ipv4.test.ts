import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatInterfaceAddress, formatIpv4, formatPrefix, isHostAddress, lastAddress, netmask, networkOf, parseInterfaceAddress, parseIpv4, parsePrefix,
  prefixContains, prefixCovers, prefixesOverlap, prefixSize, splitPrefix, type Ipv4Prefix,
} from '../../../src/core/ipv4.ts';

const address = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const length = fc.integer({ min: 0, max: 32 });
const prefix = fc.record({ address, length }).map((p) => networkOf(p.address, p.length));
/** Where in a prefix, as a fraction of its size: random addresses would rarely fall into a small one. */
const offset = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** A prefix from text the test knows is one. */
function known(text: string): Ipv4Prefix {
  const parsed = parsePrefix(text);
  if (!parsed) throw new Error(`test prefix ${text} does not parse`);
  return parsed;
}

describe('IPv4 parsing', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.77.12.1', 0x0a4d0c01],
    ['192.0.2.1', 0xc0000201],
    ['100.102.0.53', 0x64660035],
    ['255.255.255.255', 2 ** 32 - 1],
  ])('reads %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(formatIpv4(value)).toBe(text);
  });

  it.each([
    '', '10.77.12', '10.77.12.1.5', '10.077.12.1', '010.0.0.1', '256.1.1.1', '10.77.12.-1', ' 10.77.12.1', '::1', '1e1.1.1.1', '0x1.1.1.1',
  ])('refuses %j', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });

  it.each([
    ['10.77.12.0/26', { address: 0x0a4d0c00, length: 26 }, true],
    ['0.0.0.0/0', { address: 0, length: 0 }, true],
    ['10.77.12.1/32', { address: 0x0a4d0c01, length: 32 }, true],
    ['10.77.12.1/26', { address: 0x0a4d0c01, length: 26 }, false],
    ['100.102.0.0/15', { address: 0x64660000, length: 15 }, true],
    ['100.103.0.0/15', { address: 0x64670000, length: 15 }, false],
  ])('reads %s as an interface address, and as a prefix only without host bits', (text, slashed, isPrefix) => {
    expect(parseInterfaceAddress(text)).toEqual(slashed);
    expect(formatInterfaceAddress(slashed)).toBe(text);
    expect(parsePrefix(text)).toEqual(isPrefix ? { network: slashed.address, length: slashed.length } : undefined);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/08', '10.77.12.0/026', '10.0.0/8', '10.0.0.0/', '/8', '10.0.0.0/8/8', '10.0.0.0 /8'])('refuses %j as either', (text) => {
    expect(parseInterfaceAddress(text)).toBeUndefined();
    expect(parsePrefix(text)).toBeUndefined();
  });

  it('gives the network, netmask and last address of an address at a length', () => {
    const net = networkOf(parseIpv4('192.168.1.57') ?? 0, 24);
    expect(formatPrefix(net)).toBe('192.168.1.0/24');
    expect(formatIpv4(lastAddress(net))).toBe('192.168.1.255');
    expect(formatIpv4(netmask(27))).toBe('255.255.255.224');
    expect(formatIpv4(netmask(0))).toBe('0.0.0.0');
    expect(formatIpv4(netmask(32))).toBe('255.255.255.255');
  });
});

describe('IPv4 prefix relations', () => {
  it.each([
    ['100.64.0.0/10', '100.64.10.10', true],
    ['100.64.0.0/10', '100.127.255.255', true],
    ['100.64.0.0/10', '100.128.0.0', false],
    ['10.77.12.0/26', '10.77.12.63', true],
    ['10.77.12.0/26', '10.77.12.64', false],
    ['0.0.0.0/0', '255.255.255.255', true],
  ])('%s contains %s: %s', (outer, inner, want) => {
    expect(prefixContains(known(outer), parseIpv4(inner) ?? -1)).toBe(want);
  });

  it.each([
    ['100.64.0.0/10', '100.102.0.0/15', true],
    ['100.102.0.0/15', '100.64.0.0/10', true],
    ['10.77.12.0/26', '10.77.12.32/27', true],
    ['10.77.12.0/26', '10.77.12.64/26', false],
    ['10.77.12.0/26', '100.64.0.0/10', false],
    ['0.0.0.0/0', '10.0.0.0/8', true],
  ])('%s and %s overlap: %s', (a, b, want) => {
    expect(prefixesOverlap(known(a), known(b))).toBe(want);
  });

  it.each([
    ['100.102.0.0/15', '100.102.200.0/24', true],
    ['100.102.0.0/15', '100.102.0.0/15', true],
    ['100.102.200.0/24', '100.102.0.0/15', false],
    ['100.64.0.0/10', '100.128.0.0/24', false],
  ])('%s covers %s: %s', (outer, inner, want) => {
    expect(prefixCovers(known(outer), known(inner))).toBe(want);
  });

  it.each([
    ['10.77.12.0/27', '10.77.12.1', true],
    ['10.77.12.0/27', '10.77.12.30', true],
    ['10.77.12.0/27', '10.77.12.0', false],
    ['10.77.12.0/27', '10.77.12.31', false],
    ['10.77.12.0/27', '10.77.12.32', false],
    ['10.77.12.0/31', '10.77.12.1', false],
    ['10.77.12.1/32', '10.77.12.1', false],
  ])('%s has the host address %s: %s', (outer, host, want) => {
    expect(isHostAddress(known(outer), parseIpv4(host) ?? -1)).toBe(want);
  });

  it('splits a prefix into its halves, and a /32 into none', () => {
    expect(splitPrefix(known('10.77.12.0/26'))?.map(formatPrefix)).toEqual(['10.77.12.0/27', '10.77.12.32/27']);
    expect(splitPrefix(known('0.0.0.0/0'))?.map(formatPrefix)).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
    expect(splitPrefix(known('10.77.12.1/32'))).toBeUndefined();
  });
});

describe('IPv4 properties', () => {
  it('round-trips every address through its text', () => {
    fc.assert(
      fc.property(address, (a) => {
        expect(parseIpv4(formatIpv4(a))).toBe(a);
      }),
    );
  });

  it('round-trips every prefix and interface address through its text', () => {
    fc.assert(
      fc.property(prefix, address, length, (p, a, l) => {
        expect(parsePrefix(formatPrefix(p))).toEqual(p);
        expect(parseInterfaceAddress(formatInterfaceAddress({ address: a, length: l }))).toEqual({ address: a, length: l });
      }),
    );
  });

  it('reads an address with host bits as an interface address only', () => {
    fc.assert(
      fc.property(address, length, (a, l) => {
        const text = formatInterfaceAddress({ address: a, length: l });
        expect(parsePrefix(text) !== undefined).toBe(networkOf(a, l).network === a);
      }),
    );
  });

  it('agrees with the bitwise netmask on the network of an address', () => {
    fc.assert(
      fc.property(address, length, (a, l) => {
        expect(networkOf(a, l).network).toBe((a & netmask(l)) >>> 0);
      }),
    );
  });

  it('contains every address from the first to the last, and neither neighbour outside', () => {
    fc.assert(
      fc.property(prefix, offset, (p, at) => {
        const inside = p.network + Math.floor(at * prefixSize(p.length));
        expect(prefixContains(p, inside)).toBe(true);
        expect(prefixContains(p, p.network)).toBe(true);
        expect(prefixContains(p, lastAddress(p))).toBe(true);
        if (p.network > 0) expect(prefixContains(p, p.network - 1)).toBe(false);
        if (lastAddress(p) < 2 ** 32 - 1) expect(prefixContains(p, lastAddress(p) + 1)).toBe(false);
      }),
    );
  });

  it('finds overlap symmetric, exactly when one prefix contains the network of the other', () => {
    fc.assert(
      fc.property(prefix, prefix, (a, b) => {
        const oneHoldsTheOther = prefixContains(a, b.network) || prefixContains(b, a.network);
        expect(prefixesOverlap(a, b)).toBe(prefixesOverlap(b, a));
        expect(prefixesOverlap(a, b)).toBe(oneHoldsTheOther);
      }),
    );
  });

  it('finds two prefixes overlapping exactly when they share an address', () => {
    fc.assert(
      fc.property(prefix, prefix, (a, b) => {
        const share = Math.max(a.network, b.network) <= Math.min(lastAddress(a), lastAddress(b));
        expect(prefixesOverlap(a, b)).toBe(share);
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

  it('splits a prefix into two halves that partition it exactly', () => {
    fc.assert(
      fc.property(prefix.filter((p) => p.length < 32), offset, address, (p, at, a) => {
        const [lower, upper] = splitPrefix(p) ?? [];
        if (!lower || !upper) throw new Error(`${formatPrefix(p)} has no halves`);
        expect([lower.length, upper.length]).toEqual([p.length + 1, p.length + 1]);
        expect(lower.network).toBe(p.network);
        expect(upper.network).toBe(lastAddress(lower) + 1);
        expect(lastAddress(upper)).toBe(lastAddress(p));
        expect(prefixesOverlap(lower, upper)).toBe(false);
        const holding = (x: number) => [lower, upper].filter((half) => prefixContains(half, x)).length;
        expect(holding(p.network + Math.floor(at * prefixSize(p.length)))).toBe(1);
        expect(holding(a)).toBe(prefixContains(p, a) ? 1 : 0);
      }),
    );
  });
});
