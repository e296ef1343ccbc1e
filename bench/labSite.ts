// The lab box as the data path benchmark's desired states see it (test/lab/topology.ts): its
// ports, practice-LAN address, TI prefixes, management prefix, gateways and libipsec's MTU.
import type { RegisteredHost } from '../src/firewall/index.ts';
import { TERMINAL_BRIDGE } from '../src/lan/index.ts';
import { PLAN } from '../test/lab/topology.ts';
import type { BenchSite } from './datapathDesired.ts';

/** MTU of kernel-libipsec's TUN device, as the agent renders it. */
const LIBIPSEC_MTU = 1400;
/** The lab profile's management prefix (test/lab/profile.ts). */
const MANAGEMENT_PREFIX = '100.102.200.0/24';

export function labSite(pinned: readonly RegisteredHost[] = [], practiceLanAddresses: readonly string[] = [PLAN.practiceLan.box]): BenchSite {
  return {
    interfaces: { lan: 'lan0', wan: 'wan0', terminalBridge: TERMINAL_BRIDGE, tunnel: 'libipsec' },
    segmentAddress: PLAN.tiSegment.lanGateway,
    practiceLanAddresses,
    tiPrefixes: [...PLAN.ti.prefixes],
    managementPrefix: MANAGEMENT_PREFIX,
    gateways: [PLAN.gw1.public, PLAN.gw2.public],
    tunnelMtu: LIBIPSEC_MTU,
    pinned,
  };
}
