import { describe, expect, it } from 'vitest';
import { parsePingOutcome } from '../../../../src/ipsec/pathMtu/dfProbe.ts';
import { cachedMtuOf, routeDestination } from '../../../../src/ipsec/pathMtu/pmtuCache.ts';

describe('parsePingOutcome', () => {
  it.each<[string, string, ReturnType<typeof parsePingOutcome>]>([
    ['a reply', 'PING 198.51.100.10 (198.51.100.10) 1424(1452) bytes of data.\n1432 bytes from 198.51.100.10: icmp_seq=1 ttl=63 time=0.055 ms\n', { kind: 'answered' }],
    ['a router\'s "fragmentation needed"', 'From 192.168.178.1 icmp_seq=1 Frag needed and DF set (mtu = 1452)\n', { kind: 'too-big', mtu: 1452 }],
    ['the kernel\'s cached path MTU', 'ping: local error: message too long, mtu=1452\n', { kind: 'too-big', mtu: 1452 }],
    ['an IPv6 "packet too big"', 'From 2001:db8::1 icmp_seq=1 Packet too big: mtu=1280\n', { kind: 'too-big', mtu: 1280 }],
    ['no route', 'From 192.168.178.1 icmp_seq=1 Destination Net Unreachable\n', { kind: 'unreachable' }],
    ['no answer', '1 packets transmitted, 0 received, 100% packet loss, time 0ms\n', { kind: 'silent' }],
  ])('reads %s', (_name, output, outcome) => {
    expect(parsePingOutcome(output)).toEqual(outcome);
  });
});

describe('cachedMtuOf', () => {
  it('reads the MTU the kernel learnt for an address from its route metric, in the host\'s byte order, and none where it has not', () => {
    expect(cachedMtuOf(Buffer.from([0xac, 0x05, 0, 0]), 'LE')).toBe(1452);
    expect(cachedMtuOf(Buffer.from([0, 0, 0x05, 0xac]), 'BE')).toBe(1452);
    expect(cachedMtuOf(undefined)).toBeUndefined();
    expect(cachedMtuOf(Buffer.alloc(4))).toBeUndefined();
    expect(cachedMtuOf(Buffer.from([1, 2]))).toBeUndefined();
  });
});

describe('routeDestination', () => {
  const hex = (address: string) => {
    const { family, dst, dstLen } = routeDestination(address);
    return `${family} ${dstLen} ${dst.toString('hex')}`;
  };
  it('names an IPv4 or IPv6 gateway as a route request does, and refuses anything else', () => {
    expect(hex('198.51.100.10')).toBe('2 32 c633640a');
    expect(hex('2001:db8::10')).toBe('10 128 20010db8000000000000000000000010');
    expect(hex('::1')).toBe('10 128 00000000000000000000000000000001');
    expect(hex('fe80::')).toBe('10 128 fe800000000000000000000000000000');
    expect(hex('2001:db8:1:2:3:4:5:6')).toBe('10 128 20010db8000100020003000400050006');
    expect(() => routeDestination('gw.example')).toThrow("'gw.example' is not an IP address a gateway has");
  });
});
