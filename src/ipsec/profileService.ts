// Feeds the tunnel from the VPN profile: at start the stored one, later each newly imported one
// (the control action validates everything before it stores anything). It resolves the gateway
// list (addresses as written, or the SRV name by priority and weight), keeps the certificate's
// expiry in the health list, and hands the tunnel plain data (TunnelProfile).
import { readFileSync } from 'node:fs';
import type { Resolver } from 'node:dns/promises';
import type { ControlActions } from '../agent/control/actions.ts';
import type { Health } from '../agent/health.ts';
import type { Logger } from '../agent/log.ts';
import { StateTracker, type Lifecycle, type SubsystemStatus } from '../agent/subsystem.ts';
import { certificateHealth, ProfileStore, registerProfileActions, resolveGateways, type VpnProfile } from './profile/index.ts';
import { formatIpv4, parseCidr } from './profile/addresses.ts';
import type { TunnelProfile } from './tunnel/index.ts';

/** How often the certificate's expiry is checked and SRV gateways are resolved again. */
const RECHECK_MS = 60 * 60_000;

export interface ProfileServiceDeps {
  dataDir: string;
  /** The pinned profile-signing key (PEM), from the firmware or the lab. */
  trustAnchorPath: string;
  health: Health;
  tunnel: { apply(desired: { profile: TunnelProfile } | null): Promise<void> };
  /** Opens forwarding from the TI segment to the TI prefixes (the routes decide where it goes). */
  firewall: { apply(desired: { tiSegment: string; tiPrefixes: readonly string[] } | null): Promise<void> };
  resolver: Pick<Resolver, 'resolveSrv'>;
  log: Logger;
  now?: () => Date;
}

export class ProfileService implements Lifecycle {
  readonly name = 'profile';
  private readonly deps: ProfileServiceDeps;
  private readonly state: StateTracker;
  private readonly store: ProfileStore;
  private current: VpnProfile | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: ProfileServiceDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
    this.store = new ProfileStore(deps.dataDir);
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const stored = await this.store.load();
    if (stored) await this.use(stored);
    else this.state.set('degraded', 'no VPN profile imported');
    this.timer = setInterval(() => void (this.current && this.use(this.current)), RECHECK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.state.set('stopped');
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  registerActions(actions: ControlActions): void {
    const trustAnchorPath = this.deps.trustAnchorPath;
    registerProfileActions(actions, {
      store: this.store,
      // Read when used, so a firmware update of the anchor needs no restart, and a missing one
      // refuses imports instead of stopping the agent.
      get trustAnchor() {
        return readFileSync(trustAnchorPath);
      },
      now: () => this.now(),
      onImported: (profile) => {
        this.deps.log.info({ boxId: profile.boxId }, 'VPN profile imported');
        void this.use(profile);
      },
    });
  }

  private async use(profile: VpnProfile): Promise<void> {
    this.current = profile;
    const { health, log } = this.deps;
    const certificate = certificateHealth(profile, this.now());
    for (const code of ['profile.certificateExpiring', 'profile.certificateExpired'] as const) {
      if (code === certificate) health.raise(code, `certificate valid until ${profile.identity.notAfter}`);
      else health.clear(code);
    }
    let gateways: string[];
    try {
      gateways = (await resolveGateways(profile.gateways, this.deps.resolver)).map((g) => g.host);
    } catch (error) {
      log.warn({ err: error }, 'gateways could not be resolved');
      this.state.set('degraded', `gateways could not be resolved: ${(error as Error).message}`);
      return;
    }
    if (gateways.length === 0) {
      this.state.set('degraded', 'the gateway list resolved to no gateway');
      return;
    }
    // Both at once: the practice waits for the tunnel and the forwarding rule alike. Without
    // the rule nothing is forwarded (fail closed), so the tunnel need not wait for it.
    const [firewall] = await Promise.allSettled([
      this.deps.firewall.apply({ tiSegment: profile.tiSegment, tiPrefixes: profile.tiPrefixes }),
      this.deps.tunnel.apply({ profile: tunnelProfileOf(profile, gateways) }),
    ]);
    if (firewall.status === 'rejected') {
      const error = firewall.reason as Error;
      log.error({ err: error }, 'firewall ruleset could not be loaded');
      this.state.set('degraded', `firewall ruleset could not be loaded: ${error.message}`);
      return;
    }
    this.state.set('running');
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}

/** The box's own TI address: the first host of its segment (the LAN half's gateway). */
export function localTiAddress(tiSegment: string): string {
  const cidr = parseCidr(tiSegment);
  if (!cidr) throw new Error(`invalid TI segment ${tiSegment}`);
  return formatIpv4(cidr.network + 1);
}

export function tunnelProfileOf(profile: VpnProfile, gateways: readonly string[]): TunnelProfile {
  return {
    boxId: profile.boxId,
    certificatePem: profile.identity.certificate,
    privateKeyPem: profile.identity.privateKey,
    caCertificatesPem: profile.caCertificates,
    gateways,
    gatewayIds: profile.gatewayIds,
    proposals: profile.proposals,
    tiSegment: profile.tiSegment,
    tiPrefixes: profile.tiPrefixes,
    localTiAddress: localTiAddress(profile.tiSegment),
    probeAddress: profile.connector.probe.address,
  };
}
