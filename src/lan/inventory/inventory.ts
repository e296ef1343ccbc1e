// The device inventory subsystem: the registered PVS hosts and card terminals (registry.ts), the
// hosts seen on the LAN and terminal ports (neighbours, from rtnetlink), terminals found but not
// registered yet (DHCP requests and the TCP 4742 probe), each registered terminal's reachability
// over time, and the setup text for each device. It owns no kernel state: stop() only stops
// watching and probing. Registrations are the desired state others build on (dnsmasq's static
// leases, the firewall's flows); onChange hands them the new list after each change.
import {
  StateTracker, isHostAddress, parseIpv4, type BestEffortStore, type Health, type Logger, type Lifecycle, type SubsystemStatus,
} from '../../core/index.ts';
import type { BoxPort } from './boxPorts.ts';
import type { Device, DeviceFields, DeviceRef } from './device.ts';
import type { DeviceAuditEntry, DeviceRepository } from './deviceRepository.ts';
import { cleanSighting, type DhcpSighting, type RawSighting } from './dhcp.ts';
import { DEFAULT_DISCOVERY, dueProbes, probeKey, rememberSighting, terminalCandidates, type KnownSighting, type ProbeRecord, type TerminalCandidate } from './discovery.ts';
import { DeviceError } from './errors.ts';
import { LeaseFileWatcher } from './leaseFile.ts';
import type { NeighbourSource } from './netlinkNeighbours.ts';
import { DEFAULT_MERGE, mergeNeighbours, type NeighbourEntry } from './neighbours.ts';
import type { Reachability, Transition } from './reachability.ts';
import { StoredReachabilityHistory } from './reachabilityHistory.ts';
import type { ReachabilityRepository } from './reachabilityRepository.ts';
import { ReachabilityTracker } from './reachabilityTracker.ts';
import { DeviceRegistry, type Surroundings } from './registry.ts';
import { checkHalves, type TiHalves } from './segment.ts';
import { pvsSetup, terminalSetup, type PvsSetup } from './setupCommands.ts';
import { halvesFor, validateDeviceSet } from './validate.ts';
import { PROBE_TIMEOUT_MS, SICCT_PORT, type TcpProbe } from './tcpProbe.ts';

export interface InventoryTimings {
  /** The neighbour table is read again this often even without a notification. */
  neighbourRefreshMs: number;
  /** Notifications come in bursts; one read follows a burst after this quiet time. */
  neighbourDebounceMs: number;
  /** How often unregistered neighbours are probed for the SICCT port (a few per round). */
  discoveryIntervalMs: number;
  /** A neighbour whose SICCT port was closed is tried again after this long. */
  discoveryRetryMs: number;
  /** How often every registered terminal is probed. */
  reachabilityIntervalMs: number;
  probeTimeoutMs: number;
  leasePollMs: number;
}

export const DEFAULT_INVENTORY_TIMINGS: InventoryTimings = {
  neighbourRefreshMs: 60_000,
  neighbourDebounceMs: 250,
  discoveryIntervalMs: 60_000,
  discoveryRetryMs: DEFAULT_DISCOVERY.retryFailedAfterMs,
  reachabilityIntervalMs: 30_000,
  probeTimeoutMs: PROBE_TIMEOUT_MS,
  leasePollMs: 10_000,
};

/** What the profile says about the TI, for the setup text. */
export interface TiRouting {
  readonly prefixes: readonly string[];
  readonly domains: readonly string[];
}

export interface DeviceInventoryDeps {
  /** The registered devices and their audit log; undefined while the database is closed (asked on each use). */
  devices: () => DeviceRepository | undefined;
  /** The terminals' reachability history; undefined while the database is closed (asked on each use). */
  reachability: () => ReachabilityRepository | undefined;
  /** Runs the history's database work so that a failure stops no probe (health 'database.notWritable'). */
  bestEffort: BestEffortStore;
  /** The TI segment's halves from the address plan; undefined before there is a profile. */
  halves: () => TiHalves | undefined;
  ti: () => TiRouting | undefined;
  /** The box's own ports with their MACs, read at each registration or change: no device may have one of them. */
  boxPorts: () => Promise<readonly BoxPort[]>;
  /** The interfaces whose neighbours count: the LAN port and the terminal bridge. */
  interfaces: () => readonly string[];
  neighbours: NeighbourSource;
  probe: TcpProbe;
  health: Pick<Health, 'raise' | 'clear'>;
  log: Logger;
  now?: () => Date;
  /** dnsmasq's lease file: the leases it gave, with the names the terminals sent. */
  leaseFile?: string;
  /** Told the registered devices after each change. */
  onChange?: (devices: readonly Device[]) => void;
  /** Told when a terminal becomes reachable or unreachable. */
  onReachabilityChange?: () => void;
  timings?: Partial<InventoryTimings>;
}

export interface DeviceView extends Device {
  /** False when the address lies outside the current TI segment (a new profile moved it). */
  inSegment: boolean;
  /** Terminals only, once probed. */
  reachability?: Reachability;
  /** The device's latest DHCP request to the box, with the name and vendor class it sent (often model and serial). */
  dhcp?: DhcpSighting;
}

export interface SetupOptions {
  windowsInterface?: string;
  linuxInterface?: string;
}

export type SetupText = ({ kind: 'pvs' } & PvsSetup) | { kind: 'terminal'; terminal: string };

export class DeviceInventory implements Lifecycle {
  readonly name = 'inventory';
  private readonly deps: DeviceInventoryDeps;
  private readonly timings: InventoryTimings;
  private readonly now: () => Date;
  private readonly state: StateTracker;
  private readonly registry: DeviceRegistry;
  private readonly history: ReachabilityRepository;
  private readonly tracker: ReachabilityTracker;
  private readonly leases: LeaseFileWatcher | undefined;
  private neighbourList: NeighbourEntry[] = [];
  private sightings: KnownSighting[] = [];
  private probes = new Map<string, ProbeRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private unwatch: (() => void) | undefined;
  private refreshing: Promise<void> | undefined;
  private readAgain = false;
  private discovering = false;
  private debounce: NodeJS.Timeout | undefined;
  private running = false;

  constructor(deps: DeviceInventoryDeps) {
    this.deps = deps;
    this.timings = { ...DEFAULT_INVENTORY_TIMINGS, ...deps.timings };
    this.now = deps.now ?? (() => new Date());
    this.state = new StateTracker(this.name, this.now);
    this.registry = new DeviceRegistry({ devices: deps.devices, now: this.now });
    this.history = new StoredReachabilityHistory(deps.reachability, deps.bestEffort);
    this.tracker = new ReachabilityTracker({
      terminals: () => this.registeredOrNone().filter((d) => d.kind === 'terminal'),
      probe: deps.probe,
      history: this.history,
      health: deps.health,
      log: deps.log,
      now: this.now,
      intervalMs: this.timings.reachabilityIntervalMs,
      timeoutMs: this.timings.probeTimeoutMs,
      ...(deps.onReachabilityChange ? { onTransition: deps.onReachabilityChange } : {}),
    });
    this.leases = deps.leaseFile
      ? new LeaseFileWatcher({
          path: deps.leaseFile,
          onLeases: (leases) => leases.forEach((l) => this.remember(l)),
          log: deps.log,
          now: this.now,
          intervalMs: this.timings.leasePollMs,
        })
      : undefined;
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.state.set('starting');
    this.running = true;
    this.unwatch = this.deps.neighbours.watch(() => this.neighboursChanged());
    await this.refreshNeighbours();
    this.every(this.timings.neighbourRefreshMs, 'neighbour refresh', () => this.refreshNeighbours());
    this.every(this.timings.discoveryIntervalMs, 'terminal discovery', () => this.discover());
    this.tracker.start();
    this.leases?.start();
    if (this.state.get().state === 'starting') this.state.set('running');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unwatch?.();
    this.unwatch = undefined;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.leases?.stop();
    await this.tracker.stop();
    await this.refreshing;
    this.state.set('stopped');
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  /** The registered devices, plain (for dnsmasq and the firewall). */
  devices(): Device[] {
    return this.registry.list();
  }

  list(): DeviceView[] {
    return this.registry.list().map((d) => this.view(d));
  }

  /** The device a person names by its id, name, TI address or MAC. */
  locate(text: string): Device {
    return this.registry.locate(text);
  }

  show(ref: DeviceRef): DeviceView {
    return this.view(this.registry.find(ref));
  }

  async register(fields: DeviceFields, actor: string): Promise<DeviceView> {
    const device = this.registry.register(fields, await this.surroundings(), actor);
    this.changed(device, 'registered', actor);
    return this.view(device);
  }

  async change(ref: DeviceRef, change: Partial<DeviceFields>, actor: string): Promise<DeviceView> {
    const device = this.registry.change(ref, change, await this.surroundings(), actor);
    this.changed(device, 'changed', actor);
    return this.view(device);
  }

  remove(ref: DeviceRef, actor: string): Device {
    const device = this.registry.remove(ref, actor);
    this.changed(device, 'removed', actor);
    return device;
  }

  audit(limit: number): DeviceAuditEntry[] {
    return this.registry.audit(limit);
  }

  /**
   * The set in canonical form if it may replace the registered devices (a settings backup
   * restored), else the DeviceError of its first problem: each device is checked as a registration
   * against the box's ports and the set, but not against the TI segment, which the box may not
   * have yet, or another one than the box that made the backup (validateDeviceSet).
   */
  async checkReplacement(set: readonly DeviceFields[]): Promise<DeviceFields[]> {
    return validateDeviceSet(set, { halves: undefined, boxPorts: await this.deps.boxPorts() });
  }

  /** The registered devices were replaced as a whole in the caller's transaction (a restore, a factory reset): the others hear of it. */
  replaced(actor: string): void {
    const devices = this.registry.list();
    this.deps.log.info({ devices: devices.length, actor }, 'registered devices replaced');
    this.deps.onChange?.(devices);
    if (this.running) void this.tracker.kick().catch((error: unknown) => this.failed('reachability round', error));
  }

  reachabilityHistory(ref: DeviceRef, limit: number): Transition[] {
    return this.history.recent(this.registry.find(ref).id, limit);
  }

  setup(ref: DeviceRef, options: SetupOptions): SetupText {
    const device = this.registry.find(ref);
    const halves = this.deps.halves();
    if (!halves) throw new DeviceError('TIBOX_DEVICE_NO_SEGMENT', {});
    if (device.kind === 'terminal') return { kind: 'terminal', terminal: terminalSetup(device, halves) };
    const ti = this.deps.ti();
    if (!ti) throw new DeviceError('TIBOX_DEVICE_NO_SEGMENT', {});
    return {
      kind: 'pvs',
      ...pvsSetup({
        device,
        halves,
        tiPrefixes: ti.prefixes,
        tiDomains: ti.domains,
        // The box's DNS answers the TI domains on its TI addresses; PVS hosts reach the LAN-half one.
        dnsServer: halves.lanGateway,
        windowsInterface: options.windowsInterface ?? 'Ethernet',
        linuxInterface: options.linuxInterface ?? 'eth0',
      }),
    };
  }

  neighbours(): NeighbourEntry[] {
    return [...this.neighbourList];
  }

  /** Terminals seen on the box's ports that are not registered. */
  candidates(): TerminalCandidate[] {
    return terminalCandidates(this.sightings, this.neighbourList, this.probes, this.registeredOrNone());
  }

  /**
   * The hook for the dnsmasq side: one DHCP request as dnsmasq saw it. Outside input, checked
   * here; returns false for a sighting that was not usable (and so dropped).
   */
  dhcpSeen(raw: RawSighting): boolean {
    const sighting = cleanSighting(raw, this.now());
    if (sighting) this.remember(sighting);
    return sighting !== undefined;
  }

  private remember(sighting: DhcpSighting): void {
    this.sightings = rememberSighting(this.sightings, sighting, DEFAULT_DISCOVERY.maxSightings);
  }

  /** What a registration or change is checked against, read now: a port's MAC can change. */
  private async surroundings(): Promise<Surroundings> {
    return { halves: this.deps.halves(), boxPorts: await this.deps.boxPorts() };
  }

  private view(device: Device): DeviceView {
    const reachability = device.kind === 'terminal' ? this.tracker.state(device.id) : undefined;
    const sighting = this.sightings.find((s) => s.mac === device.mac);
    const dhcp: DhcpSighting | undefined = sighting && {
      mac: sighting.mac,
      at: sighting.at,
      ...(sighting.address ? { address: sighting.address } : {}),
      ...(sighting.hostname ? { hostname: sighting.hostname } : {}),
      ...(sighting.vendorClass ? { vendorClass: sighting.vendorClass } : {}),
    };
    return { ...device, inSegment: this.inSegment(device), ...(reachability ? { reachability } : {}), ...(dhcp ? { dhcp } : {}) };
  }

  private inSegment(device: Device): boolean {
    const halves = this.deps.halves();
    const address = parseIpv4(device.address);
    if (!halves || address === undefined) return false;
    let checked;
    try {
      checked = checkHalves(halves);
    } catch {
      // Halves that cannot be used hold no device; registering says why.
      return false;
    }
    return halvesFor(device.kind, checked).some((half) => isHostAddress(half.prefix, address));
  }

  private changed(device: Device, what: string, actor: string): void {
    this.deps.log.info({ device: device.name, id: device.id, kind: device.kind, actor }, `device ${what}`);
    this.deps.onChange?.(this.registry.list());
    if (device.kind === 'terminal' && this.running) void this.tracker.kick().catch((error: unknown) => this.failed('reachability round', error));
  }

  /** The registered devices, or none while the database is closed (the probes then pause). */
  private registeredOrNone(): Device[] {
    return this.deps.devices() ? this.registry.list() : [];
  }

  private every(ms: number, what: string, task: () => Promise<void>): void {
    this.timers.add(setInterval(() => void task().catch((error: unknown) => this.failed(what, error)), ms));
  }

  /** A task nobody waits for failed (e.g. the registered devices could not be read): the next one runs all the same. */
  private failed(what: string, error: unknown): void {
    this.deps.log.error({ err: error }, `${what} failed`);
  }

  private neighboursChanged(): void {
    if (this.debounce || !this.running) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      // A host that just appeared is probed now, not at the next round: a terminal plugged in
      // shows up within seconds. Hosts already probed are not due again, so this costs nothing more.
      void this.refreshNeighbours()
        .then(() => this.discover())
        .catch((error: unknown) => this.failed('terminal discovery', error));
    }, this.timings.neighbourDebounceMs);
  }

  /** One read at a time; a read asked for meanwhile runs once more after it, since the table may have changed after the dump. */
  private refreshNeighbours(): Promise<void> {
    if (this.refreshing) {
      this.readAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.readAgain = false;
        await this.readNeighbours();
      } while (this.readAgain && this.running);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async readNeighbours(): Promise<void> {
    try {
      const snapshot = await this.deps.neighbours.read();
      this.neighbourList = mergeNeighbours(this.neighbourList, snapshot, this.now(), { ...DEFAULT_MERGE, interfaces: this.deps.interfaces() });
      if (this.state.get().state === 'degraded') this.state.set('running');
    } catch (error) {
      this.deps.log.warn({ err: error }, 'neighbour table unreadable');
      this.state.set('degraded', `neighbour table unreadable: ${(error as Error).message}`);
    }
  }

  /** One round of probes for unregistered terminals; a round still running makes the next one skip. */
  private async discover(): Promise<void> {
    if (this.discovering || !this.running) return;
    this.discovering = true;
    try {
      await this.probeNeighbours();
    } finally {
      this.discovering = false;
    }
  }

  private async probeNeighbours(): Promise<void> {
    const now = this.now();
    const registered = new Set(this.registeredOrNone().map((d) => d.mac));
    const due = dueProbes(this.neighbourList, this.probes, registered, now, { ...DEFAULT_DISCOVERY, retryFailedAfterMs: this.timings.discoveryRetryMs });
    const results = await Promise.all(
      due.map(async (n) => ({ n, result: await this.deps.probe(n.ip, SICCT_PORT, this.timings.probeTimeoutMs) })),
    );
    // Results of neighbours no longer listed are dropped, so the map stays as small as the list.
    const listed = new Set(this.neighbourList.map((n) => probeKey(n.ip, n.mac)));
    const next = new Map([...this.probes].filter(([k]) => listed.has(k)));
    for (const { n, result } of results) next.set(probeKey(n.ip, n.mac), { ip: n.ip, mac: n.mac, at: now.toISOString(), ok: result.ok });
    this.probes = next;
  }
}
