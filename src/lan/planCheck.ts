// The address plan check, pure: before the box takes a VPN profile or a LAN change, its TI
// segment and TI prefixes are checked against each other, the practice LAN, the WAN, the
// practice's routes and the datacenter gateways. Each collision is a finding with a stable code,
// a severity and an English message in plain words that says what collides and what to change.
//
// Severity: `refuse` where applying would break the box itself or the TI for a whole range
// (traffic for practice devices or the gateways' own IKE packets sent into the tunnel, the
// practice router's DHCP handing out TI addresses, a profile that contradicts itself); `warn`
// where the TI still works and only something around it suffers (hosts of the WAN network or
// behind a practice route that the box can no longer reach outside the tunnel, a gateway route
// that looks wrong but may be deliberate).
import {
  formatIpv4, formatPrefix, networkOf, parseInterfaceAddress, parseIpv4, parsePrefix, prefixContains, prefixCovers, prefixesOverlap, type Ipv4Prefix,
} from '../core/index.ts';
import { invalidSetting } from './errors.ts';

export type FindingSeverity = 'refuse' | 'warn';

/** Stable codes, in the order findings are listed within a severity. */
export const FINDING_SEVERITY = {
  segmentOverlapsTiPrefix: 'refuse',
  managementOutsideTi: 'refuse',
  gatewayInTi: 'refuse',
  lanOverlapsSegment: 'refuse',
  lanOverlapsTiPrefix: 'refuse',
  wanOverlapsSegment: 'refuse',
  gatewayOnLan: 'refuse',
  wanCarrierGradeNat: 'warn',
  wanOverlapsTiPrefix: 'warn',
  routeOverlapsSegment: 'warn',
  routeOverlapsTiPrefix: 'warn',
  gatewayNotViaWan: 'warn',
} as const satisfies Record<string, FindingSeverity>;

export type FindingCode = keyof typeof FINDING_SEVERITY;

export interface PlanFinding {
  readonly code: FindingCode;
  readonly severity: FindingSeverity;
  /** The values the message names, for the web UI and machines. */
  readonly params: Readonly<Record<string, string>>;
  readonly message: string;
}

/** A route of the kernel's main table, as the LAN kernel adapter reads it. */
export interface MainRoute {
  /** `a.b.c.d/len`; 0.0.0.0/0 for the default route. */
  readonly dst: string;
  /** Kernel route type in lower case: `unicast`, `unreachable`, ... */
  readonly type: string;
  readonly dev?: string;
  readonly via?: string;
  /** `kernel` for the routes of the box's own addresses. */
  readonly proto?: string;
}

export interface PlanCheckInput {
  readonly tiSegment: string;
  readonly tiPrefixes: readonly string[];
  readonly managementPrefix: string;
  /** The box's practice-LAN addresses (`a.b.c.d/len`: by DHCP and the fallback), not its TI-segment address. */
  readonly lan: { readonly port: string; readonly addresses: readonly string[] };
  readonly wan: { readonly port: string; readonly addresses: readonly string[] };
  /** The main table: the practice's routes (from DHCP or by hand), the connected and the default routes. */
  readonly routes: readonly MainRoute[];
  /** The datacenter gateways' addresses; only IPv4 ones are checked (IKE over IPv6 meets no TI range). */
  readonly gateways: readonly string[];
}

/** The carrier-grade NAT range (RFC 6598): providers number their customers' WAN in it. */
const CARRIER_GRADE_NAT: Ipv4Prefix = { network: 100 * 2 ** 24 + 64 * 2 ** 16, length: 10 };

interface Range {
  readonly text: string;
  readonly prefix: Ipv4Prefix;
}

interface PortNetwork extends Range {
  /** The box's address in it. */
  readonly address: string;
  readonly port: string;
}

/** Every collision of the plan, refusals first. Throws TIBOX_LAN_INVALID for malformed input. */
export function checkAddressPlan(input: PlanCheckInput): PlanFinding[] {
  const segment = range(input.tiSegment, 'tiSegment');
  const tiPrefixes = input.tiPrefixes.map((text, i) => range(text, `tiPrefixes[${i}]`));
  const management = range(input.managementPrefix, 'managementPrefix');
  const lan = portNetworks(input.lan.port, input.lan.addresses, 'lan.addresses');
  const wan = portNetworks(input.wan.port, input.wan.addresses, 'wan.addresses');
  const routes = input.routes.map((r, i) => ({ route: r, prefix: range(r.dst, `routes[${i}]`).prefix }));
  const findings: PlanFinding[] = [];
  const add = (code: FindingCode, params: Record<string, string>) => findings.push(finding(code, params));
  const overlapOf = (a: Range, b: Range) => formatPrefix(a.prefix.length >= b.prefix.length ? a.prefix : b.prefix);

  for (const p of tiPrefixes) {
    if (prefixesOverlap(segment.prefix, p.prefix)) add('segmentOverlapsTiPrefix', { segment: segment.text, prefix: p.text });
  }
  if (!tiPrefixes.some((p) => prefixCovers(p.prefix, management.prefix))) add('managementOutsideTi', { management: management.text });

  for (const net of lan) {
    const where = { network: net.text, address: net.address, port: net.port };
    if (prefixesOverlap(net.prefix, segment.prefix)) add('lanOverlapsSegment', { ...where, segment: segment.text });
    for (const p of tiPrefixes) {
      if (prefixesOverlap(net.prefix, p.prefix)) add('lanOverlapsTiPrefix', { ...where, prefix: p.text, overlap: overlapOf(net, p) });
    }
  }
  for (const net of wan) {
    const where = { network: net.text, address: net.address, port: net.port };
    if (prefixesOverlap(net.prefix, segment.prefix)) add('wanOverlapsSegment', { ...where, segment: segment.text });
    for (const p of tiPrefixes) {
      if (!prefixesOverlap(net.prefix, p.prefix)) continue;
      const cgnat = prefixContains(CARRIER_GRADE_NAT, parseIpv4(net.address) ?? 0);
      add(cgnat ? 'wanCarrierGradeNat' : 'wanOverlapsTiPrefix', { ...where, prefix: p.text, overlap: overlapOf(net, p) });
    }
  }
  // The connected routes of the box's own addresses are judged above, the default route overlaps everything.
  for (const { route, prefix } of routes) {
    if (route.type !== 'unicast' || route.proto === 'kernel' || prefix.length === 0) continue;
    const r: Range = { text: route.dst, prefix };
    const text = routeText(route);
    if (prefixesOverlap(prefix, segment.prefix)) add('routeOverlapsSegment', { route: text, segment: segment.text, overlap: overlapOf(r, segment) });
    for (const p of tiPrefixes) {
      if (prefixesOverlap(prefix, p.prefix)) add('routeOverlapsTiPrefix', { route: text, prefix: p.text, overlap: overlapOf(r, p) });
    }
  }
  for (const gateway of input.gateways) {
    const address = parseIpv4(gateway);
    if (address === undefined) continue;
    const inside = [segment, ...tiPrefixes].find((r) => prefixContains(r.prefix, address));
    if (inside) {
      add('gatewayInTi', { gateway, range: inside === segment ? `the TI segment ${inside.text}` : `the TI prefix ${inside.text}` });
      continue;
    }
    const onLan = lan.find((net) => prefixContains(net.prefix, address));
    if (onLan) {
      add('gatewayOnLan', { gateway, network: onLan.text });
      continue;
    }
    const via = bestRoute(routes, address);
    if (via && (via.route.type !== 'unicast' || via.route.dev !== input.wan.port)) {
      add('gatewayNotViaWan', { gateway, route: routeText(via.route), wanPort: input.wan.port });
    }
  }
  return sortFindings(dedupe(findings));
}

/** The findings that refuse a change. */
export function refusals(findings: readonly PlanFinding[]): PlanFinding[] {
  return findings.filter((f) => f.severity === 'refuse');
}

function range(text: string, field: string): Range {
  const prefix = parsePrefix(text);
  if (!prefix) throw invalidSetting(field, `must be an IPv4 network without host bits, not ${JSON.stringify(text)}`);
  return { text: formatPrefix(prefix), prefix };
}

/** Each distinct network the port's addresses belong to (DHCP and fallback may share one). */
function portNetworks(port: string, addresses: readonly string[], field: string): PortNetwork[] {
  const networks = new Map<string, PortNetwork>();
  addresses.forEach((text, i) => {
    const parsed = parseInterfaceAddress(text);
    if (!parsed) throw invalidSetting(`${field}[${i}]`, `must be an address with its prefix length like 192.168.1.20/24, not ${JSON.stringify(text)}`);
    const prefix = networkOf(parsed.address, parsed.length);
    const key = formatPrefix(prefix);
    if (!networks.has(key)) networks.set(key, { text: key, prefix, address: formatIpv4(parsed.address), port });
  });
  return [...networks.values()];
}

/** The route the kernel's main table would take to `address`: the longest matching prefix. */
function bestRoute<T extends { prefix: Ipv4Prefix }>(routes: readonly T[], address: number): T | undefined {
  let best: T | undefined;
  for (const r of routes) if (prefixContains(r.prefix, address) && (!best || r.prefix.length > best.prefix.length)) best = r;
  return best;
}

function routeText(r: MainRoute): string {
  const words = [r.type === 'unicast' ? r.dst : `${r.type} ${r.dst}`];
  if (r.via) words.push(`via ${r.via}`);
  if (r.dev) words.push(`dev ${r.dev}`);
  return words.join(' ');
}

function finding(code: FindingCode, params: Record<string, string>): PlanFinding {
  return { code, severity: FINDING_SEVERITY[code], params, message: MESSAGES[code](params) };
}

function dedupe(findings: readonly PlanFinding[]): PlanFinding[] {
  return [...new Map(findings.map((f) => [f.message, f])).values()];
}

function sortFindings(findings: PlanFinding[]): PlanFinding[] {
  const order = Object.keys(FINDING_SEVERITY);
  const rank = (f: PlanFinding) => (f.severity === 'refuse' ? 0 : 1) * 100 + order.indexOf(f.code);
  return findings.sort((a, b) => rank(a) - rank(b) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

type Params = Readonly<Record<string, string>>;

const MESSAGES: Record<FindingCode, (p: Params) => string> = {
  segmentOverlapsTiPrefix: (p) =>
    `The TI segment ${p.segment} overlaps the TI prefix ${p.prefix}: the box would send traffic for its own TI devices into the tunnel. ` +
    'The VPN profile contradicts itself; ask the datacenter for a corrected profile.',
  managementOutsideTi: (p) =>
    `The management prefix ${p.management} lies outside every TI prefix, so the box would not reach remote management through the tunnel. ` +
    'Ask the datacenter for a corrected profile.',
  gatewayInTi: (p) =>
    `The datacenter gateway ${p.gateway} lies inside ${p.range}: its IKE packets would be routed into the tunnel they are meant to build. ` +
    'Ask the datacenter for a corrected profile.',
  lanOverlapsSegment: (p) =>
    `The practice LAN ${p.network} (the box's address ${p.address} on ${p.port}) overlaps the TI segment ${p.segment}: practice devices would ` +
    "take TI addresses for local ones, and the practice router's DHCP could hand them out. " +
    `Renumber the practice LAN to a range outside ${p.segment}, or ask the datacenter for a TI segment outside ${p.network}.`,
  lanOverlapsTiPrefix: (p) =>
    `The practice LAN ${p.network} (the box's address ${p.address} on ${p.port}) overlaps the TI prefix ${p.prefix}: the box would send its ` +
    `answers to practice devices in ${p.overlap} into the TI tunnel, and PVS hosts could not reach that part of the TI. ` +
    `Renumber the practice LAN to a range outside ${p.prefix}.`,
  wanOverlapsSegment: (p) =>
    `The WAN network ${p.network} (the box's address ${p.address} on ${p.port}) overlaps the TI segment ${p.segment}: the box could not ` +
    "tell the router's network from its own TI devices. " +
    `Give the router network of the WAN port a range outside ${p.segment}, or ask the datacenter for another TI segment.`,
  gatewayOnLan: (p) =>
    `The datacenter gateway ${p.gateway} lies in the practice LAN ${p.network}: its IKE packets would leave through the LAN port instead of the WAN port. ` +
    `Renumber the practice LAN so that it does not contain ${p.gateway}.`,
  wanCarrierGradeNat: (p) =>
    `The WAN address ${p.address} lies in the carrier-grade NAT range 100.64.0.0/10, which the TI also uses (TI prefix ${p.prefix}): ` +
    `the box still reaches the datacenter gateways, but not the hosts of its WAN network ${p.network} outside the tunnel ` +
    "(the router's DNS, for example). Ask the provider for a public IPv4 address or DS-Lite, or put a router with a private " +
    'network such as 192.168.178.0/24 in front of the WAN port.',
  wanOverlapsTiPrefix: (p) =>
    `The WAN network ${p.network} (the box's address ${p.address} on ${p.port}) overlaps the TI prefix ${p.prefix}: the box still reaches ` +
    `the datacenter gateways, but not the hosts of ${p.overlap} outside the tunnel (the router's DNS, for example). ` +
    `Give the router network of the WAN port a range outside ${p.prefix}.`,
  routeOverlapsSegment: (p) =>
    `The route ${p.route} overlaps the TI segment ${p.segment}: if the network behind it uses addresses of ${p.overlap}, they collide with ` +
    "the TI segment's devices. Remove or narrow the route, or ask the datacenter for another TI segment.",
  routeOverlapsTiPrefix: (p) =>
    `The route ${p.route} overlaps the TI prefix ${p.prefix}: the box sends its traffic for ${p.overlap} into the TI tunnel instead. ` +
    'Remove or narrow the route if that network must stay reachable from the box.',
  gatewayNotViaWan: (p) =>
    `The datacenter gateway ${p.gateway} would be reached by the route ${p.route}, not through the WAN port ${p.wanPort}: the tunnel would ` +
    "not leave through the WAN. Remove that route or check the cabling of the box's ports.",
};

/** One line for a health detail or an error message: the findings' messages, most severe first. */
export function describeFindings(findings: readonly PlanFinding[]): string {
  return findings.map((f) => f.message).join(' ');
}
