// Desired states for the firewall's tests, close to the lab's plan (ARCHITECTURE.md §1): the
// TI segment 10.77.12.0/26 split into the LAN half on lan0 and the terminal half on br-term.
import type { FirewallDesired, FirewallInterfaces, RegisteredHost } from '../../../src/firewall/index.ts';

export const PVS: RegisteredHost = { id: 1, name: 'Empfang', kind: 'pvs', address: '10.77.12.10', mac: '02:00:5e:10:00:10', cetpPorts: [7001] };
export const TERMINAL: RegisteredHost = { id: 2, name: 'Terminal Empfang', kind: 'terminal', address: '10.77.12.40', mac: '02:00:5e:10:00:40', cetpPorts: [] };

/** A box whose terminals all sit on the practice LAN. */
export const WITHOUT_TERMINAL_BRIDGE: FirewallInterfaces = { lan: 'lan0', wan: 'wan0', tunnel: 'libipsec' };

/** One PVS host and one card terminal on the terminal bridge, kernel-libipsec. */
export const ONE_PVS_ONE_TERMINAL: FirewallDesired = {
  interfaces: { lan: 'lan0', wan: 'wan0', terminalBridge: 'br-term', tunnel: 'libipsec' },
  tiSegment: '10.77.12.0/26',
  halves: { lanHalf: '10.77.12.0/27', lanGateway: '10.77.12.1', terminalHalf: '10.77.12.32/27', terminalGateway: '10.77.12.33' },
  practiceLanAddresses: ['192.168.1.2'],
  tiPrefixes: ['100.102.0.0/15', '100.64.0.0/10'],
  gateways: ['198.51.100.10', '192.0.2.10'],
  tunnelMtu: 1400,
  hosts: [TERMINAL, PVS],
  ntp: false,
};

/**
 * `count` PVS hosts in a segment wide enough for them (a /21: halves of 1022 hosts), each with
 * a CETP port, for the tests of how the table grows.
 */
export function withPvsHosts(count: number): FirewallDesired {
  const hosts = Array.from({ length: count }, (_, i): RegisteredHost => {
    const n = i + 2;
    const hex = (i + 1).toString(16).padStart(4, '0');
    return {
      id: i + 1,
      name: `PVS ${i + 1}`,
      kind: 'pvs',
      address: `10.77.${Math.floor(n / 256)}.${n % 256}`,
      mac: `02:00:5e:00:${hex.slice(0, 2)}:${hex.slice(2)}`,
      cetpPorts: [7001],
    };
  });
  return {
    ...ONE_PVS_ONE_TERMINAL,
    tiSegment: '10.77.0.0/21',
    halves: { lanHalf: '10.77.0.0/22', lanGateway: '10.77.0.1', terminalHalf: '10.77.4.0/22', terminalGateway: '10.77.4.1' },
    hosts,
  };
}

/** Variants of ONE_PVS_ONE_TERMINAL, each with the golden file of the blocks it changes or adds. */
export const VARIANTS: readonly { name: string; golden: string; desired: FirewallDesired }[] = [
  {
    name: 'several hosts with CETP ports, a terminal left on the practice LAN',
    golden: 'several-hosts.nft',
    desired: {
      ...ONE_PVS_ONE_TERMINAL,
      hosts: [
        { ...PVS, cetpPorts: [7002, 7001] },
        { id: 3, name: 'Behandlung 1', kind: 'pvs', address: '10.77.12.11', mac: '02:00:5e:10:00:11', cetpPorts: [7001] },
        { id: 4, name: 'Labor', kind: 'pvs', address: '10.77.12.12', mac: '02:00:5e:10:00:12', cetpPorts: [] },
        { id: 5, name: 'Terminal Labor', kind: 'terminal', address: '10.77.12.20', mac: '02:00:5e:10:00:20', cetpPorts: [] },
        TERMINAL,
      ],
    },
  },
  {
    name: 'kernel XFRM instead of kernel-libipsec',
    golden: 'xfrm.nft',
    desired: { ...ONE_PVS_ONE_TERMINAL, interfaces: { ...ONE_PVS_ONE_TERMINAL.interfaces, tunnel: 'xfrm' } },
  },
  {
    name: "the datacenter's management prefix",
    golden: 'management.nft',
    desired: { ...ONE_PVS_ONE_TERMINAL, managementPrefix: '100.102.254.0/24' },
  },
  {
    name: 'a gateway reached over IPv6',
    golden: 'ipv6-gateway.nft',
    desired: { ...ONE_PVS_ONE_TERMINAL, gateways: [...ONE_PVS_ONE_TERMINAL.gateways, '2001:DB8:0:1::10'] },
  },
  {
    name: 'the management endpoint on the internet',
    golden: 'management-over-internet.nft',
    desired: { ...ONE_PVS_ONE_TERMINAL, managementOverInternet: { address: '198.51.100.80', port: 443 } },
  },
  {
    name: 'NTP served on the LAN side',
    golden: 'ntp.nft',
    desired: { ...ONE_PVS_ONE_TERMINAL, ntp: true },
  },
];
