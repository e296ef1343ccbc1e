// The LAN subsystem owns the box's LAN side (ARCHITECTURE.md §1): the address plan that splits
// the TI segment into the LAN half and the terminal half, its check against the practice's
// addresses and routes, the LAN port's addresses and the terminal bridge (the addresses tibox
// added and the bridges it created, recorded in `<stateDir>/lan-links.json`), the practice-LAN
// DHCP client, and the watch for a WAN port plugged into the practice LAN. At boot, before the
// agent, restoreBootLinks puts the owned addresses and bridges back from that record. dnsmasq
// (./dnsmasq/) and the device inventory (./inventory/) live beside it.
// Only the composition roots in src/agent/ import it.
export { lanSettingProblems, planLanAddresses, splitSegment, TERMINAL_BRIDGE } from './addressPlan.ts';
export type { LanAddressPlan, LanPlanInput, SegmentHalves } from './addressPlan.ts';
export { checkAddressPlan, describeFindings, FINDING_SEVERITY, refusals } from './planCheck.ts';
export type { FindingCode, FindingSeverity, MainRoute, PlanCheckInput, PlanFinding } from './planCheck.ts';
export { LanError } from './errors.ts';
export type { LanKernel, Neighbour } from './lanKernel.ts';
export { NetlinkLanKernel } from './netlinkLanKernel.ts';
export { linkOpText } from './linksModel.ts';
export type { LanLinksDesired, LinkOp } from './linksModel.ts';
export { LanLinks, LINKS_STATE_FILE } from './lanLinks.ts';
export type { LanLinksDeps } from './lanLinks.ts';
export { restoreBootLinks } from './bootLinks.ts';
export { Lan } from './lan.ts';
export { registerAddressPlanAction } from './planAction.ts';
export type { LanDeps, LanDesired, LanTi } from './lan.ts';
export { busyboxArpProbe } from './arpProbe.ts';
export type { ArpProbe } from './arpProbe.ts';
export { detectWanInLan } from './wanInLan.ts';
export { WanInLanWatch } from './wanInLanWatch.ts';
export type { WanInLanDeps, WanInLanDesired } from './wanInLanWatch.ts';
export { PRACTICE_DHCP_FILES, PracticeDhcp, practiceDhcpCommand, practiceDhcpComponent, renderDhcpHook } from './practiceDhcp.ts';
export type { PracticeDhcpDeps, PracticeDhcpDesired } from './practiceDhcp.ts';
// dnsmasq (./dnsmasq/): split DNS on the box's TI addresses and static leases on the terminal bridge.
export {
  DEFAULT_DNSMASQ_TIMINGS, DEFAULT_LEASE_SECONDS, Dnsmasq, dnsmasqCommand, dnsmasqComponent, dnsmasqDesired, dnsmasqFiles, dnsmasqInterfaceProblem, renderDnsmasq,
} from './dnsmasq/index.ts';
export type {
  DhcpRequest, DnsmasqDeps, DnsmasqDesired, DnsmasqFiles, DnsmasqInputs, DnsmasqTimings, RenderedDnsmasq, StaticLease, TerminalDhcp, TiDns,
} from './dnsmasq/index.ts';
