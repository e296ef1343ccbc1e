// Path MTU towards the gateway in use and the MTUs that follow from it: the tunnel's (the
// libipsec device) and TCP's MSS clamp (the firewall's, handed over by the composition root).
// Learnt with DF probes at tunnel setup, after a failover, an address or WAN link change, and
// when the kernel learns a smaller one from "fragmentation needed"; `tunnel.wanMtu` overrides.
// The ipsec subsystem's index re-exports it for the composition root.
export { espOverhead, tunnelMtuFor, type AddressFamily, type EspOverhead, type EspTransform } from './espOverhead.ts';
export { mssFor } from './mssClamp.ts';
export { decideMtu, SMALL_PATH_MTU, type MtuDecision, type MtuFacts, type PathMtuSource } from './mtuPlan.ts';
export { wanMtuProblem, WAN_MTU_MAX, WAN_MTU_MIN, WAN_MTU_PROBE } from './wanMtuSetting.ts';
export { PathMtuWatch, type PathMtuDeps, type PathMtuStatus } from './pathMtuWatch.ts';
export { pingDfProbe, parsePingOutcome, type DfProbe } from './dfProbe.ts';
export { cachedMtuOf, netlinkPmtuCache, type PmtuCache } from './pmtuCache.ts';
export { NetlinkLinkMtus, type LinkMtus } from './linkMtu.ts';
