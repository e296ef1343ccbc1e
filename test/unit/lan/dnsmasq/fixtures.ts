// Desired states close to ARCHITECTURE.md §1: TI segment 10.77.12.0/26, LAN half gateway
// 10.77.12.1 on the LAN port, terminal half 10.77.12.32/27 with gateway 10.77.12.33.
import type { DnsmasqDesired } from '../../../../src/lan/dnsmasq/index.ts';

export const SEGMENT: DnsmasqDesired = {
  listen: ['10.77.12.1', '10.77.12.33'],
  lanPort: 'lan0',
  tiDns: { servers: ['100.102.0.53'], domains: ['telematik', 'telematik-test', 'splitdns.ti-dienste.de'], source: '10.77.12.1' },
  upstreams: [],
  dhcp: {
    bridge: 'br-term',
    prefix: '10.77.12.32/27',
    gateway: '10.77.12.33',
    leaseSeconds: 43_200,
    // Out of address order on purpose: the hosts file is sorted.
    terminals: [
      { name: 'empfang', mac: '02:00:5e:10:00:41', address: '10.77.12.41' },
      { name: 'Sprechzimmer 1 (Dr. Müller)', mac: '02:00:5e:10:00:40', address: '10.77.12.40' },
    ],
  },
};

export function withChanges(changes: Partial<DnsmasqDesired>, base: DnsmasqDesired = SEGMENT): DnsmasqDesired {
  return { ...base, ...changes };
}
