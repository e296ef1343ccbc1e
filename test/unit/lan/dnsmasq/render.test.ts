// dnsmasq's files as golden text, and the refusals of bad input. (Real dnsmasq reads these
// files in test/integration/dnsmasq.test.ts.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dnsmasqFiles, renderDnsmasq, type DnsmasqDesired, type StaticLease, type TerminalDhcp } from '../../../../src/lan/dnsmasq/index.ts';
import { SEGMENT, withChanges } from './fixtures.ts';

const golden = (name: string) => readFileSync(new URL(`golden/${name}`, import.meta.url), 'utf8');
const files = dnsmasqFiles('/run/tibox/dnsmasq');
const render = (desired: DnsmasqDesired) => renderDnsmasq(desired, files);
const dhcp = SEGMENT.dhcp as TerminalDhcp;

describe('renderDnsmasq', () => {
  it('renders the TI segment: DNS on both gateways, DHCP on the terminal bridge only', () => {
    const rendered = render(SEGMENT);
    expect(rendered.config).toBe(golden('segment.conf'));
    expect(rendered.dhcpHosts).toBe(golden('segment.dhcp-hosts'));
    expect(rendered.servers).toBe(golden('segment.servers'));
  });

  it('sends each TI domain to every TI DNS server and every other name to the configured resolvers', () => {
    const rendered = render(withChanges({
      tiDns: { servers: ['100.102.0.53', '100.102.0.54'], domains: ['telematik', 'telematik-test'], source: '10.77.12.1' },
      upstreams: ['192.168.178.1'],
    }));
    expect(rendered.servers).toBe(golden('upstreams.servers'));
  });

  it('serves no DHCP at all without a terminal bridge', () => {
    const rendered = render(withChanges({ listen: ['10.77.12.1'], dhcp: null }));
    const dhcpLines = rendered.config.split('\n').filter((line) => line.startsWith('dhcp-'));
    expect(dhcpLines).toEqual([]);
    expect(rendered.config).toContain('no-dhcp-interface=lan0\n# No terminal bridge: no DHCP at all.\n');
    expect(rendered.dhcpHosts.split('\n').filter((line) => line && !line.startsWith('#'))).toEqual([]);
  });

  it('renders the same text whatever the order of the terminals', () => {
    const reversed = withChanges({ dhcp: { ...dhcp, terminals: [...dhcp.terminals].reverse() } });
    expect(render(reversed)).toEqual(render(SEGMENT));
  });

  it('keeps what changes often out of the main config: terminals and resolvers change only the SIGHUP files', () => {
    const before = render(SEGMENT);
    const terminals = render(withChanges({ dhcp: { ...dhcp, terminals: [dhcp.terminals[0] as StaticLease] } }));
    const resolvers = render(withChanges({ tiDns: { ...SEGMENT.tiDns, servers: ['100.102.0.54'] }, upstreams: ['192.168.178.1'] }));
    expect([terminals.config === before.config, terminals.dhcpHosts === before.dhcpHosts]).toEqual([true, false]);
    expect([resolvers.config === before.config, resolvers.servers === before.servers]).toEqual([true, false]);
  });
});

describe('bad input', () => {
  const terminal = (changes: Partial<StaticLease>): DnsmasqDesired =>
    withChanges({ dhcp: { ...dhcp, terminals: [{ ...(dhcp.terminals[0] as StaticLease), ...changes }] } });
  const withDhcp = (changes: Partial<TerminalDhcp>): DnsmasqDesired => withChanges({ dhcp: { ...dhcp, ...changes } });
  const secondTerminal = (changes: Partial<StaticLease>): DnsmasqDesired =>
    withChanges({ dhcp: { ...dhcp, terminals: [...dhcp.terminals, { name: 'labor', mac: '02:00:5e:10:00:42', address: '10.77.12.42', ...changes }] } });

  const cases: Array<{ name: string; desired: DnsmasqDesired; field: string; reason: RegExp }> = [
    { name: 'no listen address', desired: withChanges({ listen: [] }), field: 'listen', reason: /must not be empty/ },
    { name: 'a listen address with a leading zero', desired: withChanges({ listen: ['10.77.12.01'] }), field: 'listen[0]', reason: /IPv4 address/ },
    { name: 'a listen address twice', desired: withChanges({ listen: ['10.77.12.1', '10.77.12.1'] }), field: 'listen[1]', reason: /repeats listen\[0\]/ },
    { name: 'a LAN port name with a comma', desired: withChanges({ lanPort: 'lan0,x' }), field: 'lanPort', reason: /interface name/ },
    { name: 'a LAN port name too long for Linux', desired: withChanges({ lanPort: 'a-very-long-name' }), field: 'lanPort', reason: /up to 15/ },
    { name: 'a LAN port name that starts with a dash', desired: withChanges({ lanPort: '-lan0' }), field: 'lanPort', reason: /starting with a letter or digit/ },
    { name: 'no TI DNS server', desired: withChanges({ tiDns: { ...SEGMENT.tiDns, servers: [] } }), field: 'tiDns.servers', reason: /must not be empty/ },
    { name: 'a TI DNS server on the box itself', desired: withChanges({ tiDns: { ...SEGMENT.tiDns, servers: ['10.77.12.33'] } }), field: 'tiDns.servers[0]', reason: /box's own listen/ },
    { name: 'a TI domain with a wildcard', desired: withChanges({ tiDns: { ...SEGMENT.tiDns, domains: ['*.splitdns.ti-dienste.de'] } }), field: 'tiDns.domains[0]', reason: /DNS name/ },
    { name: 'a TI domain that would end the server line', desired: withChanges({ tiDns: { ...SEGMENT.tiDns, domains: ['telematik/1.2.3.4'] } }), field: 'tiDns.domains[0]', reason: /DNS name/ },
    { name: 'a TI domain in upper case', desired: withChanges({ tiDns: { ...SEGMENT.tiDns, domains: ['Telematik'] } }), field: 'tiDns.domains[0]', reason: /lower case/ },
    { name: 'a TI domain twice', desired: withChanges({ tiDns: { ...SEGMENT.tiDns, domains: ['telematik', 'telematik'] } }), field: 'tiDns.domains[1]', reason: /repeats/ },
    { name: 'a source that is not the box\'s', desired: withChanges({ tiDns: { ...SEGMENT.tiDns, source: '10.77.12.2' } }), field: 'tiDns.source', reason: /one of the box's TI addresses/ },
    { name: 'an upstream on the box itself', desired: withChanges({ upstreams: ['10.77.12.1'] }), field: 'upstreams[0]', reason: /box's own listen/ },
    { name: 'the bridge is the LAN port', desired: withDhcp({ bridge: 'lan0' }), field: 'dhcp.bridge', reason: /practice router serves DHCP there/ },
    { name: 'a terminal half with host bits', desired: withDhcp({ prefix: '10.77.12.33/27' }), field: 'dhcp.prefix', reason: /without host bits/ },
    { name: 'a terminal half too small', desired: withDhcp({ prefix: '10.77.12.32/31', gateway: '10.77.12.33' }), field: 'dhcp.prefix', reason: /\/16 to \/30/ },
    { name: 'a gateway outside the terminal half', desired: withDhcp({ gateway: '10.77.12.1' }), field: 'dhcp.gateway', reason: /not a host address of 10\.77\.12\.32\/27/ },
    { name: 'a gateway the box does not listen on', desired: withDhcp({ gateway: '10.77.12.34' }), field: 'dhcp.gateway', reason: /must be one of listen/ },
    { name: 'a lease shorter than dnsmasq allows', desired: withDhcp({ leaseSeconds: 60 }), field: 'dhcp.leaseSeconds', reason: /120 to 604800/ },
    { name: 'a lease time in fractions', desired: withDhcp({ leaseSeconds: 3600.5 }), field: 'dhcp.leaseSeconds', reason: /whole number/ },
    { name: 'a terminal name with a line break, which would end its comment line', desired: terminal({ name: 'Empfang\nserver=/#/1.2.3.4' }), field: 'dhcp.terminals[0].name', reason: /printable text of 1 to 63/ },
    { name: 'a blank terminal name', desired: terminal({ name: '  ' }), field: 'dhcp.terminals[0].name', reason: /printable text/ },
    { name: 'a terminal name of 64 characters', desired: terminal({ name: 'x'.repeat(64) }), field: 'dhcp.terminals[0].name', reason: /1 to 63 characters/ },
    { name: 'a MAC with hyphens', desired: terminal({ mac: '02-00-5e-10-00-41' }), field: 'dhcp.terminals[0].mac', reason: /joined by colons/ },
    { name: 'a MAC in upper case', desired: terminal({ mac: '02:00:5E:10:00:41' }), field: 'dhcp.terminals[0].mac', reason: /lower-case/ },
    { name: 'a group MAC', desired: terminal({ mac: '01:00:5e:10:00:41' }), field: 'dhcp.terminals[0].mac', reason: /group address/ },
    { name: 'the all-zero MAC', desired: terminal({ mac: '00:00:00:00:00:00' }), field: 'dhcp.terminals[0].mac', reason: /all-zero/ },
    { name: 'a terminal in the LAN half', desired: terminal({ address: '10.77.12.10' }), field: 'dhcp.terminals[0].address', reason: /terminal half 10\.77\.12\.32\/27/ },
    { name: 'a terminal on the broadcast address', desired: terminal({ address: '10.77.12.63' }), field: 'dhcp.terminals[0].address', reason: /not a host address/ },
    { name: 'a terminal on the gateway', desired: terminal({ address: '10.77.12.33' }), field: 'dhcp.terminals[0].address', reason: /box's own address/ },
    { name: 'two terminals with one MAC', desired: secondTerminal({ mac: '02:00:5e:10:00:41' }), field: 'dhcp.terminals[2].mac', reason: /repeats dhcp\.terminals\[0\]/ },
    { name: 'two terminals with one address', desired: secondTerminal({ address: '10.77.12.40' }), field: 'dhcp.terminals[2].address', reason: /repeats dhcp\.terminals\[1\]/ },
  ];

  it.each(cases)('refuses $name, naming the field', ({ desired, field, reason }) => {
    let error: unknown;
    try {
      render(desired);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'TIBOX_DNSMASQ_INVALID_FIELD', status: 422, details: { field } });
    expect((error as Error).message).toMatch(new RegExp(`^dnsmasq setting ${field.replace(/[[\].]/g, '\\$&')}: `));
    expect((error as Error).message).toMatch(reason);
  });

  it('refuses more terminals than the terminal half has addresses', () => {
    const small = withChanges({ listen: ['10.77.12.1', '10.77.12.33'], dhcp: { ...dhcp, prefix: '10.77.12.32/30', terminals: [...dhcp.terminals] } });
    expect(() => render(small)).toThrow('dnsmasq setting dhcp.terminals: must have at most 1 entries');
  });
});

describe('renderDnsmasq with nothing to serve', () => {
  it('renders a config on which dnsmasq runs and answers nothing: no DNS port, no DHCP, its own pid and log files', () => {
    const rendered = renderDnsmasq(null, files);
    const settings = rendered.config.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(settings).toEqual(['no-resolv', 'no-hosts', 'pid-file=/run/tibox/dnsmasq/dnsmasq.pid', 'log-facility=/run/tibox/dnsmasq/dnsmasq.log', 'port=0']);
    expect(rendered.dhcpHosts.split('\n').filter((line) => line && !line.startsWith('#'))).toEqual([]);
    expect(rendered.servers.split('\n').filter((line) => line && !line.startsWith('#'))).toEqual([]);
  });
});
