import { describe, expect, it } from 'vitest';
import { gatewayAddresses, resolveGatewayAddresses, type AddressResolver } from '../../../../src/ipsec/profile/gatewayAddresses.ts';
import { memoryLogger } from '../../control/helpers.ts';

const TI = ['10.77.12.0/26', '100.64.0.0/10', '100.102.0.0/15'];

describe('gatewayAddresses', () => {
  const names = new Map([
    ['gw1.dc.tibox.test', ['198.51.100.10']],
    ['gw2.dc.tibox.test', ['192.0.2.10']],
    ['rr.dc.tibox.test', ['198.51.100.12', '198.51.100.11', '2001:DB8:0::12']],
    ['twin.dc.tibox.test', ['198.51.100.10']],
    ['inside.dc.tibox.test', ['100.64.0.1', '198.51.100.20']],
  ]);

  it.each([
    { name: 'an IPv4 literal', gateways: ['192.0.2.99'], addresses: ['192.0.2.99'], leftOut: [] },
    { name: 'a name with several A records (and an AAAA)', gateways: ['rr.dc.tibox.test'], addresses: ['198.51.100.11', '198.51.100.12', '2001:db8::12'], leftOut: [] },
    { name: 'the two targets of an SRV record', gateways: ['gw1.dc.tibox.test', 'gw2.dc.tibox.test'], addresses: ['192.0.2.10', '198.51.100.10'], leftOut: [] },
    {
      name: 'a name that did not resolve, beside one that did',
      gateways: ['gw9.dc.tibox.test', 'gw1.dc.tibox.test'],
      addresses: ['198.51.100.10'],
      leftOut: [{ gateway: 'gw9.dc.tibox.test', reason: 'not resolved' }],
    },
    { name: 'an IPv6 literal, in one spelling', gateways: ['2001:DB8:0:0::10', '2001:db8::10'], addresses: ['2001:db8::10'], leftOut: [] },
    { name: 'an IPv4-mapped IPv6 literal, as the IPv4 address charon sends to', gateways: ['::ffff:192.0.2.7'], addresses: ['192.0.2.7'], leftOut: [] },
    { name: 'two names of one address', gateways: ['gw1.dc.tibox.test', 'twin.dc.tibox.test'], addresses: ['198.51.100.10'], leftOut: [] },
    {
      name: 'an address a name resolves to inside the TI prefixes',
      gateways: ['inside.dc.tibox.test'],
      addresses: ['198.51.100.20'],
      leftOut: [{ gateway: 'inside.dc.tibox.test', reason: 'routed into the tunnel', address: '100.64.0.1' }],
    },
  ])('$name', ({ gateways, addresses, leftOut }) => {
    expect(gatewayAddresses(gateways, names, TI)).toEqual({ addresses, leftOut });
  });
});

/** A resolver answering from tables; a name in neither table is NXDOMAIN, an Error entry is thrown. */
function resolver(a: Record<string, string[] | Error>, aaaa: Record<string, string[] | Error> = {}): AddressResolver & { asked: string[] } {
  const asked: string[] = [];
  const answer = (table: Record<string, string[] | Error>, type: string, name: string) => {
    asked.push(`${type} ${name}`);
    const entry = table[name];
    if (entry instanceof Error) return Promise.reject(entry);
    if (entry) return Promise.resolve(entry);
    const code = name in a || name in aaaa ? 'ENODATA' : 'ENOTFOUND';
    return Promise.reject(Object.assign(new Error(`query${type} ${code} ${name}`), { code }));
  };
  return { asked, resolve4: (name) => answer(a, 'A', name), resolve6: (name) => answer(aaaa, 'Aaaa', name) };
}

const timeout = (name: string) => Object.assign(new Error(`queryA ETIMEOUT ${name}`), { code: 'ETIMEOUT' });

describe('resolveGatewayAddresses', () => {
  it('asks A and AAAA once for each name, never for a literal', async () => {
    const dns = resolver({ 'gw1.dc.tibox.test': ['198.51.100.10'] }, { 'gw1.dc.tibox.test': ['2001:db8::1'] });
    const { log } = memoryLogger();
    const result = await resolveGatewayAddresses(['gw1.dc.tibox.test', '192.0.2.10', 'gw1.dc.tibox.test'], dns, { routedIntoTunnel: TI, log });
    expect(result.addresses).toEqual(['192.0.2.10', '198.51.100.10', '2001:db8::1']);
    expect(dns.asked.sort()).toEqual(['A gw1.dc.tibox.test', 'Aaaa gw1.dc.tibox.test']);
    expect(result.failed).toEqual([]);
    expect([...result.names]).toEqual([['gw1.dc.tibox.test', ['198.51.100.10', '2001:db8::1']]]);
  });

  it('leaves out a name that does not resolve, with a log line naming it', async () => {
    const { log, lines } = memoryLogger();
    const result = await resolveGatewayAddresses(['gw1.dc.tibox.test', 'gw9.dc.tibox.test'], resolver({ 'gw1.dc.tibox.test': ['198.51.100.10'] }), { routedIntoTunnel: TI, log });
    expect(result.addresses).toEqual(['198.51.100.10']);
    expect(result.failed).toEqual(['gw9.dc.tibox.test']);
    expect(lines()).toContainEqual(expect.objectContaining({ level: 40, gateway: 'gw9.dc.tibox.test', msg: 'gateway name not resolved: the firewall takes no IKE from it' }));
  });

  it('keeps the addresses a name resolved to last while the resolver does not answer for it', async () => {
    const { log, lines } = memoryLogger();
    const previous = new Map([['gw1.dc.tibox.test', ['198.51.100.10']]]);
    const result = await resolveGatewayAddresses(['gw1.dc.tibox.test'], resolver({ 'gw1.dc.tibox.test': timeout('gw1.dc.tibox.test') }), { routedIntoTunnel: TI, previous, log });
    expect(result.addresses).toEqual(['198.51.100.10']);
    expect(result.failed).toEqual(['gw1.dc.tibox.test']);
    expect(lines()).toContainEqual(expect.objectContaining({ level: 40, gateway: 'gw1.dc.tibox.test', msg: 'gateway name not resolved: the firewall keeps its addresses resolved last' }));
  });

  it('takes what one family found when the other timed out, and asks again', async () => {
    const { log } = memoryLogger();
    const dns = resolver({ 'gw1.dc.tibox.test': timeout('gw1.dc.tibox.test') }, { 'gw1.dc.tibox.test': ['2001:db8::1'] });
    const result = await resolveGatewayAddresses(['gw1.dc.tibox.test'], dns, { routedIntoTunnel: TI, log });
    expect(result.addresses).toEqual(['2001:db8::1']);
    expect(result.failed).toEqual(['gw1.dc.tibox.test']);
  });

  it('logs an address left out because the tunnel carries it', async () => {
    const { log, lines } = memoryLogger();
    const result = await resolveGatewayAddresses(['gw1.dc.tibox.test'], resolver({ 'gw1.dc.tibox.test': ['100.102.0.9'] }), { routedIntoTunnel: TI, log });
    expect(result.addresses).toEqual([]);
    expect(lines()).toContainEqual(expect.objectContaining({ level: 40, gateway: 'gw1.dc.tibox.test', address: '100.102.0.9', msg: 'gateway address left out: it is routed into the tunnel' }));
  });
});
