import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatPrefix, lastAddress, networkOf } from '../../../src/core/ipv4.ts';
import { LanError } from '../../../src/lan/errors.ts';
import { checkAddressPlan, describeFindings, refusals, type PlanCheckInput } from '../../../src/lan/planCheck.ts';

const clean: PlanCheckInput = {
  tiSegment: '10.77.12.0/26',
  tiPrefixes: ['100.64.0.0/10', '100.102.0.0/15'],
  managementPrefix: '100.102.250.0/24',
  lan: { port: 'lan0', addresses: ['192.168.1.57/24', '192.168.100.1/24'] },
  wan: { port: 'wan0', addresses: ['192.168.178.2/24'] },
  routes: [
    { dst: '0.0.0.0/0', type: 'unicast', via: '192.168.178.1', dev: 'wan0', proto: 'dhcp' },
    { dst: '192.168.1.0/24', type: 'unicast', dev: 'lan0', proto: 'kernel' },
    { dst: '192.168.178.0/24', type: 'unicast', dev: 'wan0', proto: 'kernel' },
    { dst: '10.77.12.0/27', type: 'unicast', dev: 'lan0', proto: 'kernel' },
  ],
  gateways: ['198.51.100.10', '192.0.2.10', '2001:db8::1'],
};

const codes = (input: PlanCheckInput) => checkAddressPlan(input).map((f) => `${f.severity} ${f.code}`);

describe('checkAddressPlan', () => {
  it('finds nothing in a plan without collisions', () => {
    expect(checkAddressPlan(clean)).toEqual([]);
  });

  it('refuses a practice LAN that overlaps the TI segment, saying what to change', () => {
    expect(checkAddressPlan({ ...clean, lan: { port: 'lan0', addresses: ['10.77.12.57/24'] } })).toEqual([
      {
        code: 'lanOverlapsSegment',
        severity: 'refuse',
        params: { network: '10.77.12.0/24', address: '10.77.12.57', port: 'lan0', segment: '10.77.12.0/26' },
        message:
          "The practice LAN 10.77.12.0/24 (the box's address 10.77.12.57 on lan0) overlaps the TI segment 10.77.12.0/26: practice devices would " +
          "take TI addresses for local ones, and the practice router's DHCP could hand them out. " +
          'Renumber the practice LAN to a range outside 10.77.12.0/26, or ask the datacenter for a TI segment outside 10.77.12.0/24.',
      },
    ]);
  });

  it('warns about a carrier-grade NAT address on the WAN, naming the provider options', () => {
    const findings = checkAddressPlan({ ...clean, tiPrefixes: ['100.64.0.0/10'], managementPrefix: '100.102.0.0/24', wan: { port: 'wan0', addresses: ['100.72.3.4/10'] } });
    expect(findings.map((f) => f.message)).toEqual([
      'The WAN address 100.72.3.4 lies in the carrier-grade NAT range 100.64.0.0/10, which the TI also uses (TI prefix 100.64.0.0/10): ' +
        'the box still reaches the datacenter gateways, but not the hosts of its WAN network 100.64.0.0/10 outside the tunnel ' +
        "(the router's DNS, for example). Ask the provider for a public IPv4 address or DS-Lite, or put a router with a private " +
        'network such as 192.168.178.0/24 in front of the WAN port.',
    ]);
    expect(findings[0]?.severity).toBe('warn');
  });

  it.each<[string, Partial<PlanCheckInput>, string[]]>([
    ['a CGNAT WAN against two TI prefixes', { wan: { port: 'wan0', addresses: ['100.72.3.4/10'] } }, ['warn wanCarrierGradeNat', 'warn wanCarrierGradeNat']],
    ['a CGNAT WAN that misses the TI prefixes', { tiPrefixes: ['100.102.0.0/15'], wan: { port: 'wan0', addresses: ['100.72.3.4/16'] } }, []],
    [
      'a practice LAN inside the TI test environment',
      { tiPrefixes: [...clean.tiPrefixes, '172.16.0.0/12'], lan: { port: 'lan0', addresses: ['172.20.1.5/24'] } },
      ['refuse lanOverlapsTiPrefix'],
    ],
    ['the fallback inside the TI segment', { lan: { port: 'lan0', addresses: ['192.168.1.57/24', '10.77.12.50/28'] } }, ['refuse lanOverlapsSegment']],
    ['a WAN network over the TI segment', { wan: { port: 'wan0', addresses: ['10.77.12.100/24'] } }, ['refuse wanOverlapsSegment']],
    ['a private WAN inside a TI prefix', { tiPrefixes: [...clean.tiPrefixes, '172.16.0.0/12'], wan: { port: 'wan0', addresses: ['172.17.0.2/16'] } }, ['warn wanOverlapsTiPrefix']],
    [
      'a practice route into the TI test environment',
      { tiPrefixes: [...clean.tiPrefixes, '172.16.0.0/12'], routes: [...clean.routes, { dst: '172.16.0.0/16', type: 'unicast', via: '192.168.1.254', dev: 'lan0', proto: 'dhcp' }] },
      ['warn routeOverlapsTiPrefix'],
    ],
    ['a practice route over the TI segment', { routes: [...clean.routes, { dst: '10.0.0.0/8', type: 'unicast', via: '192.168.1.254', dev: 'lan0' }] }, ['warn routeOverlapsSegment']],
    ['a TI prefix over the segment, which also leaves management outside', { tiPrefixes: ['10.77.0.0/16'] }, ['refuse segmentOverlapsTiPrefix', 'refuse managementOutsideTi']],
    ['a gateway inside a TI prefix', { gateways: ['100.102.1.1'] }, ['refuse gatewayInTi']],
    ['a gateway in the practice LAN', { gateways: ['192.168.1.200'] }, ['refuse gatewayOnLan']],
    [
      'a gateway behind a practice route',
      { routes: [...clean.routes, { dst: '198.51.100.0/24', type: 'unicast', via: '192.168.1.254', dev: 'lan0' }] },
      ['warn gatewayNotViaWan'],
    ],
    ['a gateway behind an unreachable route', { routes: [...clean.routes, { dst: '192.0.2.0/24', type: 'unreachable' }] }, ['warn gatewayNotViaWan']],
    ['a blackhole route, which is no practice network', { routes: [...clean.routes, { dst: '100.64.0.0/10', type: 'blackhole' }] }, []],
    ['only an IPv6 gateway', { gateways: ['2001:db8::1'] }, []],
  ])('%s', (_name, change, expected) => {
    expect(codes({ ...clean, ...change })).toEqual(expected);
  });

  it('lists refusals first and each finding once, also for a fallback and a lease in one network', () => {
    const findings = checkAddressPlan({
      ...clean,
      lan: { port: 'lan0', addresses: ['10.77.12.57/24', '10.77.12.2/24'] },
      routes: [...clean.routes, { dst: '100.102.0.0/16', type: 'unicast', via: '192.168.1.254', dev: 'lan0' }],
      gateways: ['100.64.1.1'],
    });
    expect(findings.map((f) => `${f.severity} ${f.code}`)).toEqual([
      'refuse gatewayInTi',
      'refuse lanOverlapsSegment',
      'warn routeOverlapsTiPrefix',
      'warn routeOverlapsTiPrefix',
    ]);
    expect(refusals(findings).map((f) => f.code)).toEqual(['gatewayInTi', 'lanOverlapsSegment']);
    expect(describeFindings(refusals(findings))).toMatch(/^The datacenter gateway 100\.64\.1\.1 lies inside the TI prefix 100\.64\.0\.0\/10: .* Ask the datacenter for a corrected profile\. The practice LAN 10\.77\.12\.0\/24 /);
  });

  it.each<[Partial<PlanCheckInput>, string]>([
    [{ tiPrefixes: ['100.64.0.0/10', '100.102.0.1/15'] }, 'tiPrefixes[1]'],
    [{ tiSegment: 'ten' }, 'tiSegment'],
    [{ lan: { port: 'lan0', addresses: ['192.168.1.57'] } }, 'lan.addresses[0]'],
    [{ routes: [{ dst: '10.0.0.0/33', type: 'unicast' }] }, 'routes[0]'],
  ])('refuses malformed input %j with TIBOX_LAN_INVALID', (change, field) => {
    expect(() => checkAddressPlan({ ...clean, ...change })).toThrow(LanError);
    expect(() => checkAddressPlan({ ...clean, ...change })).toThrow(`LAN setting ${field}:`);
  });
});

describe('checkAddressPlan, properties', () => {
  const address = fc.integer({ min: 0, max: 2 ** 32 - 1 });
  const share = (a: { network: number; length: number }, b: { network: number; length: number }) =>
    Math.max(a.network, b.network) <= Math.min(lastAddress(a), lastAddress(b));

  it('finds any practice LAN that shares an address with the TI segment, and no other', () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 24, max: 28 }), address, fc.integer({ min: 8, max: 30 }), (s, sLen, l, lLen) => {
        const segment = networkOf(s, sLen);
        const lanNet = networkOf(l, lLen);
        const found = codes({ ...clean, tiSegment: formatPrefix(segment), tiPrefixes: ['1.0.0.0/8'], managementPrefix: '1.2.3.0/24', gateways: [], routes: [], wan: { port: 'wan0', addresses: [] }, lan: { port: 'lan0', addresses: [`${formatIpv4(l)}/${lLen}`] } });
        expect(found.includes('refuse lanOverlapsSegment')).toBe(share(segment, lanNet));
      }),
    );
  });

  it('finds any practice route that shares an address with a TI prefix, and no other', () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 8, max: 32 }), address, fc.integer({ min: 1, max: 32 }), (p, pLen, r, rLen) => {
        const prefix = networkOf(p, pLen);
        const route = networkOf(r, rLen);
        const found = codes({
          ...clean,
          tiSegment: '0.0.0.0/26',
          tiPrefixes: [formatPrefix(prefix)],
          managementPrefix: formatPrefix(prefix),
          lan: { port: 'lan0', addresses: [] },
          wan: { port: 'wan0', addresses: [] },
          gateways: [],
          routes: [{ dst: formatPrefix(route), type: 'unicast', via: '192.168.1.254', dev: 'lan0' }],
        });
        expect(found.includes('warn routeOverlapsTiPrefix')).toBe(share(prefix, route));
      }),
    );
  });
});
