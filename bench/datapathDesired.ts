// The firewall desired states the data path benchmark loads: a box as the lab builds it, with a
// given number of registered hosts. The segment is the narrowest from the profile's default /26
// outwards whose halves hold them (a /22 for 1000: wider than any profile may give, which is why
// the benchmark builds the firewall's desired state itself). After the `pinned` hosts (the lab's
// real PVS host and terminal, so that their traffic passes) come PVS hosts in the LAN half and
// card terminals in the terminal half, in turn. Pure and deterministic; `variant` changes one
// host's CETP port, so two variants differ as after a device's change.
import type { FirewallDesired, FirewallInterfaces, RegisteredHost, SegmentHalves } from '../src/firewall/index.ts';
import { formatIpv4, formatPrefix, lastAddress, networkOf, parseIpv4, prefixContains, prefixSize, type Ipv4Prefix } from '../src/core/ipv4.ts';

/** What the box has besides its registered hosts (the lab box's values in the benchmark). */
export interface BenchSite {
  readonly interfaces: FirewallInterfaces;
  /** An address every segment tried contains, e.g. the lab's 10.77.12.0. */
  readonly segmentAddress: string;
  readonly practiceLanAddresses: readonly string[];
  readonly tiPrefixes: readonly string[];
  readonly managementPrefix?: string;
  readonly gateways: readonly string[];
  readonly tunnelMtu: number;
  /** Registered first, with their own addresses, MACs and ports. */
  readonly pinned: readonly RegisteredHost[];
}

/** The profile's default segment length, where the search starts. */
const NARROWEST = 26;
/** The firewall takes segments up to a /16. */
const WIDEST = 16;
const FIRST_CETP_PORT = 8000;

/** The two halves of a segment and the box's gateway (the first host) in each, as the LAN plan has them. */
export function halvesOf(segment: Ipv4Prefix): SegmentHalves {
  const length = segment.length + 1;
  const terminal = segment.network + prefixSize(length);
  return {
    lanHalf: formatPrefix({ network: segment.network, length }),
    lanGateway: formatIpv4(segment.network + 1),
    terminalHalf: formatPrefix({ network: terminal, length }),
    terminalGateway: formatIpv4(terminal + 1),
  };
}

/** Hands out a half's host addresses in order, past its gateway (the first host) and the taken ones. */
function addresses(half: Ipv4Prefix, taken: ReadonlySet<number>, onFull: () => Error): () => number {
  let next = half.network + 2;
  return () => {
    while (taken.has(next)) next += 1;
    if (next >= lastAddress(half)) throw onFull();
    return next++;
  };
}

/** `count` hosts in the segment: the pinned ones, then PVS hosts and terminals in turn. Throws when they do not fit. */
export function benchHosts(count: number, segment: Ipv4Prefix, pinned: readonly RegisteredHost[], variant = 0): RegisteredHost[] {
  if (!Number.isInteger(count) || count < pinned.length) throw new Error(`cannot register ${count} hosts with ${pinned.length} pinned ones`);
  const length = segment.length + 1;
  const lanHalf = { network: segment.network, length };
  const terminalHalf = { network: segment.network + prefixSize(length), length };
  const full = () => new Error(`${count} hosts do not fit into ${formatPrefix(segment)}`);
  const taken = new Set<number>();
  for (const host of pinned) {
    const address = parseIpv4(host.address) ?? -1;
    const fits = prefixContains(lanHalf, address) || (host.kind === 'terminal' && prefixContains(terminalHalf, address));
    if (!fits) throw new Error(`${host.name} (${host.address}) lies outside its half of ${formatPrefix(segment)}`);
    taken.add(address);
  }
  const lan = addresses(lanHalf, taken, full);
  const terminal = addresses(terminalHalf, taken, full);
  const hosts = [...pinned];
  // Ids after the pinned hosts', as the inventory numbers them.
  let nextId = Math.max(0, ...pinned.map((host) => host.id)) + 1;
  for (let i = 0; hosts.length < count; i++) {
    const number = String(i + 1).padStart(4, '0');
    // Locally administered unicast MACs, numbered.
    const mac = `02:be:00:${[16, 8, 0].map((shift) => ((i >> shift) & 0xff).toString(16).padStart(2, '0')).join(':')}`;
    const id = nextId++;
    hosts.push(i % 2 === 0
      ? { id, name: `PVS ${number}`, kind: 'pvs', address: formatIpv4(lan()), mac, cetpPorts: [FIRST_CETP_PORT + (i === 0 ? variant : 0)] }
      : { id, name: `Terminal ${number}`, kind: 'terminal', address: formatIpv4(terminal()), mac, cetpPorts: [] });
  }
  return hosts;
}

/** The most hosts the segment holds with the pinned ones, as benchHosts places them. */
export function mostHosts(segment: Ipv4Prefix, pinned: readonly RegisteredHost[]): number {
  const fits = (count: number) => {
    try {
      benchHosts(count, segment, pinned);
      return true;
    } catch {
      return false;
    }
  };
  let count = pinned.length;
  // Throws what is wrong when the pinned hosts alone do not fit.
  if (!fits(count)) benchHosts(count, segment, pinned);
  while (fits(count + 1)) count += 1;
  return count;
}

/** The narrowest segment (from a /26 outwards) around the site's address that holds `count` hosts. */
export function segmentFor(site: BenchSite, count: number): Ipv4Prefix {
  const address = parseIpv4(site.segmentAddress);
  if (address === undefined) throw new Error(`not an IPv4 address: ${site.segmentAddress}`);
  for (let length = NARROWEST; length >= WIDEST; length--) {
    const segment = networkOf(address, length);
    try {
      benchHosts(count, segment, site.pinned);
      return segment;
    } catch {
      // Too narrow (or the pinned hosts fall into the wrong half): the next wider one.
    }
  }
  throw new Error(`${count} hosts fit into no segment up to a /${WIDEST}`);
}

/** The firewall's desired state for the site with `count` registered hosts. */
export function benchDesired(site: BenchSite, count: number, variant = 0): FirewallDesired {
  const segment = segmentFor(site, count);
  return {
    interfaces: site.interfaces,
    tiSegment: formatPrefix(segment),
    halves: halvesOf(segment),
    practiceLanAddresses: site.practiceLanAddresses,
    tiPrefixes: site.tiPrefixes,
    ...(site.managementPrefix ? { managementPrefix: site.managementPrefix } : {}),
    gateways: site.gateways,
    tunnelMtu: site.tunnelMtu,
    hosts: benchHosts(count, segment, site.pinned, variant),
    ntp: false,
  };
}
