import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipv4Attribute, ipv4OfAttribute } from '../../../src/core/rtnetlink.ts';

describe('IPv4 address attributes', () => {
  it('are four bytes in network order', () => {
    expect([...ipv4Attribute(0x0a4d0c01)]).toEqual([10, 77, 12, 1]);
    expect(ipv4OfAttribute(Buffer.from([255, 255, 255, 254]))).toBe(2 ** 32 - 2);
  });

  it('round-trip every address', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (address) => {
        expect(ipv4OfAttribute(ipv4Attribute(address))).toBe(address);
      }),
    );
  });
});
