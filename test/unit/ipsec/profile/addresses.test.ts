import { describe, expect, it } from 'vitest';
import { cidrContains, cidrCovers, cidrsOverlap, formatIpv4, ipv4OfLiteral, isAligned, isHostname, isIpLiteral, parseCidr, parseIpv4 } from '../../../../src/ipsec/profile/addresses.ts';

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`test CIDR ${text} does not parse`);
  return parsed;
};

describe('parseIpv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.77.12.1', 0x0a4d0c01],
    ['255.255.255.255', 0xffffffff],
    ['010.0.0.1', undefined],
    ['256.0.0.1', undefined],
    ['1.2.3', undefined],
    ['1.2.3.4.5', undefined],
    ['1.2.3.-4', undefined],
    [' 1.2.3.4', undefined],
    ['', undefined],
  ])('%s -> %s', (text, want) => {
    expect(parseIpv4(text)).toBe(want);
  });

  it('formats back what it parsed', () => {
    expect(formatIpv4(0xc0000201)).toBe('192.0.2.1');
    expect(formatIpv4(parseIpv4('100.102.0.53') ?? -1)).toBe('100.102.0.53');
  });
});

describe('parseCidr and isAligned', () => {
  it.each([
    ['10.77.12.0/26', { network: 0x0a4d0c00, length: 26 }, true],
    ['0.0.0.0/0', { network: 0, length: 0 }, true],
    ['10.77.12.1/32', { network: 0x0a4d0c01, length: 32 }, true],
    ['10.77.12.1/26', { network: 0x0a4d0c01, length: 26 }, false],
    ['100.102.0.0/15', { network: 0x64660000, length: 15 }, true],
    ['100.103.0.0/15', { network: 0x64670000, length: 15 }, false],
  ])('%s', (text, want, aligned) => {
    expect(parseCidr(text)).toEqual(want);
    expect(isAligned(cidr(text))).toBe(aligned);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/08', '10.0.0/8', '10.0.0.0/', '/8', '10.0.0.0/8/8'])('refuses %s', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('cidrContains and cidrsOverlap', () => {
  it.each([
    ['100.64.0.0/10', '100.64.10.10', true],
    ['100.64.0.0/10', '100.127.255.255', true],
    ['100.64.0.0/10', '100.128.0.0', false],
    ['10.77.12.0/26', '10.77.12.63', true],
    ['10.77.12.0/26', '10.77.12.64', false],
    ['0.0.0.0/0', '255.255.255.255', true],
  ])('%s contains %s: %s', (prefix, address, want) => {
    expect(cidrContains(cidr(prefix), parseIpv4(address) ?? -1)).toBe(want);
  });

  it.each([
    ['100.64.0.0/10', '100.102.0.0/15', true],
    ['100.102.0.0/15', '100.64.0.0/10', true],
    ['10.77.12.0/26', '10.77.12.32/27', true],
    ['10.77.12.0/26', '10.77.12.64/26', false],
    ['10.77.12.0/26', '100.64.0.0/10', false],
    ['0.0.0.0/0', '10.0.0.0/8', true],
  ])('%s and %s overlap: %s', (a, b, want) => {
    expect(cidrsOverlap(cidr(a), cidr(b))).toBe(want);
  });
});

describe('cidrCovers', () => {
  it.each([
    ['100.102.0.0/15', '100.102.200.0/24', true],
    ['100.102.0.0/15', '100.102.0.0/15', true],
    ['100.102.200.0/24', '100.102.0.0/15', false],
    ['100.64.0.0/10', '100.128.0.0/24', false],
  ])('%s covers %s: %s', (outer, inner, want) => {
    expect(cidrCovers(cidr(outer), cidr(inner))).toBe(want);
  });
});

describe('ipv4OfLiteral', () => {
  it.each([
    ['100.64.0.1', 0x64400001],
    ['::ffff:100.64.0.1', 0x64400001],
    ['::FFFF:6440:0001', 0x64400001],
    ['0:0:0:0:0:ffff:6440:1', 0x64400001],
    ['2001:db8::1', undefined],
    ['::100.64.0.1', undefined],
    ['gw1.dc.tibox.test', undefined],
    ['::ffff:100.64.0.1%eth0', undefined],
  ])('%s -> %s', (text, want) => {
    expect(ipv4OfLiteral(text)).toBe(want);
  });
});

describe('names and literals', () => {
  it.each([
    ['gw1.dc.tibox.test', true],
    ['telematik', true],
    ['a-b.c', true],
    ['-a.b', false],
    ['a..b', false],
    ['a.b.', false],
    ['1.2.3.4', false],
    ['under_score.test', false],
    ['x'.repeat(64) + '.test', false],
    ['', false],
  ])('isHostname(%s) = %s', (text, want) => {
    expect(isHostname(text)).toBe(want);
  });

  it.each([
    ['198.51.100.10', true],
    ['2001:db8::10', true],
    ['fe80::1%eth0', false],
    ['gw1.dc.tibox.test', false],
  ])('isIpLiteral(%s) = %s', (text, want) => {
    expect(isIpLiteral(text)).toBe(want);
  });
});
