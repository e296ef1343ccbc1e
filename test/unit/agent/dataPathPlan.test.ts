// The data path's plan as a table: inputs (profile, ports, devices, back end, the LAN port's
// addresses) → the desired state of every part, each part shown as one line of text.
import { describe, expect, it } from 'vitest';
import { planDataPath, planLan, type DataPathInputs, type Ports } from '../../../src/agent/dataPathPlan.ts';
import { renderRuleset } from '../../../src/firewall/index.ts';
import { mssFor, type ProfileDataPath } from '../../../src/ipsec/index.ts';
import type { Device } from '../../../src/lan/inventory/index.ts';
import { isBaseline } from '../../../src/firewall/index.ts';

const PROFILE: ProfileDataPath = {
  tiSegment: '10.77.12.0/26',
  tiPrefixes: ['100.64.0.0/10'],
  managementPrefix: '100.102.200.0/24',
  tiDns: { servers: ['100.102.0.53'], domains: ['telematik-test'] },
  gatewayAddresses: ['198.51.100.10'],
};
const PORTS: Ports = { lan: 'lan0', lanFallback: '169.254.77.1/16', wan: 'wan0', terminals: ['term0'] };
const NO_TERMINAL_PORTS: Ports = { ...PORTS, terminals: [] };
/** The lease, the fallback and the box's LAN-half gateway in the TI segment. */
const ADDRESSES = ['192.168.1.2/24', '169.254.77.1/16', '10.77.12.1/27'];

function device(kind: Device['kind'], name: string, address: string, mac: string): Device {
  return { id: 1, kind, name, address, mac, cetpPorts: kind === 'pvs' ? [7001] : [], createdAt: '', changedAt: '' };
}
const PVS = device('pvs', 'Empfang', '10.77.12.10', '02:00:5e:10:00:10');
const TERMINAL = device('terminal', 'Terminal', '10.77.12.40', '02:00:5e:10:00:40');
const ELSEWHERE = device('terminal', 'Altgerät', '10.99.0.40', '02:00:5e:10:00:99');

function inputs(change: Partial<DataPathInputs>): DataPathInputs {
  return { profile: PROFILE, ports: PORTS, devices: [PVS, TERMINAL], backend: 'libipsec', lanAddresses: ADDRESSES, tunnelMtu: 1389, ...change };
}

/** Each part as one line, what a test needs to tell the cases apart. */
function shown(given: DataPathInputs): string[] {
  const lan = planLan(given.profile, given.ports);
  const { practiceDhcp, wanInLan, dnsmasq, firewall } = planDataPath(given);
  return [
    `lan ${lan.ports.lan} fallback ${lan.practiceFallback} terminals [${lan.ports.terminals.join(' ')}] ti ${lan.ti ? `${lan.ti.tiSegment} gateways ${lan.ti.gateways.join(' ')}` : 'none'}`,
    `practice-dhcp ${practiceDhcp.port}`,
    `wan-in-lan ${wanInLan.lan} ${wanInLan.wan}`,
    dnsmasq
      ? `dnsmasq listen ${dnsmasq.listen.join(' ')} dns ${dnsmasq.tiDns.servers.join(' ')} from ${dnsmasq.tiDns.source}` +
        (dnsmasq.dhcp ? ` dhcp ${dnsmasq.dhcp.bridge} ${dnsmasq.dhcp.prefix} leases ${dnsmasq.dhcp.terminals.map((t) => `${t.name}=${t.address}`).join(' ')}` : ' no dhcp')
      : 'dnsmasq none',
    firewall === null
      ? 'firewall bare baseline'
      : isBaseline(firewall)
        ? `firewall baseline, web UI on ${firewall.baselineLan}`
        : `firewall ${Object.values(firewall.interfaces).join(' ')} practice ${firewall.practiceLanAddresses.join(' ')} hosts ${firewall.hosts.map((h) => `${h.kind}:${h.address}`).join(' ')}`,
  ];
}

describe('planDataPath', () => {
  it.each<{ name: string; given: DataPathInputs; want: string[] }>([
    {
      name: 'no profile: the LAN gets the fallback alone, dnsmasq serves nothing, the firewall keeps the baseline with the web UI on the LAN port',
      given: inputs({ profile: null }),
      want: [
        'lan lan0 fallback 169.254.77.1/16 terminals [term0] ti none',
        'practice-dhcp lan0',
        'wan-in-lan lan0 wan0',
        'dnsmasq none',
        'firewall baseline, web UI on lan0',
      ],
    },
    {
      name: 'a profile and a terminal port: DHCP on the terminal bridge, the box served on its practice-LAN addresses',
      given: inputs({}),
      want: [
        'lan lan0 fallback 169.254.77.1/16 terminals [term0] ti 10.77.12.0/26 gateways 198.51.100.10',
        'practice-dhcp lan0',
        'wan-in-lan lan0 wan0',
        'dnsmasq listen 10.77.12.1 10.77.12.33 dns 100.102.0.53 from 10.77.12.1 dhcp br-term 10.77.12.32/27 leases Terminal=10.77.12.40',
        'firewall lan0 wan0 br-term libipsec practice 192.168.1.2 169.254.77.1 hosts pvs:10.77.12.10 terminal:10.77.12.40',
      ],
    },
    {
      name: 'no terminal ports: no bridge, dnsmasq answers DNS on the LAN half alone',
      given: inputs({ ports: NO_TERMINAL_PORTS }),
      want: [
        'lan lan0 fallback 169.254.77.1/16 terminals [] ti 10.77.12.0/26 gateways 198.51.100.10',
        'practice-dhcp lan0',
        'wan-in-lan lan0 wan0',
        'dnsmasq listen 10.77.12.1 dns 100.102.0.53 from 10.77.12.1 no dhcp',
        'firewall lan0 wan0 libipsec practice 192.168.1.2 169.254.77.1 hosts pvs:10.77.12.10 terminal:10.77.12.40',
      ],
    },
    {
      name: 'a terminal left on the practice LAN gets no lease but passes; a device outside the segment is left out of both',
      given: inputs({ devices: [PVS, device('terminal', 'Am Empfang', '10.77.12.20', '02:00:5e:10:00:20'), TERMINAL, ELSEWHERE] }),
      want: [
        'lan lan0 fallback 169.254.77.1/16 terminals [term0] ti 10.77.12.0/26 gateways 198.51.100.10',
        'practice-dhcp lan0',
        'wan-in-lan lan0 wan0',
        'dnsmasq listen 10.77.12.1 10.77.12.33 dns 100.102.0.53 from 10.77.12.1 dhcp br-term 10.77.12.32/27 leases Terminal=10.77.12.40',
        'firewall lan0 wan0 br-term libipsec practice 192.168.1.2 169.254.77.1 hosts pvs:10.77.12.10 terminal:10.77.12.20 terminal:10.77.12.40',
      ],
    },
    {
      name: 'kernel XFRM named by charon; other ports; only the fallback on the LAN port yet',
      given: inputs({ backend: 'xfrm', ports: { lan: 'eth1', lanFallback: '169.254.9.9/16', wan: 'eth0', terminals: [] }, lanAddresses: ['169.254.9.9/16', '10.77.12.1/27'], devices: [] }),
      want: [
        'lan eth1 fallback 169.254.9.9/16 terminals [] ti 10.77.12.0/26 gateways 198.51.100.10',
        'practice-dhcp eth1',
        'wan-in-lan eth1 eth0',
        'dnsmasq listen 10.77.12.1 dns 100.102.0.53 from 10.77.12.1 no dhcp',
        'firewall eth1 eth0 xfrm practice 169.254.9.9 hosts ',
      ],
    },
    {
      name: 'a back end charon has not named yet fails closed as libipsec',
      given: inputs({ backend: undefined, devices: [] }),
      want: [
        'lan lan0 fallback 169.254.77.1/16 terminals [term0] ti 10.77.12.0/26 gateways 198.51.100.10',
        'practice-dhcp lan0',
        'wan-in-lan lan0 wan0',
        'dnsmasq listen 10.77.12.1 10.77.12.33 dns 100.102.0.53 from 10.77.12.1 dhcp br-term 10.77.12.32/27 leases ',
        'firewall lan0 wan0 br-term libipsec practice 192.168.1.2 169.254.77.1 hosts ',
      ],
    },
  ])('$name', ({ given, want }) => {
    expect(shown(given)).toEqual(want);
  });

  it('gives the firewall the whole plan of a profile: segment, halves, prefixes, gateways, MTU', () => {
    expect(planDataPath(inputs({ devices: [PVS] })).firewall).toEqual({
      interfaces: { lan: 'lan0', wan: 'wan0', terminalBridge: 'br-term', tunnel: 'libipsec' },
      tiSegment: '10.77.12.0/26',
      halves: { lanHalf: '10.77.12.0/27', lanGateway: '10.77.12.1', terminalHalf: '10.77.12.32/27', terminalGateway: '10.77.12.33', halfLength: 27 },
      practiceLanAddresses: ['192.168.1.2', '169.254.77.1'],
      tiPrefixes: ['100.64.0.0/10'],
      managementPrefix: '100.102.200.0/24',
      gateways: ['198.51.100.10'],
      tunnelMtu: 1389,
      hosts: [{ id: 1, name: 'Empfang', kind: 'pvs', address: '10.77.12.10', mac: '02:00:5e:10:00:10', cetpPorts: [7001] }],
      ntp: false,
    });
  });

  it('clamps TCP\'s MSS to the path MTU watch\'s figure for the tunnel MTU, in SYN and SYN-ACK, routed and the box\'s own', () => {
    const ruleset = renderRuleset(planDataPath(inputs({ tunnelMtu: 1389, devices: [PVS] })).firewall);
    const clamps = ruleset.split('\n').filter((line) => line.includes('maxseg size set'));
    expect(clamps).toHaveLength(2);
    for (const line of clamps) expect(line).toContain(`tcp flags syn / syn,rst tcp option maxseg size > ${mssFor(1389)} tcp option maxseg size set ${mssFor(1389)}`);
  });
});
