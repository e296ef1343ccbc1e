// Learns the path MTU towards the gateway in use and sets what follows from it: the libipsec
// device's MTU (charon creates it at 1400 on every start: set again each time) and, through the
// composition root's onChange, the firewall's MSS clamp. DF probes go out only when something
// changed: a tunnel set up (to a gateway, after a failover, after a rekey), the box's address
// on the tunnel or the WAN port's link, `tunnel.wanMtu` back to 0, or the kernel learnt a smaller
// path MTU from an ICMP "fragmentation needed" on the way (its PMTU cache, read without sending
// anything). Passes run after kernel and charon events and on a slow safety-net timer; between
// them only the PMTU cache towards the gateway in use is read, every few seconds (one rtnetlink
// request), since the kernel learning a smaller path sends no event.
import { StateTracker, WatchLoop, type Health, type Lifecycle, type Logger, type SubsystemStatus } from '../../core/index.ts';
import type { KernelBackend } from '../charonConf.ts';
import { LIBIPSEC_DEVICE } from '../tunnel/backend.ts';
import type { TunnelVici } from '../tunnel/ports.ts';
import type { DfProbe } from './dfProbe.ts';
import { afterProbe, nextProbe, searchResult, startSearch, type SearchResult } from './dfSearch.ts';
import type { AddressFamily } from './espOverhead.ts';
import type { LinkMtus } from './linkMtu.ts';
import { decideMtu, type MtuDecision, type MtuFacts } from './mtuPlan.ts';
import type { PmtuCache } from './pmtuCache.ts';
import { describeTransform, tunnelInUse, type TunnelInUse } from './tunnelInUse.ts';
import { WAN_MTU_PROBE } from './wanMtuSetting.ts';

/** Ethernet's, where the WAN port cannot be read. */
const DEFAULT_LINK_MTU = 1500;
/**
 * kernel-libipsec reads packets from its device into buffers of the 1400 bytes it created it
 * with, whatever the device's MTU says later: a larger packet would be cut short.
 */
const LIBIPSEC_READS = 1400;

export interface PathMtuDeps {
  /** Link, address and route changes (the WAN port's link, charon's new device): `watch` subscribes and returns the unsubscribe. */
  kernel: { watch(onChange: () => void): () => void };
  vici: Pick<TunnelVici, 'isConnected' | 'listSas' | 'subscribe'>;
  links: LinkMtus;
  probe: DfProbe;
  pmtuCache: PmtuCache;
  /** The WAN port's name, as configured. */
  wanPort: () => string;
  /** `tunnel.wanMtu`, as configured: 0 probes. */
  configured: () => number;
  /** charon's kernel back end: only libipsec has a device whose MTU the box sets. */
  backend: () => Promise<KernelBackend | undefined>;
  health: Pick<Health, 'raise' | 'clear'>;
  log: Logger;
  /** The tunnel's MTU changed: the MSS clamp follows. */
  onChange: (decision: MtuDecision) => void;
  now?: () => Date;
  /** Tests give short timings; a pass only reads local state, the probes go out on changes alone. */
  settleMs?: number;
  intervalMs?: number;
  /** Between the PMTU cache readings. */
  cacheCheckMs?: number;
}

/** What `tibox status` shows of it. */
export interface PathMtuStatus extends MtuDecision {
  readonly gateway?: string;
  readonly transform?: string;
  /** ISO time of the last probe search, and how many probes it took. */
  readonly probedAt?: string;
  readonly probes?: number;
}

interface Probed {
  /** What the search was for: a change of any part probes again. */
  readonly key: string;
  readonly gateway: string;
  readonly result: SearchResult;
  readonly at: string;
}

export class PathMtuWatch implements Lifecycle {
  readonly name = 'path-mtu';
  private readonly deps: PathMtuDeps;
  private readonly tracker: StateTracker;
  private readonly loop: WatchLoop;
  private probed: Probed | undefined;
  private tunnel: TunnelInUse | undefined;
  private decision: MtuDecision = decideMtu({ configured: WAN_MTU_PROBE, linkMtu: DEFAULT_LINK_MTU });
  private unsubscribes: (() => Promise<void>)[] = [];
  private cacheCheck: NodeJS.Timeout | undefined;

  constructor(deps: PathMtuDeps) {
    this.deps = deps;
    this.tracker = new StateTracker(this.name, deps.now);
    this.loop = new WatchLoop(() => this.run(), { settleMs: deps.settleMs ?? 200, intervalMs: deps.intervalMs ?? 60_000 });
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.loop.start((onChange) => this.deps.kernel.watch(onChange));
    this.cacheCheck = setInterval(() => {
      this.checkCache().catch(() => undefined);
    }, this.deps.cacheCheckMs ?? 5_000);
    this.cacheCheck.unref();
    this.tracker.set('running');
    const kick = () => this.kick();
    this.unsubscribes = [await this.deps.vici.subscribe('child-updown', kick), await this.deps.vici.subscribe('ike-updown', kick)];
    kick();
  }

  async stop(): Promise<void> {
    clearInterval(this.cacheCheck);
    for (const unsubscribe of this.unsubscribes.splice(0)) await unsubscribe().catch(() => undefined);
    await this.loop.stop();
    this.tracker.set('stopped');
  }

  status(): SubsystemStatus {
    return this.tracker.get();
  }

  /** Something changed (the configured line MTU): a pass now; a failed one was logged. */
  kick(): void {
    this.passNow().catch(() => undefined);
  }

  /** A pass once those queued are done; rejects with its error. */
  passNow(): Promise<void> {
    return this.loop.running ? this.loop.serially(() => this.run()) : Promise.resolve();
  }

  /** The tunnel's MTU in effect: the firewall's MSS clamp is planned from it. */
  current(): MtuDecision {
    return this.decision;
  }

  mtuStatus(): PathMtuStatus {
    const { probed, tunnel } = this;
    return {
      ...this.decision,
      ...(tunnel ? { gateway: tunnel.gateway, transform: describeTransform(tunnel.transform) } : {}),
      ...(probed ? { probedAt: probed.at, probes: probed.result.probes } : {}),
    };
  }

  /**
   * The kernel learnt a smaller path towards the probed gateway than the one in effect: a pass,
   * which probes again. A failed reading waits for the next one.
   */
  private async checkCache(): Promise<void> {
    const probed = this.probed;
    if (!this.loop.running || !probed || this.deps.configured() !== WAN_MTU_PROBE) return;
    const cached = await this.deps.pmtuCache.read(probed.gateway).catch(() => undefined);
    if (cached !== undefined && cached < this.decision.pathMtu) this.kick();
  }

  /** A pass; its failure is logged and shown, and the next event or tick tries again. */
  private async run(): Promise<void> {
    try {
      const wanting = await this.pass();
      this.tracker.set(wanting === undefined ? 'running' : 'degraded', wanting);
    } catch (error) {
      this.deps.log.warn({ err: error }, 'path MTU pass failed');
      this.tracker.set('failed', (error as Error).message);
      throw error;
    }
  }

  private async pass(): Promise<string | undefined> {
    const { vici, links } = this.deps;
    const configured = this.deps.configured();
    const listed = vici.isConnected ? tunnelInUse(await vici.listSas({ noblock: true })) : undefined;
    // Between tunnels the last one's transform stands: the clamp must not jump while one is rebuilt.
    if (listed) this.tunnel = listed;
    const libipsec = (await this.deps.backend()) === 'libipsec';
    const wan = await links.read(this.deps.wanPort());
    const linkMtu = wan?.mtu ?? DEFAULT_LINK_MTU;
    if (configured !== WAN_MTU_PROBE) this.probed = undefined;
    else if (listed) await this.probeIfChanged(listed, linkMtu, wan?.up ?? false);
    const facts: MtuFacts = {
      configured,
      linkMtu,
      ...(this.probed ? { probe: { ...this.probed.result, gateway: this.probed.gateway } } : {}),
      ...(this.tunnel ? { tunnel: { transform: this.tunnel.transform, family: familyOf(this.tunnel.gateway) } } : {}),
      ...(libipsec ? { deviceLimit: LIBIPSEC_READS } : {}),
    };
    this.settle(decideMtu(facts));
    return libipsec ? this.setDevice() : undefined;
  }

  private async probeIfChanged(tunnel: TunnelInUse, linkMtu: number, up: boolean): Promise<void> {
    const key = [tunnel.gateway, tunnel.ikeId, tunnel.localHost, linkMtu, up].join(' ');
    let because: string | undefined;
    if (this.probed?.key !== key) because = this.probed?.gateway === tunnel.gateway ? 'tunnel or WAN port changed' : 'tunnel to a new gateway';
    else {
      // A failed reading says nothing learnt: the next pass or cache check reads again.
      const cached = await this.deps.pmtuCache.read(tunnel.gateway).catch(() => undefined);
      if (cached !== undefined && cached < this.decision.pathMtu) because = `fragmentation needed on the way: the kernel learnt MTU ${cached}`;
    }
    if (because === undefined) return;
    await this.deps.pmtuCache.flush();
    const result = await this.search(tunnel.gateway, linkMtu);
    this.deps.log.info({ gateway: tunnel.gateway, because, result }, 'path MTU probed');
    // Nothing answered, nothing named an MTU: the WAN or the gateway is down for the moment, which
    // says nothing about the line. What was learnt towards this gateway before stands.
    const previous = this.probed?.gateway === tunnel.gateway ? this.probed : undefined;
    const learnt = result.kind === 'found' || result.reported !== undefined;
    this.probed = { key, gateway: tunnel.gateway, result: learnt || !previous ? result : previous.result, at: (this.deps.now?.() ?? new Date()).toISOString() };
  }

  /** The DF probes of one search, one after another. */
  private async search(gateway: string, linkMtu: number): Promise<SearchResult> {
    const family = familyOf(gateway);
    let search = startSearch(linkMtu, family);
    for (let size = nextProbe(search); size !== undefined; size = nextProbe(search)) {
      search = afterProbe(search, size, await this.deps.probe(gateway, size, family));
    }
    return searchResult(search);
  }

  private settle(decision: MtuDecision): void {
    const { health, log, onChange } = this.deps;
    if (decision.small) health.raise('wan.smallPathMtu', decision.small);
    else health.clear('wan.smallPathMtu');
    const before = this.decision;
    this.decision = decision;
    if (before.tunnelMtu === decision.tunnelMtu && before.pathMtu === decision.pathMtu) return;
    log.info({ pathMtu: decision.pathMtu, source: decision.source, because: decision.because, tunnelMtu: decision.tunnelMtu, mss: decision.mss }, 'tunnel MTU');
    onChange(decision);
  }

  /** libipsec's device to the tunnel's MTU; why not, if it could not be set. */
  private async setDevice(): Promise<string | undefined> {
    const device = await this.deps.links.read(LIBIPSEC_DEVICE);
    // No device: charon is not running; its next start creates it and the link event brings a pass.
    if (!device || device.mtu === this.decision.tunnelMtu) return undefined;
    try {
      await this.deps.links.set(LIBIPSEC_DEVICE, this.decision.tunnelMtu);
      this.deps.log.info({ device: LIBIPSEC_DEVICE, from: device.mtu, to: this.decision.tunnelMtu }, 'tunnel device MTU set');
      return undefined;
    } catch (error) {
      this.deps.log.warn({ err: error }, 'tunnel device MTU not set');
      return `${LIBIPSEC_DEVICE} MTU not set: ${(error as Error).message}`;
    }
  }
}

function familyOf(address: string): AddressFamily {
  return address.includes(':') ? 6 : 4;
}
