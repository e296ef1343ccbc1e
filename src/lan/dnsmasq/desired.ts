// What the box's dnsmasq should serve, as plain readonly data (ARCHITECTURE habit 4).
// dnsmasqDesired() (fromSegment.ts) builds it from the VPN profile (TI DNS, TI domains), the
// address plan's halves, the ports and the registered terminals.

/** A registered card terminal: its static lease on the terminal bridge, bound to its MAC. */
export interface StaticLease {
  /**
   * The name it is registered under, printable text of up to 63 characters. Written as a comment
   * above its lease, never as the DHCP host name: that would replace the name the terminal sends
   * itself (some put model and serial number there), which the inventory reads from the leases.
   */
  readonly name: string;
  /** Canonical `aa:bb:cc:dd:ee:ff` (lower case, colons), a unicast address, as the inventory stores it. */
  readonly mac: string;
  /** Inside the terminal half, neither its network, broadcast nor gateway address. */
  readonly address: string;
}

/** DHCP on the terminal bridge: static leases for registered terminals, nothing for anyone else. */
export interface TerminalDhcp {
  /** The Linux bridge of the terminal ports. */
  readonly bridge: string;
  /** The terminal half of the TI segment, e.g. 10.77.12.32/27. */
  readonly prefix: string;
  /** The box's address on the bridge: the terminals' router and DNS server; one of `listen`. */
  readonly gateway: string;
  /** 120 s (dnsmasq's minimum) to one week. */
  readonly leaseSeconds: number;
  readonly terminals: readonly StaticLease[];
}

export interface TiDns {
  /** The TI DNS servers of the profile, reached through the tunnel. */
  readonly servers: readonly string[];
  /** Domains that only the TI DNS answers (e.g. telematik, telematik-test, splitdns.ti-dienste.de), subdomains included. */
  readonly domains: readonly string[];
  /** The box's TI-segment address that queries leave from, so the tunnel carries them; one of `listen`. */
  readonly source: string;
}

export interface DnsmasqDesired {
  /** The box's TI addresses where DNS is answered (LAN-half and terminal gateways); never a WAN or practice-LAN address. */
  readonly listen: readonly string[];
  /** The LAN port on the practice LAN: the practice router serves DHCP there, the box never does. */
  readonly lanPort: string;
  readonly tiDns: TiDns;
  /** Resolvers for every other name. None by default: the box then refuses every other name and asks nobody. */
  readonly upstreams: readonly string[];
  /** null: the box has no terminal bridge and serves no DHCP at all. */
  readonly dhcp: TerminalDhcp | null;
}
