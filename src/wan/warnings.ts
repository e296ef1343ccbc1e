// The WAN's health, pure: which of its warnings hold for the port as the kernel shows it and the
// target the settings and the lease give. The subsystem raises one only after it has held a
// while (a DHCP exchange or a replugged cable takes seconds) and clears it at once.
import type { WanKernelState } from './kernel.ts';
import type { WanTarget } from './plan.ts';

export type WanWarningCode = 'wan.noLink' | 'wan.noLease' | 'wan.noDefaultRoute' | 'wan.noDns';

export const WAN_WARNING_CODES: readonly WanWarningCode[] = ['wan.noLink', 'wan.noLease', 'wan.noDefaultRoute', 'wan.noDns'];

/** Each warning that holds, with its detail. A port without link hides the rest: they follow from it. */
export function wanConditions(port: string, target: WanTarget, state: WanKernelState): Map<WanWarningCode, string> {
  const holds = new Map<WanWarningCode, string>();
  if (!state.link) return holds.set('wan.noLink', `the WAN port ${port} does not exist`);
  if (!state.link.carrier) return holds.set('wan.noLink', `the WAN port ${port} has no link: cable unplugged or the router switched off`);
  if (target.proto === 'dhcp' && !target.address) holds.set('wan.noLease', `no DHCP lease on ${port}: the router does not answer`);
  if (target.address && !target.gateway) holds.set('wan.noDefaultRoute', "the router's DHCP lease names no router");
  else if (target.address && !state.defaultRoutes.some((r) => !r.metric && r.via === target.gateway && r.dev === port)) {
    holds.set('wan.noDefaultRoute', `no default route via ${target.gateway ?? '?'} on ${port}`);
  }
  if (target.address && target.resolvers.length === 0) {
    holds.set('wan.noDns', target.proto === 'dhcp' ? "the router's DHCP lease names no name server, and none is set (wan.resolvers)" : 'no name server is set (wan.resolvers)');
  }
  return holds;
}
