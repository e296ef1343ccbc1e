// The desired state from what the box knows elsewhere, so the composition root only hands values
// over: the halves of the address plan, the ports from the config, TI DNS and TI domains from the
// VPN profile, the registered terminals from the inventory. Pure; renderDnsmasq checks the result.
import { parseIpv4, parsePrefix, prefixContains } from '../../core/index.ts';
import type { DnsmasqDesired, StaticLease } from './desired.ts';

/** Static leases change hands at renewal (half of it): an hour lets a re-registered terminal move within 30 min. */
export const DEFAULT_LEASE_SECONDS = 3_600;

export interface DnsmasqInputs {
  /** The TI segment's halves and the box's gateway in each (the address plan's SegmentHalves fits). */
  readonly halves: { readonly lanGateway: string; readonly terminalHalf: string; readonly terminalGateway: string };
  readonly lanPort: string;
  /** The bridge of the terminal ports; null when the box has none (terminals then stay on the practice LAN). */
  readonly terminalBridge: string | null;
  /** The profile's TI DNS servers and domains. */
  readonly tiDns: { readonly servers: readonly string[]; readonly domains: readonly string[] };
  /** Every registered terminal; those with a LAN-half address sit on the practice LAN and get no lease from the box. */
  readonly terminals: readonly StaticLease[];
  /** Resolvers for every other name; none by default. */
  readonly upstreams?: readonly string[];
  readonly leaseSeconds?: number;
}

export function dnsmasqDesired(inputs: DnsmasqInputs): DnsmasqDesired {
  const { halves, terminalBridge } = inputs;
  const terminalHalf = parsePrefix(halves.terminalHalf);
  const onBridge = (t: StaticLease) => {
    const address = parseIpv4(t.address);
    return terminalHalf !== undefined && address !== undefined && prefixContains(terminalHalf, address);
  };
  return {
    listen: terminalBridge ? [halves.lanGateway, halves.terminalGateway] : [halves.lanGateway],
    lanPort: inputs.lanPort,
    // The box's own TI traffic leaves from its LAN-half gateway address, the tunnel's local side.
    tiDns: { servers: inputs.tiDns.servers, domains: inputs.tiDns.domains, source: halves.lanGateway },
    upstreams: inputs.upstreams ?? [],
    dhcp: terminalBridge
      ? {
          bridge: terminalBridge,
          prefix: halves.terminalHalf,
          gateway: halves.terminalGateway,
          leaseSeconds: inputs.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
          terminals: inputs.terminals.filter(onBridge),
        }
      : null,
  };
}
