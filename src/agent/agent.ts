// The composition root: the one place that builds every subsystem and hands each its
// dependencies (no singletons, no service locator). Only src/agent/run.ts and tests import it.
// Subsystems start in order and stop in reverse; stop() leaves kernel state (firewall table,
// fail-closed routes, LAN addresses) and charon alone, so a restart of the agent never drops the
// tunnel. dnsmasq and the practice-LAN DHCP client are components with services of their own, as
// charon is: the agent writes their files and signals them, and a restart of the agent leaves them
// serving.
import {
  BestEffortStore, EventBus, Health, subsystemLogger, SystemdNotifier, ControlActions, startProcess as realStartProcess, type Logger, type Runner, type Lifecycle,
} from '../core/index.ts';
import type { AgentEvents } from './events.ts';
import type { AgentStatus } from './status.ts';
import { Resolver } from 'node:dns/promises';
import { uptime } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClockWatch } from './clock/clockWatch.ts';
import { ConfigService } from './config.ts';
import { DeviceStore, ReachabilityStore, TunnelHistoryStore, type Db } from './store/index.ts';
import { ControlServer } from '../control/server.ts';
import {
  Firewall, NetlinkRouteKernel, NftLoader, NftMonitor, readKernelLog, registerWhyAction, renderRouteBatch, TIBOX_TABLE, TiRoutes, type RouteKernel,
} from '../firewall/index.ts';
import {
  busyboxArpProbe, Dnsmasq, dnsmasqFiles, Lan, LanLinks, NetlinkLanKernel, PracticeDhcp, TERMINAL_BRIDGE, WanInLanWatch, type LanKernel,
} from '../lan/index.ts';
import { boxPortsOf, DeviceInventory, NetlinkNeighbourSource, registerDeviceActions, tcpProbe, type NeighbourSource } from '../lan/inventory/index.ts';
import { DataPath } from './dataPath.ts';
import {
  CharonLink, LIBIPSEC_DEVICE, ProfileService, readWanRoute, registerTunnelActions, ResumeFile, StoredTunnelHistory, tcpKnock, TunnelController, tunnelPath,
  type WanRoute,
} from '../ipsec/index.ts';

/** The script charon runs when the tunnel resumed at boot is up: bin/ of this installation (src/ and build/ alike). */
const RESUME_UPDOWN = fileURLToPath(new URL('../../bin/tibox-resume-updown', import.meta.url));

export interface AgentOptions {
  version: string;
  /** The data partition's directory for the database and state files. */
  dataDir: string;
  socketPath: string;
  /** charon's VICI socket. */
  charonVici: string;
  /** The pinned profile-signing key (PEM). */
  profileTrustAnchor: string;
  /** chronyd's command socket; chronyc's default when absent. */
  chronySocket?: string;
  log: Logger;
  runner: Runner;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** group(5) file for the control socket's group; the system's when absent. */
  groupFile?: string;
  /** The kernel's routing as the routes module sees it; rtnetlink when absent (tests pass a fake). */
  routeKernel?: RouteKernel;
  /** Runtime files (dnsmasq's); /run/tibox when absent. Must be traversable by dnsmasq's user. */
  runDir?: string;
  /** The kernel's links and addresses as the LAN subsystem sees them; rtnetlink when absent (tests pass a fake). */
  lanKernel?: LanKernel;
  /** The kernel's neighbours as the device inventory sees them; rtnetlink when absent (tests pass a fake). */
  neighbours?: NeighbourSource;
  /** Starts the long-running children (nft monitor, probes); runner.ts's when absent (tests pass a fake). */
  startProcess?: typeof realStartProcess;
}

export class Agent {
  private readonly options: AgentOptions;
  private readonly now: () => Date;
  private readonly bus: EventBus<AgentEvents>;
  private readonly health: Health;
  private readonly systemd: SystemdNotifier;
  private readonly subsystems: Lifecycle[];
  private readonly started: Lifecycle[] = [];
  private readonly tunnel: TunnelController;
  private readonly stopWatching: (() => void)[] = [];
  private readonly kernel: RouteKernel;
  private readonly lanKernel: LanKernel;
  private readonly dataPath: DataPath;
  private wan: WanRoute | undefined;
  private startedAt: Date | undefined;

  constructor(options: AgentOptions) {
    this.options = options;
    const { log } = options;
    const startProcess = options.startProcess ?? realStartProcess;
    this.now = options.now ?? (() => new Date());
    this.bus = new EventBus<AgentEvents>((event, error) => log.error({ err: error, event: String(event) }, 'event listener failed'));
    this.health = new Health((warnings) => this.bus.emit('health.changed', { warnings }), this.now);
    this.systemd = new SystemdNotifier({ runner: options.runner, env: options.env, log: subsystemLogger(log, 'systemd') });

    const actions = new ControlActions();
    const config = new ConfigService({ dataDir: options.dataDir, health: this.health, bus: this.bus, log: subsystemLogger(log, 'config'), now: this.now });
    config.registerActions(actions);
    // What the subsystems keep in the database, while it is open: it opens at start and closes at stop.
    const whileOpen = <T>(store: (db: Db) => T) => (): T | undefined => {
      const db = config.database();
      return db && store(db);
    };
    // The histories written there: a database that takes no writes must not stop the tunnel or the probes.
    const bestEffort = new BestEffortStore({ health: this.health, log: subsystemLogger(log, 'store') });

    const clock = new ClockWatch({
      runner: options.runner,
      health: this.health,
      log: subsystemLogger(log, 'clock'),
      ...(options.chronySocket ? { chronycOptions: ['-h', options.chronySocket] } : {}),
      now: this.now,
    });
    const firewallLog = subsystemLogger(log, 'firewall');
    const nft = new NftLoader(options.runner);
    const firewall = new Firewall({
      nft, monitor: new NftMonitor({ startProcess, log: firewallLog }),
      stateDir: join(options.dataDir, 'state'), log: firewallLog, health: this.health, now: this.now,
    });
    firewall.registerActions(actions);
    this.kernel = options.routeKernel ?? new NetlinkRouteKernel();
    const routes = new TiRoutes({ kernel: this.kernel, stateDir: join(options.dataDir, 'state'), log: subsystemLogger(log, 'routes') });
    const charon = new CharonLink({ socketPath: options.charonVici, log: subsystemLogger(log, 'vici'), now: this.now });
    this.tunnel = new TunnelController({
      vici: charon.session,
      routes,
      tunnelPath: async (profile) => tunnelPath(await charon.backend(), this.wan, profile.localTiAddress),
      startProcess,
      knock: tcpKnock,
      history: new StoredTunnelHistory(whileOpen((db) => new TunnelHistoryStore(db)), bestEffort),
      resume: new ResumeFile({ stateDir: join(options.dataDir, 'state'), updown: RESUME_UPDOWN, routeBatch: renderRouteBatch }),
      health: this.health,
      log: subsystemLogger(log, 'tunnel'),
      now: this.now,
      enabledAtStart: () => config.current().config.tunnel.enabled,
      clockSynchronised: async () => {
        await clock.check();
        return clock.synchronised();
      },
    });
    registerTunnelActions(actions, {
      tunnel: this.tunnel,
      persistEnabled: (enabled, actor) => {
        config.commit({ tunnel: { enabled } }, actor);
      },
    });
    const lanKernel = options.lanKernel ?? new NetlinkLanKernel();
    this.lanKernel = lanKernel;
    const lan = new Lan({
      links: new LanLinks({ kernel: lanKernel, stateDir: join(options.dataDir, 'state'), log: subsystemLogger(log, 'lan') }),
      kernel: lanKernel,
      health: this.health,
      log: subsystemLogger(log, 'lan'),
      tunnelDevices: [LIBIPSEC_DEVICE],
    });
    // The lease hook is executed by udhcpc: root-only, and not under /run, which may be noexec.
    const practiceDhcp = new PracticeDhcp({ hookDir: join(options.dataDir, 'hooks'), log: subsystemLogger(log, 'practice-dhcp'), now: this.now });
    const wanInLan = new WanInLanWatch({ kernel: lanKernel, probe: busyboxArpProbe(options.runner), health: this.health, log: subsystemLogger(log, 'wan-in-lan') });
    const dnsmasqDir = join(options.runDir ?? '/run/tibox', 'dnsmasq');
    const dnsmasq = new Dnsmasq({
      runDir: dnsmasqDir,
      health: this.health,
      log: subsystemLogger(log, 'dnsmasq'),
      // dnsmasq ignores the requests of terminals not registered; the inventory lists them.
      onDhcpRequest: (request) => inventory.dhcpSeen(request),
      now: this.now,
    });
    const ports = () => config.current().config.interfaces;
    const dataPathLog = subsystemLogger(log, 'data-path');
    // An input of the data path changed; nobody waits for the outcome, so a refusal is logged here.
    const refreshDataPath = () =>
      void dataPath.refresh().catch((error: unknown) => dataPathLog.error({ err: error }, 'data path could not be applied'));
    let profileDns: { prefixes: readonly string[]; domains: readonly string[] } | undefined;
    const inventory = new DeviceInventory({
      devices: whileOpen((db) => new DeviceStore(db)),
      reachability: whileOpen((db) => new ReachabilityStore(db)),
      bestEffort,
      halves: () => lan.halves() ?? undefined,
      ti: () => profileDns,
      boxPorts: async () => {
        const { lan: lanPort, wan, terminals } = ports();
        return boxPortsOf((await lanKernel.read()).links, { lan: lanPort, wan, terminals, terminalBridge: terminals.length > 0 ? TERMINAL_BRIDGE : undefined });
      },
      interfaces: () => [ports().lan, ...(ports().terminals.length > 0 ? [TERMINAL_BRIDGE] : [])],
      neighbours: options.neighbours ?? new NetlinkNeighbourSource(),
      probe: tcpProbe,
      health: this.health,
      log: subsystemLogger(log, 'inventory'),
      now: this.now,
      leaseFile: dnsmasqFiles(dnsmasqDir).leases,
      onChange: () => refreshDataPath(),
    });
    registerDeviceActions(actions, inventory);
    registerWhyAction(actions, {
      findDevice: (ref) => {
        const { id, name, kind, address, mac, cetpPorts } = inventory.locate(ref);
        return { id, name, kind, address, mac, cetpPorts };
      },
      counters: () => nft.counters(TIBOX_TABLE.family, TIBOX_TABLE.name),
      kernelLog: () => readKernelLog(),
      // The kernel log counts from the boot (time in suspend left out, which a box never does).
      bootedAt: () => new Date(this.now().getTime() - uptime() * 1000),
    });
    const dataPath = new DataPath({
      lan,
      practiceDhcp,
      wanInLan,
      dnsmasq,
      firewall,
      ports,
      backend: () => charon.backend(),
      devices: () => inventory.devices(),
      lanAddresses: async (port) => (await lanKernel.read()).addresses.filter((a) => a.dev === port).map((a) => a.address),
      log: dataPathLog,
    });
    this.dataPath = dataPath;
    this.bus.on(dataPath, 'config.changed', () => refreshDataPath());
    charon.session.on('connected', () => refreshDataPath());
    const profile = new ProfileService({
      dataDir: options.dataDir,
      trustAnchorPath: options.profileTrustAnchor,
      health: this.health,
      tunnel: this.tunnel,
      dataPath: {
        prepare: (desired) => dataPath.prepare(desired),
        apply: async (desired) => {
          profileDns = desired ? { prefixes: desired.tiPrefixes, domains: desired.tiDns.domains } : undefined;
          await dataPath.apply(desired);
        },
      },
      resolver: new Resolver(),
      log: subsystemLogger(log, 'profile'),
      now: this.now,
    });
    profile.registerActions(actions);
    const control = new ControlServer(
      {
        socketPath: options.socketPath,
        status: () => this.status(),
        actions,
        log: subsystemLogger(log, 'control'),
        ...(options.groupFile ? { groupFile: options.groupFile } : {}),
      },
      this.now,
    );
    this.subsystems = [config, clock, firewall, routes, lan, practiceDhcp, wanInLan, dnsmasq, charon, this.tunnel, inventory, profile, control];
  }

  /** Starts every subsystem in order; if one fails, those already started are stopped again. */
  async start(signal: AbortSignal): Promise<void> {
    this.startedAt = this.now();
    // Before the tunnel's first pass: with kernel XFRM its route goes via the WAN's gateway.
    await this.refreshWan();
    for (const subsystem of this.subsystems) {
      try {
        await subsystem.start(signal);
      } catch (error) {
        this.options.log.error({ err: error, subsystem: subsystem.name }, 'subsystem failed to start');
        await this.stop();
        throw error;
      }
      this.started.push(subsystem);
    }
    // Link, address and route changes (the WAN's cable, its default route) are news for the tunnel.
    const wanChanged = () =>
      void this.refreshWan()
        .then(() => this.tunnel.kick())
        .catch((error: unknown) => this.options.log.error({ err: error }, 'WAN change not handled'));
    this.stopWatching.push(this.kernel.watch(wanChanged));
    // A new practice-LAN lease is news for the firewall: the box serves its LAN side there.
    this.stopWatching.push(this.dataPath.followLanAddresses((onChange) => this.lanKernel.watch(onChange)));
    this.options.log.info({ version: this.options.version, subsystems: this.started.map((s) => s.name) }, 'agent running');
    await this.systemd.ready(`tibox ${this.options.version} running`);
  }

  async stop(): Promise<void> {
    await this.systemd.stopping();
    for (const unwatch of this.stopWatching.splice(0)) unwatch();
    for (const subsystem of this.started.reverse()) {
      try {
        await subsystem.stop();
      } catch (error) {
        this.options.log.error({ err: error, subsystem: subsystem.name }, 'subsystem failed to stop');
      }
    }
    this.started.length = 0;
  }

  status(): AgentStatus {
    const startedAt = this.startedAt ?? this.now();
    return {
      version: this.options.version,
      startedAt: startedAt.toISOString(),
      uptimeS: Math.floor((this.now().getTime() - startedAt.getTime()) / 1000),
      subsystems: this.subsystems.map((s) => s.status()),
      health: this.health.list(),
      tunnel: this.tunnel.tunnelStatus(),
    };
  }

  private async refreshWan(): Promise<void> {
    try {
      this.wan = await readWanRoute(this.options.runner);
    } catch (error) {
      this.options.log.warn({ err: error }, 'WAN default route could not be read');
    }
  }
}
