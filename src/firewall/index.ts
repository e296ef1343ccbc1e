// The firewall subsystem owns the kernel's `inet tibox` nftables table and the TI routes (routing
// table 8742 and its rules, see routes/index.ts): from boot both hold the last applied state (the
// saved ruleset, else the fail-closed baseline; the saved TI prefixes unreachable), later the
// rendered ruleset and the routes the tunnel controller asks for. It also says why a device was
// blocked (`tibox fw why`), from its counters and the drop log in the kernel's ring buffer.
// Only the composition roots in src/agent/ import it.
export {
  renderRuleset, TIBOX_TABLE, validateFirewallDesired, validateFirewallInterfaces, isBaseline,
  DROP_REASONS, type BaselineDesired, type CarriedCounters, type CounterValue, type FirewallDesired, type FirewallState, type FirewallInterfaces, type FirewallProblem, type HostKind, type RegisteredHost, type SegmentHalves, type TunnelBackend,
} from './ruleset/index.ts';
export { Firewall } from './firewall.ts';
export type { FirewallDeps } from './firewall.ts';
export { loadBootRuleset, RULESET_STATE_FILE } from './bootRuleset.ts';
export { NftLoader } from './nftLoader.ts';
export { NftMonitor } from './nftMonitor.ts';
export { readKernelLog } from './kernelLog.ts';
export { registerWhyAction, type WhyDeps } from './whyAction.ts';
export type { Count, WhyReport } from './why.ts';
export type { DropEntry } from './dropLog.ts';
export * from './routes/index.ts';
