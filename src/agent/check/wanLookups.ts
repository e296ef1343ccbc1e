// The gateways' lookups of one function test on the WAN's name servers, ended at one deadline.
// node's resolver asks the servers in turn, each with its own tries, so silent servers add up:
// at 1 s and 2 tries one lookup takes 3.9, 7.0 and 10.0 s for 1, 2 and 3 of them, and the SRV
// lookup and the name lookups come one after the other. Cancelled at the deadline, the lookups
// fail with ECANCELLED instead, early enough that the checks waiting for them (2 DNS on the WAN,
// 4 and 7 with their IKE probes after) word the failure inside their limits.
import { Resolver } from 'node:dns/promises';
import type { GatewayResolution, VpnProfile } from '../../ipsec/index.ts';

/** Each server's first try waits 1 s, its retry 2 s: a server that answers at all does so by then. */
const WAN_DNS = { timeout: 1_000, tries: 2 };
/** Check 2 allows 8 s; checks 4 and 7 allow 10 s, of which an IKE probe takes up to 3 s. */
export const WAN_LOOKUP_DEADLINE_MS = 5_000;

export type ResolveGateways = (profile: VpnProfile, resolver: Resolver) => Promise<GatewayResolution>;

/** The gateways as `servers` give them now, resolved once per profile and never past the deadline. */
export function gatewaysBefore(deadlineMs: number, servers: () => readonly string[], resolve: ResolveGateways): (profile: VpnProfile) => Promise<GatewayResolution> {
  let last: { profile: VpnProfile; resolution: Promise<GatewayResolution> } | undefined;
  return (profile) => {
    if (last?.profile !== profile) {
      const resolver = new Resolver(WAN_DNS);
      resolver.setServers(servers());
      const deadline = setTimeout(() => resolver.cancel(), deadlineMs);
      last = { profile, resolution: resolve(profile, resolver).finally(() => clearTimeout(deadline)) };
    }
    return last.resolution;
  };
}
