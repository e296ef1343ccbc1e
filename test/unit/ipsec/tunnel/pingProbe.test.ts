// The round trip the probe reads from ping's reply lines, which stretches the liveness windows on a slow line.
import { describe, expect, it } from 'vitest';
import { roundTripOf } from '../../../../src/ipsec/tunnel/pingProbe.ts';

describe('roundTripOf', () => {
  it.each<[string, number | undefined]>([
    ['64 bytes from 10.77.0.1: icmp_seq=1 ttl=64 time=0.052 ms', 0.052],
    ['64 bytes from 10.77.0.1: icmp_seq=12 ttl=62 time=183 ms', 183],
    // ping leaves the time out when the packet is too small to carry its timestamp.
    ['8 bytes from 10.77.0.1: icmp_seq=3 ttl=64', undefined],
    ['From 10.77.12.1 icmp_seq=4 Destination Host Unreachable', undefined],
  ])('%s', (line, want) => {
    expect(roundTripOf(line)).toBe(want);
  });
});
