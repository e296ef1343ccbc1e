// The WAN subsystem owns the box's WAN port (ARCHITECTURE.md §1): by DHCP (the default) or static,
// its address, the main table's default route and the resolvers the box itself uses (gateway
// names, time), its DHCP client (busybox udhcpc as a service of its own whose hook only reports
// the lease), its health, and at boot, before the agent, the restore of what it last applied.
// Only the composition roots in src/agent/ import it.
export { restoreBootWan } from './bootWan.ts';
export { renderWanLeaseHook, WAN_DHCP_FILES, WanDhcpClient, wanDhcpCommand, wanDhcpComponent } from './dhcpClient.ts';
export { wanOpText } from './kernel.ts';
export type { WanAddress, WanKernel, WanKernelState, WanOp, WanRouteEntry } from './kernel.ts';
export { parseLease } from './lease.ts';
export type { WanLease } from './lease.ts';
export { NetlinkWanKernel } from './netlinkWanKernel.ts';
export { parseOwned, planWan, renderOwned, wanTarget } from './plan.ts';
export type { WanDesired, WanOwned, WanTarget } from './plan.ts';
export { renderResolvConf } from './resolvConf.ts';
export { wanLanOverlap, wanSettingProblems } from './settings.ts';
export type { WanMode, WanProblem, WanSettings } from './settings.ts';
export { WAN_WARNING_CODES, wanConditions } from './warnings.ts';
export type { WanWarningCode } from './warnings.ts';
export { Wan, WAN_STATE_FILE } from './wan.ts';
export type { WanDeps } from './wan.ts';
