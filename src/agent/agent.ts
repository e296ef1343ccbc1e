// The composition root: the one place that builds every subsystem and hands each its
// dependencies (no singletons, no service locator), through one builder per subsystem's wiring
// (./wiring/). Only src/agent/run.ts and tests import it.
// Subsystems start in order and stop in reverse; stop() leaves kernel state (firewall table,
// fail-closed routes, LAN and WAN addresses) and charon alone, so a restart of the agent never
// drops the tunnel. The WAN is set up before the tunnel's first pass. dnsmasq and the DHCP clients
// of the LAN and the WAN port are components with services of their own, as charon is: the agent
// writes their files and signals them, and a restart of the agent leaves them serving.
import { Resolver } from 'node:dns/promises';
import { SystemdNotifier, type Health, type Lifecycle } from '../core/index.ts';
import type { RouteKernel } from '../firewall/index.ts';
import { readWanRoute, type PathMtuWatch, type TunnelController, type WanRoute } from '../ipsec/index.ts';
import type { LanKernel } from '../lan/index.ts';
import type { InternetEndpoint } from '../updater/index.ts';
import type { AgentOptions } from './agentOptions.ts';
import type { ConfigService } from './config.ts';
import type { DataPath } from './dataPath.ts';
import type { ProvisioningService } from './provisioning/provisioningService.ts';
import type { AgentStatus } from './status.ts';
import { DEFAULT_WEBUI_CERTIFICATE, WebuiCertificate } from './webuiCertificate.ts';
import { agentContext } from './wiring/context.ts';
import { wireBackup } from './wiring/backup.ts';
import { wireCheck } from './wiring/check.ts';
import { wireControl } from './wiring/control.ts';
import { wireFactoryReset } from './wiring/factoryReset.ts';
import { wireFirewall } from './wiring/firewall.ts';
import { wireLan } from './wiring/lan.ts';
import { wireNetwork } from './wiring/network.ts';
import { wireSystem } from './wiring/system.ts';
import { wirePathMtu } from './wiring/pathMtu.ts';
import { wireProfile } from './wiring/profile.ts';
import { profileRenewal } from './wiring/profileRenewal.ts';
import { wireProtocol } from './wiring/protocol.ts';
import { wireProvisioning } from './wiring/provisioning.ts';
import { wireTunnel } from './wiring/tunnel.ts';
import { wireUpdater } from './wiring/updater.ts';
import { wireWan } from './wiring/wan.ts';

export class Agent {
  private readonly options: AgentOptions;
  private readonly now: () => Date;
  private readonly health: Health;
  private readonly systemd: SystemdNotifier;
  private readonly subsystems: Lifecycle[];
  private readonly started: Lifecycle[] = [];
  private readonly tunnel: TunnelController;
  private readonly pathMtu: PathMtuWatch;
  private readonly stopWatching: (() => void)[] = [];
  private readonly routeKernel: RouteKernel;
  private readonly lanKernel: LanKernel;
  private readonly dataPath: DataPath;
  private readonly provisioning: ProvisioningService;
  private readonly config: ConfigService;
  private readonly lanSideAddresses: () => Promise<string[]>;
  private readonly webuiCertificate: WebuiCertificate;
  private wan: WanRoute | undefined;
  private startedAt: Date | undefined;
  /** The LAN side's addresses as last read: status() answers at once, without a kernel read. */
  private lanAddresses: string[] = [];

  constructor(options: AgentOptions) {
    this.options = options;
    const ctx = agentContext(options);
    this.now = ctx.now;
    this.health = ctx.health;
    this.systemd = new SystemdNotifier({ runner: options.runner, env: options.env, log: ctx.logFor('systemd') });
    const provisioning = wireProvisioning(ctx);
    const { firewall, nft, routes, routeKernel } = wireFirewall(ctx);
    const { clock, charon, tunnel } = wireTunnel(ctx, { routes, wan: () => this.wan });
    // A new tunnel MTU is news for the data path: the firewall clamps TCP's MSS to it.
    const pathMtu = wirePathMtu(ctx, {
      charon,
      kernel: routeKernel,
      onChange: () => void this.dataPath.refresh().catch((error: unknown) => options.log.error({ err: error }, 'MSS clamp not applied')),
    });
    // Where the management endpoint answers on the internet, as ProfileService resolves it.
    let managementEndpoint: InternetEndpoint | undefined;
    const { lan, practiceDhcp, wanInLan, dnsmasq, inventory, dataPath, lanKernel, lanSideAddresses } = wireLan(ctx, {
      firewall,
      nft,
      charon,
      tunnelMtu: () => pathMtu.current().tunnelMtu,
      managementOverInternet: () => managementEndpoint,
    });
    // The agent's own lookups (the gateways' names) ask the WAN's name servers.
    const resolver = options.resolver ?? new Resolver();
    const { wan, wanKernel } = wireWan(ctx, { lan, resolver });
    // A renewal runs only once the agent has started, long after the profile service is built below.
    const renewal = profileRenewal(ctx, { profile: () => profile, tunnel });
    const { updater, remoteManagement } = wireUpdater(ctx, () => this.status(), tunnel, renewal);
    const profile = wireProfile(ctx, {
      tunnel,
      dataPath,
      resolver,
      remoteManagement,
      // The firewall lets the box's TCP out to it first, then remote management may take that way.
      managementOverInternet: (endpoint) => {
        managementEndpoint = endpoint;
        void dataPath
          .refresh()
          .catch((error: unknown) => options.log.error({ err: error }, 'firewall not opened for the management endpoint'))
          .finally(() => updater.setInternetEndpoint(endpoint));
      },
    });
    const functionTest = wireCheck(ctx, { wanKernel, clock, profile, tunnel, pathMtu, inventory, lan, wanResolvers: () => resolver.getServers() });
    wireNetwork(ctx);
    const { downloads } = wireSystem(ctx);
    const serial = () => {
      const summary = provisioning.summary();
      return summary.state === 'provisioned' ? summary.serial : undefined;
    };
    wireProtocol(ctx, { serial, profile, inventory, functionTest });
    wireBackup(ctx, {
      serial,
      devices: () => inventory.list(),
      checkDevices: (set) => inventory.checkReplacement(set),
      devicesReplaced: (actor) => inventory.replaced(actor),
    });
    wireFactoryReset(ctx, {
      serial,
      forgetProfile: () => profile.forget(),
      devicesReplaced: (actor) => inventory.replaced(actor),
      forgetFunctionTest: () => functionTest.forget(),
    });
    const { control, webuiControl } = wireControl(ctx, () => this.status(), downloads);
    this.tunnel = tunnel;
    this.pathMtu = pathMtu;
    this.routeKernel = routeKernel;
    this.lanKernel = lanKernel;
    this.lanSideAddresses = lanSideAddresses;
    this.webuiCertificate = new WebuiCertificate(options.webuiCertificate ?? DEFAULT_WEBUI_CERTIFICATE);
    this.dataPath = dataPath;
    this.provisioning = provisioning;
    this.config = ctx.config;
    this.subsystems = [ctx.config, provisioning, clock, firewall, routes, wan, lan, practiceDhcp, wanInLan, dnsmasq, charon, tunnel, pathMtu, inventory, updater, profile, control, webuiControl];
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
    this.stopWatching.push(this.routeKernel.watch(wanChanged));
    // A new practice-LAN lease is news for the firewall: the box serves its LAN side there.
    this.stopWatching.push(this.dataPath.followLanAddresses((onChange) => this.lanKernel.watch(onChange)));
    // And for the status: where the web UI answers.
    await this.refreshLanAddresses();
    this.stopWatching.push(
      this.lanKernel.watch(() => {
        this.refreshLanAddresses().catch((error: unknown) => this.options.log.error({ err: error }, 'LAN-side addresses not refreshed'));
      }),
    );
    this.options.log.info({ version: this.options.version, subsystems: this.started.map((s) => s.name) }, 'agent running');
    await this.systemd.ready(`tibox ${this.options.version} running`);
  }

  async stop(): Promise<void> {
    await this.systemd.stopping();
    for (const unwatch of this.stopWatching.splice(0)) unwatch();
    // A pass a commit or an event started must not write into the parts stopped below.
    await this.dataPath.close();
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
      provisioning: this.provisioning.summary(),
      health: this.health.list(),
      tunnel: this.tunnel.tunnelStatus(),
      mtu: this.pathMtu.mtuStatus(),
      pendingChange: this.config.pending(),
      lanAddresses: this.lanAddresses,
      webui: { certificateSha256: this.webuiCertificate.fingerprint256() },
    };
  }

  /** Never rejects: a failed read keeps the addresses read before, and says so in the log. */
  private async refreshLanAddresses(): Promise<void> {
    try {
      this.lanAddresses = await this.lanSideAddresses();
    } catch (error) {
      this.options.log.warn({ err: error }, 'LAN-side addresses could not be read for the status');
    }
  }

  private async refreshWan(): Promise<void> {
    try {
      this.wan = await readWanRoute(this.options.runner);
    } catch (error) {
      this.options.log.warn({ err: error }, 'WAN default route could not be read');
    }
  }
}
