// The box's dnsmasq: split DNS on the box's TI addresses (TI domains to the TI DNS through the
// tunnel, nothing else unless configured) and DHCP on the terminal bridge only (static leases for
// registered terminals). dnsmasq runs as its own service (service.ts gives its command line); the
// subsystem writes its files, signals it and reports each DHCP request dnsmasq answered or
// ignored, read from its log. Only the composition roots in src/agent/ import it (through
// src/lan/index.ts).
export type { DnsmasqDesired, StaticLease, TerminalDhcp, TiDns } from './desired.ts';
export type { DhcpRequest } from './dhcpLogParser.ts';
export { Dnsmasq, DEFAULT_DNSMASQ_TIMINGS, type DnsmasqDeps, type DnsmasqTimings } from './dnsmasq.ts';
export { dnsmasqFiles, type DnsmasqFiles } from './files.ts';
export { DEFAULT_LEASE_SECONDS, dnsmasqDesired, type DnsmasqInputs } from './fromSegment.ts';
export { renderDnsmasq, type RenderedDnsmasq } from './render.ts';
export { dnsmasqCommand, dnsmasqComponent } from './service.ts';
export { dnsmasqInterfaceProblem } from './validate.ts';
