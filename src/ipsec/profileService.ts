// Feeds the tunnel from the VPN profile: at start the stored one, later each newly imported one
// (the control action validates everything before it stores anything). It resolves the gateway
// list (addresses as written, or the SRV name by priority and weight) and the addresses of its
// names for the firewall, keeps the certificate's expiry in the health list, and hands the tunnel
// plain data (TunnelProfile).
// Only the newest use() applies anything: an older one still waiting on DNS drops its result, and
// applies run one at a time. A failed resolution is retried with backoff and, meanwhile, the last
// list resolved for the same gateway source keeps the tunnel going.
import { readFileSync } from 'node:fs';
import type { Resolver } from 'node:dns/promises';
import {
  SerialQueue, StateTracker, formatIpv4, parsePrefix, type ControlActions, type Health, type Logger, type Lifecycle, type SubsystemStatus,
} from '../core/index.ts';
import {
  certificateHealth, importProfile, managementCertificateHealth, ProfileStore, registerProfileActions, renewalProblem, resolveGatewayAddresses, resolveGateways, sameProfile, summarize,
  type AddressResolver, type ManagementIdentity, type NameAddresses, type ProfileSummary, type VpnProfile,
} from './profile/index.ts';
import { managementOverInternet, type ManagementResolver } from './profile/managementEndpoint.ts';
import type { TunnelProfile } from './tunnel/index.ts';

/** The profile's part of the data path's desired state (src/agent/dataPathPlan.ts completes it). */
export interface ProfileDataPath {
  readonly tiSegment: string;
  readonly tiPrefixes: readonly string[];
  readonly managementPrefix: string;
  readonly tiDns: { readonly servers: readonly string[]; readonly domains: readonly string[] };
  /**
   * The addresses the firewall accepts IKE from: the gateway list's IP literals and the addresses
   * its names (SRV targets too) resolve to, sorted.
   */
  readonly gatewayAddresses: readonly string[];
}

/** The gateway list and its names resolved afresh (ProfileService.resolveGatewaysNow). */
export interface GatewayResolution {
  /** In the order the tunnel tries them: names or IP literals. */
  readonly gateways: readonly string[];
  /** What each name resolved to. */
  readonly names: NameAddresses;
  /** The names the resolver gave no address for. */
  readonly failed: readonly string[];
  /** Every address of the gateways, sorted. */
  readonly addresses: readonly string[];
  /** The SRV lookup's failure (its DNS error code), when the profile names its gateways by SRV. */
  readonly srvError?: string;
}

/** What a renewal did: the profile as `profile.show` tells it, and whether the tunnel is built anew for it. */
export interface RenewalResult {
  readonly summary: ProfileSummary;
  /** The profile offered is the one in use: nothing changed. */
  readonly unchanged: boolean;
  /** The tunnel, which decides, builds a new one from it to replace the old, make-before-break. */
  readonly tunnelRebuilt: boolean;
}

/** How often the certificate's expiry is checked and the gateways (SRV name and names) are resolved again. */
const RECHECK_MS = 60 * 60_000;
/** Retries of a failed gateway resolution: 5 s doubling to 5 min, each spread by ±25 %. */
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;
const RETRY_JITTER = 0.25;

export interface ProfileServiceDeps {
  dataDir: string;
  /** The pinned profile-signing key (PEM), from the firmware or the lab. */
  trustAnchorPath: string;
  health: Health;
  /** Sets the routes of the TI prefixes (unreachable until a tunnel carries them). */
  tunnel: {
    /** Resolves true where a tunnel of the new profile replaces the one in place. */
    apply(desired: { profile: TunnelProfile } | null): Promise<boolean>;
    /** Where the management endpoint answers over the internet: more evidence that the WAN is up. */
    setManagementEndpoint(endpoint: { address: string; port: number } | undefined): void;
  };
  /**
   * The LAN, dnsmasq and the firewall: the profile's part of their desired states, which the
   * composition root completes. Its firewall opens forwarding from the TI segment to the TI
   * prefixes (the routes decide where it goes).
   */
  dataPath: {
    /** The LAN side only, before the tunnel: the box's TI address must be there first. */
    prepare(desired: ProfileDataPath): Promise<void>;
    apply(desired: ProfileDataPath | null): Promise<void>;
  };
  /**
   * Where the management endpoint answers over the internet, each time it is resolved anew (with
   * the tunnel's): remote management's way while the tunnel is down, and the firewall's opening for it.
   */
  managementOverInternet?: (endpoint: { address: string; port: number } | undefined) => void;
  /** Remote management: the profile's endpoint and management identity (format version 2), or null without one. */
  remoteManagement?: { apply(desired: { url: string; identity: ManagementIdentity; boxCertificateNotAfter: string } | null): Promise<void> };
  resolver: Pick<Resolver, 'resolveSrv'> & ManagementResolver & AddressResolver;
  /** Records a change with who made it in the audit log (the composition root's database). */
  audit: (actor: string, action: string, detail: Record<string, unknown>) => void;
  log: Logger;
  now?: () => Date;
  /** [0, 1) like Math.random: retry jitter and the SRV weighted draw (injected for tests). */
  random?: () => number;
}

export class ProfileService implements Lifecycle {
  readonly name = 'profile';
  private readonly deps: ProfileServiceDeps;
  private readonly state: StateTracker;
  private readonly store: ProfileStore;
  private current: VpnProfile | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The next lookup of the management endpoint's internet address after one failed. */
  private managementRetryTimer: NodeJS.Timeout | undefined;
  /** Failed resolutions (of the gateway list or of a name) in a row of the current profile: the retry backoff's exponent. */
  private failures = 0;
  /** Counts use() calls: a use() whose number is no longer this one is superseded. */
  private generation = 0;
  /** The last gateway list resolved, and for which gateway source and TI ranges. */
  private resolved: { key: string; gateways: readonly string[] } | undefined;
  /** What each gateway name resolved to last: the firewall keeps it while a name does not resolve. */
  private names: NameAddresses = new Map();
  /** Tail of the applies, which run one at a time. */
  private readonly applying = new SerialQueue();
  /**
   * renew() and forget() one after the other: a renewal under way when the profile is removed
   * finishes first and is then removed with it, and one that comes after finds no profile to renew.
   */
  private readonly changes = new SerialQueue();
  private readonly inflight = new Set<Promise<boolean>>();
  /** Aborted by stop(): no use() applies anything after it. */
  private lifetime = new AbortController();

  constructor(deps: ProfileServiceDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
    this.store = new ProfileStore(deps.dataDir);
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.lifetime.signal.aborted) this.lifetime = new AbortController();
    const stored = (await this.restoreUnconfirmed()) ?? (await this.store.load());
    if (stored) await this.request(stored);
    else {
      this.state.set('degraded', 'no VPN profile imported');
      // The practice-LAN side all the same (DHCP client, fallback address): the installer must reach
      // the box to import its profile. The firewall keeps the fail-closed baseline.
      await this.deps.dataPath.apply(null).catch((error: unknown) => this.deps.log.error({ err: error }, 'LAN side could not be applied'));
    }
    this.timer = setInterval(() => {
      if (this.current) this.requestInBackground(this.current);
    }, RECHECK_MS);
    this.timer.unref();
  }

  /** Waits for the use() under way; none applies anything afterwards. */
  async stop(): Promise<void> {
    this.lifetime.abort();
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.managementRetryTimer);
    await Promise.all(this.inflight);
    this.state.set('stopped');
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  /** The profile in use; undefined before one is imported. */
  profile(): VpnProfile | undefined {
    return this.current;
  }

  /**
   * The gateways as the WAN's name servers give them now, for the function test: the SRV name (if
   * the profile has one) and each gateway name looked up afresh, nothing kept from before and
   * nothing applied. `resolver` (the service's own when absent) lets the caller bound the wait.
   * Never rejects: what failed is in the answer.
   */
  async resolveGatewaysNow(profile: VpnProfile, resolver: Pick<Resolver, 'resolveSrv'> & AddressResolver = this.deps.resolver): Promise<GatewayResolution> {
    const routedIntoTunnel = [profile.tiSegment, ...profile.tiPrefixes];
    const log = this.deps.log;
    let gateways: string[];
    try {
      gateways = await resolveGateways(profile.gateways, resolver, { routedIntoTunnel, log, random: () => this.random() });
    } catch (error) {
      return { gateways: [], names: new Map(), failed: [], addresses: [], srvError: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
    }
    const resolved = await resolveGatewayAddresses(gateways, resolver, { routedIntoTunnel, log });
    return { gateways, names: resolved.names, failed: resolved.failed, addresses: resolved.addresses };
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
      onImported: (profile, actor) => {
        this.taken(profile, actor, 'profile.import');
        this.requestInBackground(profile);
      },
    });
  }

  /**
   * A renewal pushed by remote management: the file passes the same import as `profile.import`
   * (signature by the pinned key, every field, the identity), must be this box's, and is stored
   * and applied like an import: the tunnel takes it make-before-break. Resolves once the tunnel
   * and the data path have been handed it, saying whether the tunnel is built anew; throws the
   * ProfileError of a refused file, and then nothing has changed. The profile it replaces is kept
   * until confirmRenewal() or revertRenewal() says how the renewal went.
   */
  renew(file: Buffer, actor: string): Promise<RenewalResult> {
    return this.changes.run(async () => {
      const offered = importProfile(file, { trustAnchor: readFileSync(this.deps.trustAnchorPath), now: this.now() });
      const current = this.current ?? (await this.store.load());
      const problem = renewalProblem(current, offered);
      if (problem) throw problem;
      const summary = summarize(offered);
      if (sameProfile(current, offered)) return { summary, unchanged: true, tunnelRebuilt: false };
      await this.store.save(offered, { keepPrevious: true });
      this.taken(offered, actor, 'profile.renew');
      const tunnelRebuilt = await this.request(offered);
      return { summary, unchanged: false, tunnelRebuilt };
    });
  }

  /**
   * The profile removed (a factory reset): a use() under way is superseded, the stored profile and
   * its keys are deleted, and the tunnel is torn down (its SAs, connections, credentials and routes),
   * the data path goes back to the LAN side alone and remote management stops, as on a box that
   * never had a profile. It waits for a renewal under way. The caller audits it.
   */
  forget(): Promise<void> {
    // A use() under way (the hourly re-check, an import) is superseded at once; a renewal is waited for.
    this.generation++;
    return this.changes.run(async () => {
      this.generation++;
      this.current = undefined;
      this.resolved = undefined;
      this.names = new Map();
      this.failures = 0;
      clearTimeout(this.retryTimer);
      clearTimeout(this.managementRetryTimer);
      await this.store.remove();
      for (const code of ['profile.certificateExpiring', 'profile.certificateExpired', 'management.certificateExpiring', 'management.certificateExpired'] as const) this.deps.health.clear(code);
      await this.applying.run(async () => {
        await this.deps.tunnel.apply(null);
        this.deps.tunnel.setManagementEndpoint(undefined);
        this.deps.managementOverInternet?.(undefined);
        await this.deps.dataPath.apply(null);
        await this.deps.remoteManagement?.apply(null);
      });
      this.deps.log.warn({}, 'VPN profile removed');
      this.state.set('degraded', 'no VPN profile imported');
    });
  }

  /** The renewed profile works (or need not be waited for): the one it replaced is no longer kept. */
  confirmRenewal(): Promise<void> {
    return this.store.forgetPrevious();
  }

  /**
   * The renewed profile's tunnel did not come up: the profile it replaced is made current again
   * and applied as an import is, so the tunnel returns to it make-before-break. Resolves once the
   * tunnel has been handed it, with the restored profile and whether the tunnel is built anew;
   * undefined where none is kept (the box had none, or an import replaced the renewal meanwhile).
   */
  async revertRenewal(actor: string): Promise<{ summary: ProfileSummary; tunnelRebuilt: boolean } | undefined> {
    const previous = await this.store.restorePrevious();
    if (!previous) return undefined;
    this.taken(previous, actor, 'profile.restore');
    const tunnelRebuilt = await this.request(previous);
    return { summary: summarize(previous), tunnelRebuilt };
  }

  /**
   * A renewal the agent did not see through (it stopped, or the power went, while the new tunnel
   * was awaited) is undone at start: the profile before it worked. The server, which heard no
   * outcome, sends the renewal again.
   */
  private async restoreUnconfirmed(): Promise<VpnProfile | undefined> {
    let previous: VpnProfile | undefined;
    try {
      previous = await this.store.restorePrevious();
    } catch (error) {
      // The profile in use still works as a profile: the agent starts with it.
      this.deps.log.error({ err: error }, 'the VPN profile from before an unconfirmed renewal could not be restored');
      return undefined;
    }
    if (previous) this.taken(previous, 'boot', 'profile.restore');
    return previous;
  }

  /** A new profile is stored: logged and audited with who brought it and what it holds. */
  private taken(profile: VpnProfile, actor: string, action: 'profile.import' | 'profile.renew' | 'profile.restore'): void {
    const words = { 'profile.import': 'VPN profile imported', 'profile.renew': 'VPN profile renewed', 'profile.restore': 'VPN profile from before an unconfirmed renewal restored' };
    this.deps.log.info({ boxId: profile.boxId, actor }, words[action]);
    this.deps.audit(actor, action, { boxId: profile.boxId, tiSegment: profile.tiSegment, certificate: profile.identity.fingerprint256 });
  }

  /** request() from a timer or an event: nobody waits for it, so nothing it throws may go unhandled. */
  private requestInBackground(profile: VpnProfile): void {
    void this.request(profile).catch((error: unknown) => this.deps.log.error({ err: error }, 'VPN profile request failed'));
  }

  /**
   * use(), tracked for stop(); it never rejects, since a rejection nobody awaits would end the
   * agent. Whether the tunnel is built anew for the profile: false where it did not get that far.
   */
  private request(profile: VpnProfile): Promise<boolean> {
    const run: Promise<boolean> = this.use(profile)
      .catch((error: unknown) => {
        this.deps.log.error({ err: error }, 'VPN profile could not be applied');
        this.state.set('degraded', `VPN profile could not be applied: ${(error as Error).message}`);
        return false;
      })
      .finally(() => this.inflight.delete(run));
    this.inflight.add(run);
    return run;
  }

  private async use(profile: VpnProfile): Promise<boolean> {
    const signal = this.lifetime.signal;
    if (signal.aborted) return false;
    const generation = ++this.generation;
    const superseded = () => generation !== this.generation || signal.aborted;
    if (profile !== this.current) this.failures = 0;
    this.current = profile;
    clearTimeout(this.retryTimer);
    const { health, log } = this.deps;
    const certificate = certificateHealth(profile, this.now());
    for (const code of ['profile.certificateExpiring', 'profile.certificateExpired'] as const) {
      if (code === certificate) health.raise(code, `certificate valid until ${profile.identity.notAfter}`);
      else health.clear(code);
    }
    const managementCertificate = managementCertificateHealth(profile, this.now());
    for (const code of ['management.certificateExpiring', 'management.certificateExpired'] as const) {
      if (code === managementCertificate) health.raise(code, `certificate valid until ${profile.managementIdentity?.identity.notAfter ?? ''}`);
      else health.clear(code);
    }
    const routedIntoTunnel = [profile.tiSegment, ...profile.tiPrefixes];
    const key = JSON.stringify([profile.gateways, routedIntoTunnel]);
    let gateways: readonly string[] = [];
    let problem: string | undefined;
    try {
      const resolution = resolveGateways(profile.gateways, this.deps.resolver, { routedIntoTunnel, log, random: () => this.random() });
      const resolved = await unlessAborted(resolution, signal);
      if (resolved === undefined || superseded()) return false;
      gateways = resolved;
      if (gateways.length === 0) problem = 'the gateway list resolved to no gateway';
    } catch (error) {
      if (superseded()) return false;
      log.warn({ err: error }, 'gateways could not be resolved');
      problem = `gateways could not be resolved: ${(error as Error).message}`;
    }
    if (problem === undefined) this.resolved = { key, gateways };
    else if (this.resolved?.key === key) {
      gateways = this.resolved.gateways;
      log.warn({ gateways }, 'using the gateways resolved last');
      problem = `${problem}; using the gateways resolved last`;
    } else {
      this.scheduleRetry();
      this.state.set('degraded', problem);
      return false;
    }
    const addressing = resolveGatewayAddresses(gateways, this.deps.resolver, { routedIntoTunnel, previous: this.names, log });
    const addresses = await unlessAborted(addressing, signal);
    if (addresses === undefined || superseded()) return false;
    this.names = addresses.names;
    if (addresses.failed.length > 0) {
      const unresolved = `gateway names not resolved: ${addresses.failed.join(', ')}`;
      problem = problem === undefined ? unresolved : `${problem}; ${unresolved}`;
    }
    if (problem === undefined) this.failures = 0;
    else this.scheduleRetry();
    const desired = tunnelProfileOf(profile, gateways);
    this.resolveManagement(profile.management.url, routedIntoTunnel, superseded);
    return this.applying.run(() => this.apply(profile, desired, addresses.addresses, superseded, problem));
  }

  /**
   * The LAN's addresses first (the tunnel routes from the box's TI address), then the tunnel,
   * then the rest of the data path: tunnel.apply runs the pass that routes the profile's TI
   * prefixes (unreachable until a tunnel of this profile carries them; right after an agent
   * start, while charon still connects, it leaves the routes the agent before set) before the
   * firewall forwards to them. Prefixes a new profile drops stay open in the old ruleset until its apply;
   * that ruleset's rule dropping TI packets that would leave unencrypted still covers them.
   * A superseded or stopped use() applies nothing more. Whether the tunnel is built anew, as it said.
   */
  private async apply(
    profile: VpnProfile,
    desired: TunnelProfile,
    gatewayAddresses: readonly string[],
    superseded: () => boolean,
    problem: string | undefined,
  ): Promise<boolean> {
    const { log } = this.deps;
    if (superseded()) return false;
    const dataPath: ProfileDataPath = {
      tiSegment: profile.tiSegment,
      tiPrefixes: profile.tiPrefixes,
      managementPrefix: profile.management.prefix,
      tiDns: profile.tiDns,
      gatewayAddresses,
    };
    try {
      await this.deps.dataPath.prepare(dataPath);
    } catch (error) {
      log.error({ err: error }, 'LAN could not take the VPN profile');
      this.state.set('degraded', `LAN could not take the VPN profile: ${(error as Error).message}`);
      return false;
    }
    if (superseded()) return false;
    let rebuilt: boolean;
    try {
      rebuilt = await this.deps.tunnel.apply({ profile: desired });
    } catch (error) {
      // Without its routes the firewall must not open the prefixes: the data path stays as it is.
      log.error({ err: error }, 'tunnel could not take the VPN profile');
      this.state.set('degraded', `tunnel could not take the VPN profile: ${(error as Error).message}`);
      return false;
    }
    if (superseded()) return rebuilt;
    try {
      await this.deps.dataPath.apply(dataPath);
    } catch (error) {
      log.error({ err: error }, 'data path could not take the VPN profile');
      this.state.set('degraded', `LAN, DNS or firewall could not take the VPN profile: ${(error as Error).message}`);
      return rebuilt;
    }
    if (superseded()) return rebuilt;
    // Only now: the management server's TI address is routed (into the tunnel or unreachable) and
    // the firewall drops TI packets in clear, so not even the first poll can leave the WAN in clear.
    // From here remote management retries until it gets through, by the tunnel or the internet.
    const management = profile.managementIdentity;
    const remote = this.deps.remoteManagement;
    if (remote) {
      const remoteDesired = management ? { url: profile.management.url, identity: management, boxCertificateNotAfter: profile.identity.notAfter } : null;
      remote.apply(remoteDesired).catch((error: unknown) => log.error({ err: error }, 'remote management could not be set up'));
    }
    if (problem === undefined) this.state.set('running');
    else this.state.set('degraded', problem);
    return rebuilt;
  }

  /**
   * Where the management endpoint answers over the internet, told to the tunnel and to remote
   * management. Beside the tunnel, never before it: a DNS lookup while the WAN is down can take
   * seconds. A lookup that fails (at boot the WAN's lease may not be there yet) is asked again
   * with the gateways' backoff while the profile stays, so a box whose tunnel is down does not
   * wait for the hourly check to be reachable over the internet.
   */
  private resolveManagement(url: string, routedIntoTunnel: readonly string[], superseded: () => boolean, failures = 0): void {
    clearTimeout(this.managementRetryTimer);
    void managementOverInternet(url, this.deps.resolver, routedIntoTunnel).then(
      (endpoint) => {
        if (superseded()) return;
        this.deps.tunnel.setManagementEndpoint(endpoint);
        this.deps.managementOverInternet?.(endpoint);
      },
      (error: unknown) => {
        if (superseded()) return;
        const delay = this.retryDelayMs(failures);
        this.deps.log.info({ err: error, retryInMs: delay }, 'management endpoint not resolved over the internet; asking again');
        this.managementRetryTimer = setTimeout(() => this.resolveManagement(url, routedIntoTunnel, superseded, failures + 1), delay);
        this.managementRetryTimer.unref();
      },
    );
  }

  /** 5 s doubling per failure up to 5 min, spread by up to a quarter either way. */
  private retryDelayMs(failures: number): number {
    const base = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** failures);
    return Math.round(Math.min(RETRY_MAX_MS, base * (1 + RETRY_JITTER * (2 * this.random() - 1))));
  }

  private scheduleRetry(): void {
    const delay = this.retryDelayMs(this.failures);
    this.failures++;
    this.deps.log.info({ retryInMs: delay }, 'gateway resolution will be retried');
    this.retryTimer = setTimeout(() => {
      if (this.current) this.requestInBackground(this.current);
    }, delay);
    this.retryTimer.unref();
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private random(): number {
    return this.deps.random?.() ?? Math.random();
  }
}

/** `promise`'s value, or undefined once `signal` aborts: stop() need not wait for a slow DNS answer. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The box's own TI address: the first host of its segment (the LAN half's gateway). */
export function localTiAddress(tiSegment: string): string {
  const segment = parsePrefix(tiSegment);
  if (!segment) throw new Error(`invalid TI segment ${tiSegment}`);
  return formatIpv4(segment.network + 1);
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
