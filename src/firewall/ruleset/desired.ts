// What the tibox table is rendered from: plain readonly data (strings, numbers, booleans and
// lists), so two desired states compare by value and survive a JSON round trip. validate.ts
// checks every field before any of it reaches the ruleset's text.

/**
 * How decapsulated TI packets reach the box: kernel-libipsec hands them out of its TUN device
 * `ipsec0`; kernel XFRM hands them in on the WAN port with a security path attached.
 */
export type TunnelBackend = 'libipsec' | 'xfrm';

export interface FirewallInterfaces {
  /** The LAN port: the practice LAN and the LAN half of the TI segment. */
  readonly lan: string;
  /** The WAN port towards the practice router. */
  readonly wan: string;
  /** The bridge of the terminal ports, carrying the terminal half; absent when there is none. */
  readonly terminalBridge?: string;
  readonly tunnel: TunnelBackend;
}

/** The TI segment's halves and the box's gateway address in each (as the LAN address plan has them). */
export interface SegmentHalves {
  /** On the LAN port, e.g. 10.77.12.0/27. */
  readonly lanHalf: string;
  /** e.g. 10.77.12.1 */
  readonly lanGateway: string;
  /** On the terminal bridge, e.g. 10.77.12.32/27. */
  readonly terminalHalf: string;
  /** e.g. 10.77.12.33 */
  readonly terminalGateway: string;
}

export type HostKind = 'pvs' | 'terminal';

/** A practice device registered by its TI address and MAC (the device inventory's entries). */
export interface RegisteredHost {
  /** The inventory's id: never reused, and the same when the device is renamed or moves; its counters are keyed by it. */
  readonly id: number;
  /** Free text; the ruleset shows it, made safe, as its set element's comment. */
  readonly name: string;
  readonly kind: HostKind;
  /** Its address in the TI segment. */
  readonly address: string;
  /** The only MAC its TI address may come from. */
  readonly mac: string;
  /** TCP ports the connector delivers CETP events to; PVS hosts only. */
  readonly cetpPorts: readonly number[];
}

export interface FirewallDesired {
  readonly interfaces: FirewallInterfaces;
  /** The box's TI segment from the VPN profile, e.g. 10.77.12.0/26. */
  readonly tiSegment: string;
  readonly halves: SegmentHalves;
  /** The box's practice-LAN address(es) on the LAN port: the DHCP lease and the fixed fallback. */
  readonly practiceLanAddresses: readonly string[];
  /** The TI prefixes of the VPN profile, reached only through the tunnel. */
  readonly tiPrefixes: readonly string[];
  /** The datacenter's management network (inside the TI prefixes); it serves the box alone. */
  readonly managementPrefix?: string;
  /** The IKE gateways' addresses (IPv4 or IPv6 literals; names resolved first). */
  readonly gateways: readonly string[];
  /**
   * Where the management endpoint answers on the internet (outside the TI prefixes): the one
   * TCP connection the box opens out of the WAN (remote management while the tunnel is down,
   * and the tunnel's WAN probe knocking there); absent while its name has not resolved.
   */
  readonly managementOverInternet?: { readonly address: string; readonly port: number };
  /** MTU inside the tunnel: TCP's MSS is clamped to it minus 40 bytes of headers. */
  readonly tunnelMtu: number;
  readonly hosts: readonly RegisteredHost[];
  /** The box answers NTP on the LAN side. */
  readonly ntp: boolean;
}

/**
 * A box without a VPN profile: the fail-closed baseline, plus the web UI on the LAN port, so the
 * installer reaches a new box to import its profile. The LAN port is the config's; the baseline
 * the boot loads before the agent names no interface at all.
 */
export interface BaselineDesired {
  readonly baselineLan: string;
}

/** What the firewall can be asked to load: a full ruleset, the baseline with the web UI on the LAN port, or the bare baseline (null). */
export type FirewallState = FirewallDesired | BaselineDesired | null;

export function isBaseline(state: FirewallState): state is BaselineDesired {
  return state !== null && 'baselineLan' in state;
}
