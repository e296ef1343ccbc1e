import { describe, expect, it } from 'vitest';
import { ipv4OfLiteral, isHostname, isIpLiteral } from '../../../../src/ipsec/profile/addresses.ts';

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
