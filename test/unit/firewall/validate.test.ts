// The checks a desired state passes before anything of it is rendered: a table of refusals, each
// naming its field, and properties over generated host lists.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TiboxError } from '../../../src/core/errors.ts';
import { renderRuleset, validateFirewallDesired, validateFirewallInterfaces, type FirewallDesired, type RegisteredHost } from '../../../src/firewall/index.ts';
import { ONE_PVS_ONE_TERMINAL as OK, PVS, TERMINAL, WITHOUT_TERMINAL_BRIDGE } from './firewallDesired.ts';

const withHost = (host: Partial<RegisteredHost>): FirewallDesired => ({ ...OK, hosts: [{ ...PVS, ...host }] });
/** For the runtime checks: JSON from a store may hold anything. */
const anyway = (value: unknown) => value as FirewallDesired;

describe('validateFirewallDesired', () => {
  it('accepts the sample states', () => {
    expect(validateFirewallDesired(OK)).toEqual([]);
    expect(validateFirewallDesired({ ...OK, managementPrefix: '100.102.254.0/24', gateways: ['2001:db8::10'], ntp: true })).toEqual([]);
    expect(validateFirewallDesired({ ...OK, managementOverInternet: { address: '198.51.100.80', port: 8443 } })).toEqual([]);
  });

  it.each<[string, FirewallDesired, string, RegExp]>([
    ['not an object', anyway(null), '(desired)', /object/],
    ['an unknown back end', { ...OK, interfaces: { ...OK.interfaces, tunnel: anyway('wireguard') as never } }, 'interfaces.tunnel', /libipsec/],
    ['an interface name with a quote', { ...OK, interfaces: { ...OK.interfaces, lan: 'lan0"' } }, 'interfaces.lan', /interface name/],
    ['an interface name of 16 characters', { ...OK, interfaces: { ...OK.interfaces, wan: 'a'.repeat(16) } }, 'interfaces.wan', /1 to 15/],
    ['the same port twice', { ...OK, interfaces: { ...OK.interfaces, wan: 'lan0' } }, 'interfaces.wan', /differ from interfaces.lan/],
    ['loopback', { ...OK, interfaces: { ...OK.interfaces, terminalBridge: 'lo' } }, 'interfaces.terminalBridge', /loopback/],
    ["libipsec's device as a port", { ...OK, interfaces: { ...OK.interfaces, lan: 'ipsec0' } }, 'interfaces.lan', /ipsec0/],
    ['a segment with host bits', { ...OK, tiSegment: '10.77.12.1/26' }, 'tiSegment', /without host bits/],
    ['a segment too small for two halves', { ...OK, tiSegment: '10.77.12.0/30' }, 'tiSegment', /\/16 to \/29/],
    ['a half outside the segment', { ...OK, halves: { ...OK.halves, terminalHalf: '10.77.13.32/27' } }, 'halves.terminalHalf', /one half/],
    ['the same half twice', { ...OK, halves: { ...OK.halves, terminalHalf: '10.77.12.0/27', terminalGateway: '10.77.12.2' } }, 'halves.terminalHalf', /other half/],
    ['a gateway outside its half', { ...OK, halves: { ...OK.halves, lanGateway: '10.77.12.33' } }, 'halves.lanGateway', /host address of halves.lanHalf/],
    ["a half's broadcast address as its gateway", { ...OK, halves: { ...OK.halves, terminalGateway: '10.77.12.63' } }, 'halves.terminalGateway', /host address/],
    ['no practice-LAN address', { ...OK, practiceLanAddresses: [] }, 'practiceLanAddresses', /at least one/],
    ['a practice-LAN address in the segment', { ...OK, practiceLanAddresses: ['10.77.12.5'] }, 'practiceLanAddresses[0]', /outside tiSegment/],
    ['a practice-LAN address with a leading zero', { ...OK, practiceLanAddresses: ['192.168.1.02'] }, 'practiceLanAddresses[0]', /IPv4 address/],
    ['no TI prefix', { ...OK, tiPrefixes: [] }, 'tiPrefixes', /at least one/],
    ['a TI prefix wider than /8', { ...OK, tiPrefixes: ['0.0.0.0/0'] }, 'tiPrefixes[0]', /\/8 to \/32/],
    ['a TI prefix over the segment', { ...OK, tiPrefixes: ['10.0.0.0/8'] }, 'tiPrefixes[0]', /overlap tiSegment/],
    ['a management prefix outside the TI', { ...OK, managementPrefix: '192.0.2.0/24' }, 'managementPrefix', /inside one of tiPrefixes/],
    ['a management endpoint by name', { ...OK, managementOverInternet: { address: 'mgmt.dc.example', port: 443 } }, 'managementOverInternet.address', /IPv4 address/],
    ['a management endpoint inside the TI', { ...OK, managementOverInternet: { address: '100.102.200.10', port: 443 } }, 'managementOverInternet.address', /outside tiPrefixes/],
    ['a management endpoint in the segment', { ...OK, managementOverInternet: { address: '10.77.12.50', port: 443 } }, 'managementOverInternet.address', /outside tiSegment/],
    ['a management endpoint on port 0', { ...OK, managementOverInternet: { address: '198.51.100.80', port: 0 } }, 'managementOverInternet.port', /1 to 65535/],
    ['a management endpoint without its port', { ...OK, managementOverInternet: anyway({ address: '198.51.100.80' }) as never }, 'managementOverInternet.port', /1 to 65535/],
    ['a gateway by name', { ...OK, gateways: ['gw1.dc.example'] }, 'gateways[0]', /IPv4 or IPv6/],
    ['a gateway with a zone', { ...OK, gateways: ['fe80::1%wan0'] }, 'gateways[0]', /IPv4 or IPv6/],
    ['a gateway inside the TI', { ...OK, gateways: ['100.102.0.1'] }, 'gateways[0]', /outside tiSegment and tiPrefixes/],
    ['a gateway twice', { ...OK, gateways: ['2001:db8::1', '2001:DB8::1'] }, 'gateways[1]', /twice/],
    ['an MTU below IPv4 minimum', { ...OK, tunnelMtu: 500 }, 'tunnelMtu', /576 to 1500/],
    ['a fractional MTU', { ...OK, tunnelMtu: 1400.5 }, 'tunnelMtu', /whole number/],
    ['ntp as a word', { ...OK, ntp: anyway('yes') as never }, 'ntp', /true or false/],
    ['an empty host name', withHost({ name: '' }), 'hosts[0].name', /1 to 63 printable/],
    ['a host name with a newline', withHost({ name: 'a\nb' }), 'hosts[0].name', /printable/],
    ['a host name of 64 characters', withHost({ name: 'ü'.repeat(64) }), 'hosts[0].name', /1 to 63/],
    ['an unknown kind', withHost({ kind: anyway('printer') as never }), 'hosts[0].kind', /pvs/],
    ['a PVS host in the terminal half', withHost({ address: '10.77.12.40' }), 'hosts[0].address', /LAN half 10\.77\.12\.0\/27/],
    ['a host on the LAN half\'s network address', withHost({ address: '10.77.12.0' }), 'hosts[0].address', /host address/],
    ["a host on the box's own address", withHost({ address: '10.77.12.1' }), 'hosts[0].address', /box's own/],
    ['a MAC with dashes', withHost({ mac: '02-00-5e-10-00-10' }), 'hosts[0].mac', /MAC address like/],
    ['a multicast MAC', withHost({ mac: '01:00:5e:10:00:10' }), 'hosts[0].mac', /unicast/],
    ['the all-zero MAC', withHost({ mac: '00:00:00:00:00:00' }), 'hosts[0].mac', /unicast/],
    ['port 0', withHost({ cetpPorts: [0] }), 'hosts[0].cetpPorts[0]', /1 to 65535/],
    ['port 65536', withHost({ cetpPorts: [7001, 65_536] }), 'hosts[0].cetpPorts[1]', /1 to 65535/],
    ['a port as text', withHost({ cetpPorts: [anyway('7001') as never] }), 'hosts[0].cetpPorts[0]', /1 to 65535/],
    ['a port twice', withHost({ cetpPorts: [7001, 7001] }), 'hosts[0].cetpPorts[1]', /twice/],
    ['CETP ports on a terminal', { ...OK, hosts: [{ ...TERMINAL, cetpPorts: [7001] }] }, 'hosts[0].cetpPorts', /empty for a card terminal/],
    ['two hosts on one address', { ...OK, hosts: [PVS, { ...PVS, id: 9, mac: '02:00:5e:10:00:99' }] }, 'hosts[1].address', /hosts\[0\]/],
    ['two hosts with one MAC', { ...OK, hosts: [PVS, { ...PVS, id: 9, address: '10.77.12.11', mac: '02:00:5E:10:00:10' }] }, 'hosts[1].mac', /hosts\[0\]/],
    ['two hosts with one id', { ...OK, hosts: [PVS, { ...PVS, address: '10.77.12.11', mac: '02:00:5e:10:00:11' }] }, 'hosts[1].id', /hosts\[0\]/],
    ['an id of 0', withHost({ id: 0 }), 'hosts[0].id', /whole number from 1/],
    ['an id as text', withHost({ id: anyway('1') as never }), 'hosts[0].id', /whole number from 1/],
  ])('refuses %s', (_, desired, field, reason) => {
    const problems = validateFirewallDesired(desired);
    expect(problems).toContainEqual({ field, reason: expect.stringMatching(reason) });
  });

  it('keeps terminals in the LAN half without a terminal bridge', () => {
    const interfaces = WITHOUT_TERMINAL_BRIDGE;
    expect(validateFirewallDesired({ ...OK, interfaces })).toEqual([
      { field: 'hosts[0].address', reason: 'must be a host address of the LAN half 10.77.12.0/27 (there is no terminal bridge)' },
    ]);
    expect(validateFirewallDesired({ ...OK, interfaces, hosts: [{ ...TERMINAL, address: '10.77.12.20' }] })).toEqual([]);
  });

  it('lists every problem, not only the first', () => {
    const problems = validateFirewallDesired({ ...OK, tunnelMtu: 0, ntp: anyway(1) as never, hosts: [{ ...PVS, mac: 'x', cetpPorts: [0] }] });
    expect(problems.map((p) => p.field)).toEqual(['tunnelMtu', 'hosts[0].mac', 'hosts[0].cetpPorts[0]', 'ntp']);
  });
});

describe('validateFirewallInterfaces', () => {
  it('checks the interface names alone, as the config does when it is committed', () => {
    expect(validateFirewallInterfaces(OK.interfaces)).toEqual([]);
    expect(validateFirewallInterfaces({ ...OK.interfaces, lan: 'lo', wan: 'ipsec0' })).toEqual([
      { field: 'interfaces.lan', reason: 'must not be the loopback interface' },
      { field: 'interfaces.wan', reason: "must not be ipsec0: kernel-libipsec's tunnel device has that name, and a packet from it counts as decrypted" },
    ]);
  });

  it("names the port that takes the terminal bridge's name, not the bridge", () => {
    expect(validateFirewallInterfaces({ ...OK.interfaces, wan: 'br-term' })).toEqual([{ field: 'interfaces.wan', reason: 'must differ from interfaces.terminalBridge (br-term)' }]);
    expect(validateFirewallInterfaces({ ...OK.interfaces, lan: 'br-term' })).toEqual([{ field: 'interfaces.lan', reason: 'must differ from interfaces.terminalBridge (br-term)' }]);
  });
});

describe('renderRuleset with a refused desired state', () => {
  it('throws TIBOX_FIREWALL_INVALID naming the first problem, with all of them in the details', () => {
    let error: unknown;
    try {
      renderRuleset({ ...OK, tunnelMtu: 0, hosts: [{ ...PVS, mac: 'x' }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TiboxError);
    expect(error).toMatchObject({
      code: 'TIBOX_FIREWALL_INVALID',
      status: 422,
      message: 'the firewall desired state was refused: tunnelMtu must be a whole number from 576 to 1500',
      details: { problems: [{ field: 'tunnelMtu' }, { field: 'hosts[0].mac' }] },
    });
  });
});

/** Registered hosts with distinct addresses in the LAN half and distinct MACs, any names and ports. */
const hostLists = fc
  .uniqueArray(fc.integer({ min: 2, max: 30 }), { maxLength: 29 })
  .chain((offsets) =>
    fc.tuple(
      fc.constant(offsets),
      fc.array(fc.string({ minLength: 1, maxLength: 20 }).filter((name) => !/\p{C}/u.test(name)), { minLength: offsets.length, maxLength: offsets.length }),
      fc.array(fc.uniqueArray(fc.integer({ min: 1, max: 65_535 }), { maxLength: 4 }), { minLength: offsets.length, maxLength: offsets.length }),
    ),
  )
  .map(([offsets, names, ports]) =>
    offsets.map((offset, i): RegisteredHost => ({
      id: i + 1,
      name: names[i] ?? 'x',
      kind: 'pvs',
      address: `10.77.12.${offset}`,
      mac: `02:00:5e:00:00:${offset.toString(16).padStart(2, '0')}`,
      cetpPorts: ports[i] ?? [],
    })),
  );

describe('properties', () => {
  it('any well-formed host list passes and every host is in the sets once', () => {
    fc.assert(
      fc.property(hostLists, (hosts) => {
        expect(validateFirewallDesired({ ...OK, hosts })).toEqual([]);
        const ruleset = renderRuleset({ ...OK, hosts });
        for (const host of hosts) {
          expect(ruleset.split(`      ${host.address} . ${host.mac} comment `)).toHaveLength(2);
          for (const port of host.cetpPorts) expect(ruleset).toContain(`      ${host.address} . ${port},`);
        }
      }),
    );
  });

  it('text that is no dotted quad never passes as an address', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(text));
        expect(validateFirewallDesired(withHost({ address: text })).map((p) => p.field)).toContain('hosts[0].address');
        expect(validateFirewallDesired({ ...OK, practiceLanAddresses: [text] }).map((p) => p.field)).toContain('practiceLanAddresses[0]');
      }),
    );
  });
});
