// The data path's desired states, composed in one place: from the ports of the config, the VPN
// profile's part (ProfileService hands it over once the tunnel has taken the profile), the
// registered devices and the tunnel's kernel back end to the LAN plan, the practice-LAN DHCP
// client, the WAN-in-LAN watch, dnsmasq and the firewall.
// They are applied in that order, the LAN's addresses first (dnsmasq listens on them, the
// firewall names them), one pass at a time, whenever an input changes. Without a profile the
// firewall keeps the fail-closed baseline and dnsmasq is not started: there is no TI segment yet.
import { SerialQueue, parseIpv4, parsePrefix, prefixContains, parseInterfaceAddress, type Logger } from '../core/index.ts';
import type { FirewallDesired, TunnelBackend } from '../firewall/index.ts';
import { dnsmasqDesired, TERMINAL_BRIDGE, type DnsmasqDesired, type LanDesired, type PracticeDhcpDesired, type WanInLanDesired } from '../lan/index.ts';
import type { SegmentHalves } from '../lan/index.ts';
import type { Device } from '../lan/inventory/index.ts';
import type { ProfileDataPath } from '../ipsec/index.ts';

/** MTU of kernel-libipsec's TUN device; TCP's MSS is clamped to fit it. */
const TUNNEL_MTU = 1400;
/** Kernel notifications come in bursts: the LAN port's addresses are read once the burst has passed. */
const ADDRESS_SETTLE_MS = 200;

export interface Ports {
  readonly lan: string;
  /** The fixed practice-LAN address beside the DHCP lease, `a.b.c.d/len`. */
  readonly lanFallback: string;
  readonly wan: string;
  readonly terminals: readonly string[];
}

export interface DataPathDeps {
  lan: { apply(desired: LanDesired | null): Promise<void>; halves(): SegmentHalves | null };
  practiceDhcp: { apply(desired: PracticeDhcpDesired | null): Promise<void> };
  wanInLan: { apply(desired: WanInLanDesired | null): Promise<void> };
  dnsmasq: { apply(desired: DnsmasqDesired | null): Promise<void> };
  firewall: { apply(desired: FirewallDesired | null): Promise<void> };
  ports: () => Ports;
  /** charon's kernel back end; undefined while charon has not said. */
  backend: () => Promise<TunnelBackend | undefined>;
  devices: () => readonly Device[];
  /** Every IPv4 address (`a.b.c.d/len`) on the LAN port. */
  lanAddresses: (port: string) => Promise<readonly string[]>;
  log: Logger;
}

export class DataPath {
  private readonly deps: DataPathDeps;
  private profile: ProfileDataPath | null = null;
  /** Until ProfileService has said what the profile is, other news must not close the firewall. */
  private told = false;
  private readonly queue = new SerialQueue();
  /** The practice-LAN addresses the firewall was last given, as a key; undefined while it has none. */
  private practice: string | undefined;
  /** The ports the WAN-in-LAN watch was last given; it checks again by itself (kernel events, timer). */
  private wanInLanPorts: string | undefined;

  constructor(deps: DataPathDeps) {
    this.deps = deps;
  }

  /** The profile's part; null before a profile. Throws what the LAN or the firewall refused. */
  apply(profile: ProfileDataPath | null): Promise<void> {
    this.profile = profile;
    this.told = true;
    return this.pass();
  }

  /**
   * The LAN side of a profile alone, before the tunnel takes it: the TI segment's addresses must be
   * on the box before the tunnel routes the TI prefixes from them (charon installs its policies
   * and routes from the local TI address). The rest follows with apply() once the tunnel has it.
   */
  prepare(profile: ProfileDataPath): Promise<void> {
    return this.queue.run(() => this.deps.lan.apply(this.lanDesired(profile)));
  }

  /** Another input changed (devices, ports, back end): the same profile, composed anew. Rejects with what was refused. */
  refresh(): Promise<void> {
    if (!this.told) return Promise.resolve();
    return this.pass();
  }

  /**
   * Follows the LAN port's addresses (`watch` calls back on any link or address change): when its
   * practice-LAN addresses change (a DHCP lease arrives, moves or runs out), the data path is
   * composed anew, so the firewall serves the box's new address and no longer takes the old one,
   * now perhaps another host's, for the box's own. Returns the unsubscribe.
   */
  followLanAddresses(watch: (onChange: () => void) => () => void, settleMs = ADDRESS_SETTLE_MS): () => void {
    let settle: NodeJS.Timeout | undefined;
    const unwatch = watch(() => {
      if (settle) return;
      settle = setTimeout(() => {
        settle = undefined;
        void this.practiceChanged().catch((error: unknown) => this.deps.log.error({ err: error }, 'data path could not follow the LAN port addresses'));
      }, settleMs);
    });
    return () => {
      unwatch();
      clearTimeout(settle);
    };
  }

  private async practiceChanged(): Promise<void> {
    const profile = this.profile;
    if (!profile || this.practice === undefined) return;
    const now = practiceAddresses(await this.deps.lanAddresses(this.deps.ports().lan), profile.tiSegment);
    if (addressKey(now) !== this.practice) await this.refresh();
  }

  private lanDesired(profile: ProfileDataPath | null): LanDesired {
    const ports = this.deps.ports();
    return {
      ports,
      practiceFallback: ports.lanFallback,
      ti: profile
        ? { tiSegment: profile.tiSegment, tiPrefixes: profile.tiPrefixes, managementPrefix: profile.managementPrefix, gateways: profile.gatewayAddresses }
        : null,
    };
  }

  private pass(): Promise<void> {
    return this.queue.run(() => this.converge());
  }

  private async converge(): Promise<void> {
    const { deps } = this;
    const profile = this.profile;
    const ports = deps.ports();
    await deps.lan.apply(this.lanDesired(profile));
    await deps.practiceDhcp.apply({ port: ports.lan });
    if (`${ports.lan} ${ports.wan}` !== this.wanInLanPorts) {
      // Not awaited: each check waits a second for an ARP answer, and the firewall need not wait
      // for a warning. The watch runs its checks one at a time.
      void deps.wanInLan.apply({ lan: ports.lan, wan: ports.wan }).catch((error: unknown) => deps.log.warn({ err: error }, 'WAN-in-LAN watch not told the ports'));
      this.wanInLanPorts = `${ports.lan} ${ports.wan}`;
    }
    const halves = deps.lan.halves();
    if (!profile || !halves) {
      // No TI segment: dnsmasq, which runs whatever the agent wants, serves nothing.
      await deps.dnsmasq.apply(null);
      await deps.firewall.apply(null);
      this.practice = undefined;
      return;
    }
    const terminalBridge = ports.terminals.length > 0 ? TERMINAL_BRIDGE : null;
    // A device a new profile left outside its segment waits to be moved (the inventory shows it);
    // it must not make the firewall refuse everyone else's ruleset.
    const segment = parsePrefix(profile.tiSegment);
    const devices = deps.devices().filter((d) => {
      const address = parseIpv4(d.address);
      return segment !== undefined && address !== undefined && prefixContains(segment, address);
    });
    await deps.dnsmasq.apply(
      dnsmasqDesired({
        halves,
        lanPort: ports.lan,
        terminalBridge,
        tiDns: profile.tiDns,
        terminals: devices.filter((d) => d.kind === 'terminal').map(({ name, mac, address }) => ({ name, mac, address })),
      }),
    );
    const practiceLanAddresses = practiceAddresses(await deps.lanAddresses(ports.lan), profile.tiSegment);
    await deps.firewall.apply({
      // A back end not known yet fails closed either way: each guess drops what the other would pass.
      interfaces: { lan: ports.lan, wan: ports.wan, ...(terminalBridge ? { terminalBridge } : {}), tunnel: (await deps.backend()) ?? 'libipsec' },
      tiSegment: profile.tiSegment,
      halves,
      practiceLanAddresses,
      tiPrefixes: profile.tiPrefixes,
      managementPrefix: profile.managementPrefix,
      gateways: profile.gatewayAddresses,
      tunnelMtu: TUNNEL_MTU,
      hosts: devices.map(({ id, name, kind, address, mac, cetpPorts }) => ({ id, name, kind, address, mac, cetpPorts })),
      ntp: false,
    });
    this.practice = addressKey(practiceLanAddresses);
  }
}

function addressKey(addresses: readonly string[]): string {
  return [...addresses].sort().join(' ');
}

/** The LAN port's practice-LAN addresses: all but those in the TI segment. */
function practiceAddresses(addresses: readonly string[], tiSegment: string): string[] {
  const segment = parsePrefix(tiSegment);
  return addresses.flatMap((text) => {
    const address = parseInterfaceAddress(text)?.address;
    if (address === undefined || (segment && prefixContains(segment, address))) return [];
    return [text.split('/')[0] as string];
  });
}
