// The data path: gathers the inputs of its plan (dataPathPlan.ts) and applies the parts in
// order, one pass at a time, whenever an input changes: the LAN's addresses first (dnsmasq
// listens on them, the firewall names them), then the practice-LAN DHCP client, the WAN-in-LAN
// watch, dnsmasq and the firewall. The VPN profile's part comes from ProfileService once the
// tunnel has taken the profile.
import { SerialQueue, type Logger } from '../core/index.ts';
import { isBaseline, type FirewallState, type TunnelBackend } from '../firewall/index.ts';
import type { DnsmasqDesired, LanDesired, PracticeDhcpDesired, WanInLanDesired } from '../lan/index.ts';
import type { Device } from '../lan/inventory/index.ts';
import type { ProfileDataPath } from '../ipsec/index.ts';
import { planDataPath, planLan, practiceAddresses, type DataPathDesired, type Ports } from './dataPathPlan.ts';

/** Kernel notifications come in bursts: the LAN port's addresses are read once the burst has passed. */
const ADDRESS_SETTLE_MS = 200;

export interface DataPathDeps {
  lan: { apply(desired: LanDesired | null): Promise<void> };
  practiceDhcp: { apply(desired: PracticeDhcpDesired | null): Promise<void> };
  wanInLan: { apply(desired: WanInLanDesired | null): Promise<void> };
  dnsmasq: { apply(desired: DnsmasqDesired | null): Promise<void> };
  firewall: { apply(desired: FirewallState): Promise<void> };
  ports: () => Ports;
  /** charon's kernel back end; undefined while charon has not said. */
  backend: () => Promise<TunnelBackend | undefined>;
  devices: () => readonly Device[];
  /** Every IPv4 address (`a.b.c.d/len`) on the LAN port. */
  lanAddresses: (port: string) => Promise<readonly string[]>;
  /** The tunnel's MTU in effect: the firewall clamps TCP's MSS to it. */
  tunnelMtu: () => number;
  /** Where the management endpoint answers on the internet, if known: the firewall lets the box's TCP out to it. */
  managementOverInternet: () => { readonly address: string; readonly port: number } | undefined;
  log: Logger;
}

export class DataPath {
  private readonly deps: DataPathDeps;
  private profilePart: ProfileDataPath | null = null;
  /**
   * The profile whose LAN side is on the box: prepare() puts a new one there before apply() gives
   * the whole, and a pass in between (the tunnel's MTU changed as it came up) must not take the
   * TI segment's addresses away again while the tunnel routes from them.
   */
  private lanProfile: ProfileDataPath | null = null;
  /** Until ProfileService has said what the profile is, other news must not close the firewall. */
  private told = false;
  /** The agent is stopping the parts the passes apply to: no pass starts any more. */
  private closed = false;
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
    this.profilePart = profile;
    this.lanProfile = profile;
    this.told = true;
    return this.pass();
  }

  /** The profile's part it was last given; null before a profile (the inventory's setup help names its TI prefixes and domains). */
  profile(): ProfileDataPath | null {
    return this.profilePart;
  }

  /**
   * The LAN side of a profile alone, before the tunnel takes it: the TI segment's addresses must be
   * on the box before the tunnel routes the TI prefixes from them (charon installs its policies
   * and routes from the local TI address). The rest follows with apply() once the tunnel has it.
   */
  prepare(profile: ProfileDataPath): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.lanProfile = profile;
    return this.queue.run(() => this.deps.lan.apply(planLan(profile, this.deps.ports())));
  }

  /** Another input changed (devices, ports, back end, the tunnel's MTU, the management endpoint): the same profile, composed anew. Rejects with what was refused. */
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
    const profile = this.profilePart;
    if (!profile || this.practice === undefined) return;
    const now = practiceAddresses(await this.deps.lanAddresses(this.deps.ports().lan), profile.tiSegment);
    if (addressKey(now) !== this.practice) await this.refresh();
  }

  /**
   * Starts no pass any more and resolves once those queued have finished: the agent calls it
   * before it stops the parts they apply to, so no pass writes into a part that has stopped.
   */
  close(): Promise<void> {
    this.closed = true;
    return this.queue.settled();
  }

  private pass(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.queue.run(() => this.converge());
  }

  private async converge(): Promise<void> {
    const { deps } = this;
    const profile = this.profilePart;
    const ports = deps.ports();
    await deps.lan.apply(planLan(this.lanProfile, ports));
    const management = deps.managementOverInternet();
    const desired = planDataPath({
      profile,
      ports,
      devices: deps.devices(),
      backend: await deps.backend(),
      lanAddresses: await deps.lanAddresses(ports.lan),
      tunnelMtu: deps.tunnelMtu(),
      ...(management && { managementOverInternet: management }),
    });
    await this.applyAfterLan(desired);
  }

  private async applyAfterLan(desired: DataPathDesired): Promise<void> {
    const { deps } = this;
    await deps.practiceDhcp.apply(desired.practiceDhcp);
    const wanInLanPorts = `${desired.wanInLan.lan} ${desired.wanInLan.wan}`;
    if (wanInLanPorts !== this.wanInLanPorts) {
      // Not awaited: each check waits a second for an ARP answer, and the firewall need not wait
      // for a warning. The watch runs its checks one at a time.
      void deps.wanInLan.apply(desired.wanInLan).catch((error: unknown) => deps.log.warn({ err: error }, 'WAN-in-LAN watch not told the ports'));
      this.wanInLanPorts = wanInLanPorts;
    }
    await deps.dnsmasq.apply(desired.dnsmasq);
    await deps.firewall.apply(desired.firewall);
    this.practice = desired.firewall && !isBaseline(desired.firewall) ? addressKey(desired.firewall.practiceLanAddresses) : undefined;
  }
}

function addressKey(addresses: readonly string[]): string {
  return [...addresses].sort().join(' ');
}
