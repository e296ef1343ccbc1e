// The tunnel controller: keeps one IKEv2 tunnel to the datacenter up whenever the internet is,
// by reconciling instead of scripting. Each pass reads what charon holds (list-sas), what the
// probes see and what the profile wants, and takes at most one step:
// - the tunnel counts as up only while the flow probe's echoes come back through it;
// - a tunnel that stops passing traffic while the WAN is up (a gateway died, the practice's
//   public address changed, the datacenter drops our ESP) is replaced make-before-break by a
//   fresh IKE_SA to the next gateway, then the old SA is deleted;
// - while the WAN is down nothing is torn down: a light probe watches the gateways, and their
//   first answer triggers the next pass at once;
// - an SA that lived through an outage longer than a gateway's DPD survives is replaced
//   make-before-break at the first answer of any kind, its own echoes included (probes.ts);
// - a failed attempt while the WAN is up (refused, unanswered, or an SA that never carried an
//   echo) counts once, and rounds over the gateways back off (attemptPacing.ts, backoff.ts).
// TI routes follow the CHILD_SA: into the tunnel while one is installed, unreachable otherwise.
// A tunnel that passes traffic is remembered (resumeSwanctl.ts), so that the service brings it
// back at the next boot before the agent has loaded; switched off or replaced, it is forgotten.
import { StateTracker, type Subsystem, type SubsystemStatus } from '../../core/index.ts';
import { FRESH_PACING, countFailure, goNow, nextAttemptAt, reset, succeeded, uncounted, waitMs, type Failure, type Pacing } from './attemptPacing.ts';
import { CHILD_NAME, connectionName, planCharon } from './charonPlan.ts';
import { loadCharon, unloadCharon } from './charonLoader.ts';
import { reasonOfFailedAttempt, type FailureReason } from './failure.ts';
import { DEFAULT_TIMINGS, type TunnelDeps, type TunnelTimings } from './ports.ts';
import { TunnelProbes } from './probes.ts';
import { ResumeKeeper } from './resumeKeeper.ts';
import { carrier, readSas, terminateSas, type TunnelSa } from './sas.ts';
import type { TunnelProfile } from './tunnelProfile.ts';
import { statusOf, type TunnelState, type TunnelStatus } from './status.ts';
import { TunnelWarnings } from './tunnelWarnings.ts';

/** A stalled tunnel with no WAN answer is tried anyway after this long (gateways may not answer ping). */
const WAN_DOWN_RETRY_MS = 30_000;
/** The reason the history gives for replacing an SA that still carries after a long outage. */
const LONG_OUTAGE = "outage longer than a gateway's DPD survives";

export class TunnelController implements Subsystem<{ profile: TunnelProfile }> {
  readonly name = 'tunnel';
  private readonly deps: TunnelDeps;
  private readonly timings: TunnelTimings;
  private readonly lifecycle: StateTracker;
  private readonly probes: TunnelProbes;
  private profile: TunnelProfile | undefined;
  private loadedFor: TunnelProfile | undefined;
  private enabled = true;
  private running = false;
  private sas: TunnelSa[] = [];
  /** The TI prefixes of the profile being torn down, routed unreachable first. */
  private teardownPrefixes: readonly string[] | undefined;
  /** JSON of the applied profile: an equal profile built anew is no change. */
  private profileKey: string | undefined;
  /**
   * The next pass builds a fresh tunnel first, then deletes the old one: to the preferred gateway
   * for a new profile, to the next one for `tunnel restart` (rebuild()).
   */
  private replace: 'profile' | 'restart' | undefined;
  /**
   * The last echo before a restart rebuilt the tunnel on the gateway that held it, which replaces
   * the old SA itself: the up event that follows says how long no echo came (ms since the epoch).
   */
  private gapFrom: number | undefined;
  /** Whether the VICI session has been connected since start (see reconcile). */
  private everConnected = false;
  /** The gateway of the last repair since the tunnel last carried traffic: repairs go round. */
  private lastRepair: number | undefined;
  /**
   * The SA made by the last successful attempt has neither carried an echo nor counted as a
   * failed attempt yet: each attempt counts at most once, however many passes see it stalled.
   */
  private attemptUnjudged = false;
  private teardown = false;
  /** When start() ran (ms since the epoch). */
  private startedAt = 0;
  private nextGateway = 0;
  private pacing: Pacing = FRESH_PACING;
  private readonly resume: ResumeKeeper;
  private readonly warnings: TunnelWarnings;
  private state: { state: TunnelState; since: string; gateway?: string };
  private passing: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private unsubscribes: (() => Promise<void>)[] = [];
  private readonly onConnected = () => {
    this.loadedFor = undefined;
    this.kick();
  };
  private readonly onDisconnected = () => this.kick();

  constructor(deps: TunnelDeps) {
    this.deps = deps;
    this.timings = { ...DEFAULT_TIMINGS, ...deps.timings };
    this.lifecycle = new StateTracker(this.name, deps.now);
    this.resume = new ResumeKeeper(deps.resume, deps.log);
    this.warnings = new TunnelWarnings(deps.health);
    this.probes = new TunnelProbes(
      deps.startProcess,
      this.timings,
      () => this.now().getTime(),
      {
        news: () => this.kick(),
        wanBack: () => {
          // The WAN is back: backoff is over, the next attempt may go at once.
          this.pacing = goNow(this.pacing);
          this.kick();
        },
      },
      deps.knock,
    );
    this.state = { state: 'no-profile', since: this.now().toISOString() };
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.enabled = this.deps.enabledAtStart?.() ?? true;
    this.running = true;
    this.startedAt = this.now().getTime();
    const { vici } = this.deps;
    vici.on('connected', this.onConnected);
    vici.on('disconnected', this.onDisconnected);
    this.unsubscribes = [await vici.subscribe('ike-updown', () => this.kick()), await vici.subscribe('child-updown', () => this.kick())];
    this.periodic = setInterval(() => this.kick(), this.timings.reconcileEveryMs);
    this.lifecycle.set('running');
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.periodic);
    clearTimeout(this.timer);
    this.deps.vici.off('connected', this.onConnected);
    this.deps.vici.off('disconnected', this.onDisconnected);
    for (const unsubscribe of this.unsubscribes.splice(0)) await unsubscribe().catch(() => undefined);
    // After the pass under way: it may have started a probe while we waited for it. A pass that
    // failed was logged already and must not keep the probes running.
    await this.passing?.catch(() => undefined);
    clearTimeout(this.timer);
    this.probes.stopAll();
    this.warnings.stop();
    // The SAs and the routes stay: restarting the agent must not drop the tunnel.
    this.lifecycle.set('stopped');
  }

  /**
   * A new profile: charon gets the new credentials and connections on the next pass. null (for
   * uninstall and factory reset only) tears down: our SAs, connections, credentials and routes.
   * A profile not known yet at start is no teardown: the tunnel of the agent before stays.
   */
  async apply(desired: { profile: TunnelProfile } | null): Promise<void> {
    const key = desired ? JSON.stringify(desired.profile) : undefined;
    if (desired === null) {
      this.teardown = true;
      this.teardownPrefixes = this.profile?.tiPrefixes;
    } else if (key === this.profileKey) return;
    // A different profile replaces what the old one built (make-before-break); the first one
    // after a start adopts the SAs the agent before left, so a restart drops nothing.
    if (desired && this.profileKey !== undefined) this.replace = 'profile';
    // The tunnel of a profile that is going away must not come back at the next start.
    if (desired === null || this.replace === 'profile') await this.resume.forget();
    this.profile = desired?.profile;
    this.profileKey = key;
    this.loadedFor = undefined;
    this.pacing = reset(this.pacing);
    this.nextGateway = 0;
    if (this.running) await this.pass();
  }

  /** Operator actions (gemSpec_Kon TIP1-A_4778): bring the tunnel up, down, or build it anew. */
  async setEnabled(enabled: boolean): Promise<void> {
    this.enabled = enabled;
    this.pacing = reset(this.pacing);
    if (this.running) await this.pass();
  }

  /** Builds the tunnel anew, make-before-break, inside the pass like every other change. */
  async restart(): Promise<void> {
    this.replace = 'restart';
    this.pacing = reset(this.pacing);
    await this.pass();
  }

  /** Where the management endpoint answers over the internet: the WAN probe knocks there too. */
  setManagementEndpoint(endpoint: { address: string; port: number } | undefined): void {
    this.probes.setManagementEndpoint(endpoint);
  }

  /** Something outside changed (WAN link or route event): look again at once. */
  kick(): void {
    if (this.running) void this.pass().catch((error: unknown) => this.deps.log.error({ err: error }, 'tunnel pass failed'));
  }

  status(): SubsystemStatus {
    const s = this.lifecycle.get();
    return s.state === 'running' ? { ...s, state: this.state.state === 'up' ? 'running' : 'degraded', detail: this.state.state } : s;
  }

  tunnelStatus(): TunnelStatus {
    return statusOf({
      ...this.state,
      carrier: carrier(this.sas),
      lastError: this.pacing.lastError,
      nextAttemptAt: nextAttemptAt(this.pacing, this.now().getTime()),
      history: this.deps.history.recent(20),
    });
  }


  /** Runs one reconcile pass, or queues exactly one more if a pass is under way. */
  private async pass(): Promise<void> {
    if (this.passing) {
      this.again = true;
      return this.passing;
    }
    this.passing = (async () => {
      try {
        do {
          this.again = false;
          await this.reconcile();
        } while (this.again && this.running);
      } finally {
        this.passing = undefined;
      }
    })();
    return this.passing;
  }

  private async reconcile(): Promise<void> {
    const { vici, routes } = this.deps;
    const profile = this.profile;
    if (!profile) {
      this.probes.stopAll();
      if (this.teardown) await this.tearDown();
      this.sas = [];
      this.setState('no-profile');
      return;
    }
    const unreachable = { prefixes: profile.tiPrefixes, path: { kind: 'unreachable' } as const };
    if (!vici.isConnected) {
      this.sas = [];
      this.probes.stopFlow();
      // Right after a start the session is still connecting: the routes the agent before left
      // (or the boot state) stay as they are, so a restart of the agent drops nothing.
      if (!this.everConnected) return this.setState('connecting');
      await routes.apply(unreachable);
      this.setState('charon-down', undefined, 'charon not running');
      return;
    }
    this.everConnected = true;
    if (this.loadedFor !== profile) {
      // A changed profile: its prefixes are unreachable until a tunnel of the new profile is up.
      if (this.replace === 'profile') await routes.apply(unreachable);
      await this.load(profile);
    }
    this.sas = await this.ourSas(profile);
    if (!this.enabled) {
      await this.resume.forget();
      // Routes first: the TI prefixes must not point into a tunnel that is going away.
      await routes.apply(unreachable);
      await this.terminate(this.sas);
      this.sas = [];
      this.probes.stopAll();
      this.setState('disabled');
      return;
    }
    const active = carrier(this.sas);
    const path = active ? await this.deps.tunnelPath(profile) : undefined;
    await routes.apply(path ? { prefixes: profile.tiPrefixes, path } : unreachable);
    if (active && this.replace) {
      const restart = this.replace === 'restart';
      this.replace = undefined;
      await this.rebuild(profile, active, restart);
      return;
    }
    this.replace = undefined;
    if (active) {
      this.probes.runFlow(profile);
      const flow = this.probes.flow.current;
      if (flow === 'flowing') {
        this.pacing = succeeded();
        this.lastRepair = undefined;
        this.attemptUnjudged = false;
        this.probes.stopWan();
        // The gateway may delete this SA any moment (probes.ts, LONG_OUTAGE_MS): a fresh one at
        // once, while this one still carries.
        if (this.probes.takeLongOutage()) return this.repair(profile, active, LONG_OUTAGE);
        const gap = this.gapFrom === undefined ? undefined : `rebuilt on the only gateway, which replaced the old SA: no echo for ${this.probes.flow.lastReplyAt - this.gapFrom} ms`;
        this.gapFrom = undefined;
        this.setState('up', active.remoteHost, gap);
        await this.terminate(this.sas.filter((sa) => sa.ikeId !== active.ikeId));
        if (path) await this.resume.remember(profile, active.gatewayIndex, path);
        return;
      }
      if (flow === 'unknown') return this.setState('connecting', active.remoteHost);
      // Stalled: repair only where the WAN is up, otherwise wait for it without tearing down.
      // Only an answer that came after the last echo through the tunnel counts: older evidence
      // says nothing about an outage that began since.
      this.probes.runWan(profile);
      if (!this.probes.wanUpSinceLastEcho()) {
        // The WAN probe may have just started: give it a moment to answer before saying so.
        const settled = this.probes.wanVerdictDueInMs();
        if (settled > 0) return this.schedule(settled);
        if (this.state.state !== 'wan-down') return this.setState('wan-down', active.remoteHost, 'no answer beyond the practice router');
        // Gateways that do not answer ping would keep a dead tunnel here for ever: after a
        // while try anyway, uncounted (attempt() paces these).
        if (this.now().getTime() - Date.parse(this.state.since) < WAN_DOWN_RETRY_MS) return this.schedule(WAN_DOWN_RETRY_MS);
      } else if (this.attemptUnjudged) {
        // The SA we made never carried traffic: that is a failed attempt too, or a gateway that
        // accepts IKE but passes nothing would be replaced several times a second for ever.
        // Counted once: every later pass while the backoff runs sees the same stalled SA.
        this.attemptUnjudged = false;
        this.countFailure(profile, 'tunnel not passing traffic', `${active.remoteHost}: no echo through the new tunnel`);
      }
      return this.repair(profile, active, 'tunnel not passing traffic');
    }
    this.probes.stopFlow();
    this.probes.runWan(profile);
    // Right after a boot the service launcher may have started the saved tunnel just before the
    // agent (resumeSwanctl.ts): an IKE_SA of ours still connecting then is that one. Racing it
    // with a second would cost both; its up event brings the next pass.
    const resuming = this.sas.find((sa) => sa.ikeState === 'CONNECTING');
    const resumeWaitMs = this.startedAt + this.timings.initiateTimeoutMs - this.now().getTime();
    if (resuming && resumeWaitMs > 0) {
      this.setState('connecting', resuming.remoteHost, 'resumed at boot');
      return this.schedule(resumeWaitMs);
    }
    await this.attempt(profile, this.nextGateway % profile.gateways.length);
  }

  /**
   * Our SAs as charon lists them, without those of a gateway whose authenticated identity the
   * profile does not name: such an SA is deleted before any route could lead into it.
   */
  private async ourSas(profile: TunnelProfile): Promise<TunnelSa[]> {
    const sas = readSas(await this.deps.vici.listSas({ noblock: true }));
    const foreign = sas.filter((sa) => sa.ikeState === 'ESTABLISHED' && !profile.gatewayIds.includes(sa.remoteId));
    if (foreign.length === 0) return sas;
    await this.terminate(foreign);
    // The attempt that made such an SA has counted here: its stall must not count it again.
    this.attemptUnjudged = false;
    for (const sa of foreign) {
      this.nextGateway = (sa.gatewayIndex + 1) % profile.gateways.length;
      this.countFailure(profile, 'gateway identity not accepted', `${sa.remoteHost} authenticated as ${sa.remoteId}`);
      this.deps.log.warn({ gateway: sa.remoteHost, identity: sa.remoteId }, 'gateway identity not in the profile; SA deleted');
    }
    return sas.filter((sa) => !foreign.includes(sa));
  }

  /**
   * Make-before-break through the gateways in turn, from the one after the SA's (its own gateway
   * too: after an address change a fresh SA there is all it takes).
   */
  private async repair(profile: TunnelProfile, active: TunnelSa, because: string): Promise<void> {
    const target = ((this.lastRepair ?? active.gatewayIndex) + 1) % profile.gateways.length;
    if ((await this.attempt(profile, target, because)) !== 'backing off') this.lastRepair = target;
  }

  /** Loads the box's credentials and one connection per gateway into a (possibly fresh) charon. */
  private async load(profile: TunnelProfile): Promise<void> {
    await loadCharon(this.deps.vici, planCharon(profile));
    this.loadedFor = profile;
    this.deps.log.info({ gateways: profile.gateways, boxId: profile.boxId }, 'tunnel configuration loaded into charon');
  }

  /**
   * A new profile or `tunnel restart`: a fresh IKE_SA and CHILD_SA while the old one still
   * carries, then the old one goes (attempt()). A restart goes to the next gateway; with only one
   * it goes to that one again, and the gateway replaces the old SA itself (one IKE_SA per box),
   * so traffic may pause: the up event says how long. A rebuild that fails leaves the old tunnel.
   */
  private async rebuild(profile: TunnelProfile, active: TunnelSa, restart: boolean): Promise<void> {
    // A new profile may probe another target: its probes start afresh.
    if (!restart) this.probes.stopAll();
    const target = restart ? (active.gatewayIndex + 1) % profile.gateways.length : 0;
    const outcome = await this.attempt(profile, target, restart ? 'tunnel restart' : 'new profile', active);
    if (outcome === 'established' && restart && target === active.gatewayIndex) this.gapFrom = this.probes.flow.lastReplyAt;
  }

  /**
   * Initiates a fresh IKE_SA and CHILD_SA to one gateway, unless backing off. `keeps` is the SA
   * that carries while a rebuild tries: it stays if the attempt fails.
   */
  private async attempt(profile: TunnelProfile, gatewayIndex: number, because?: string, keeps?: TunnelSa): Promise<'backing off' | 'failed' | 'established'> {
    const wait = waitMs(this.pacing, this.now().getTime());
    if (wait > 0) {
      this.schedule(wait);
      this.setState('backoff', undefined, this.pacing.lastError?.reason);
      return 'backing off';
    }
    const gateway = profile.gateways[gatewayIndex] as string;
    const connection = connectionName(gatewayIndex);
    const startedAt = this.now().getTime();
    const previous = this.state;
    this.setState('connecting', gateway, because);
    const before = new Set(this.sas.map((sa) => sa.ikeId));
    try {
      await this.deps.vici.initiate({ child: CHILD_NAME, ike: connection, timeoutMs: this.timings.initiateTimeoutMs });
    } catch (error) {
      const reason = await reasonOfFailedAttempt(error, this.now(), this.deps.clockSynchronised);
      await this.terminate(readSas(await this.deps.vici.listSas({ noblock: true })).filter((sa) => sa.connection === connection && !before.has(sa.ikeId)));
      this.nextGateway = (gatewayIndex + 1) % profile.gateways.length;
      // Only what the datacenter refused, or left unanswered while the WAN was up, backs off.
      const answered = reason !== 'gateway unreachable' && reason !== 'attempt failed';
      // A gateway that answered IKE is beyond the practice router: the WAN is up.
      if (answered) this.probes.noteWanUp();
      // A rebuild's old tunnel carried until now: the WAN is up.
      const counted = answered || keeps !== undefined || this.probes.wanUp();
      const detail = `${gateway}: ${(error as Error).message}`;
      // Uncounted attempts are paced; the WAN probe's first answer ends that wait (wanBack).
      if (counted) this.countFailure(profile, reason, detail);
      else this.pacing = uncounted(this.pacing, this.timings.reconcileEveryMs, startedAt, this.failure(reason, detail));
      this.deps.log.warn({ gateway, reason, failures: this.pacing.failures }, keeps ? 'tunnel rebuild failed; the tunnel in place stays' : 'tunnel attempt failed');
      if (keeps) {
        // The old tunnel carries on as it did; the answer to the restart says why none was built.
        this.setState(previous.state, keeps.remoteHost, reason);
        return 'failed';
      }
      this.setState(counted ? 'backoff' : 'wan-down', undefined, reason);
      this.schedule(waitMs(this.pacing, this.now().getTime()));
      return 'failed';
    }
    this.nextGateway = gatewayIndex;
    this.attemptUnjudged = true;
    this.probes.noteWanUp();
    this.deps.log.info({ gateway, because }, 'tunnel established');
    // Make-before-break: the new SA is up (and its gateway one the profile names), so the ones
    // it replaces can go now.
    const sas = readSas(await this.deps.vici.listSas({ noblock: true }));
    const fresh = sas.filter((sa) => sa.connection === connection && !before.has(sa.ikeId) && profile.gatewayIds.includes(sa.remoteId));
    if (fresh.length > 0) await this.terminate(sas.filter((sa) => before.has(sa.ikeId)));
    this.probes.resetFlow();
    this.again = true;
    return 'established';
  }

  /**
   * Uninstall and factory reset. Order matters for fail closed: the routes go unreachable first,
   * then the SAs and charon's configuration, and our rules and routes last. (The caller closes
   * the firewall before.)
   */
  private async tearDown(): Promise<void> {
    const { vici, routes } = this.deps;
    if (this.teardownPrefixes) await routes.apply({ prefixes: this.teardownPrefixes, path: { kind: 'unreachable' } });
    if (vici.isConnected) {
      await this.terminate(readSas(await vici.listSas({ noblock: true })));
      await unloadCharon(vici);
    }
    await routes.apply(null);
    this.teardownPrefixes = undefined;
    this.loadedFor = undefined;
    this.teardown = false;
    this.deps.log.info('tunnel torn down');
  }

  private countFailure(profile: TunnelProfile, reason: FailureReason, detail: string): void {
    this.pacing = countFailure(this.pacing, profile.gateways.length, this.failure(reason, detail));
  }

  private failure(reason: FailureReason, detail: string): Failure {
    return { reason, detail, now: this.now().getTime(), jitter: (this.deps.random ?? Math.random)() };
  }

  private terminate(sas: readonly TunnelSa[]): Promise<void> {
    return terminateSas(this.deps.vici, sas, this.deps.log);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delayMs);
  }

  private setState(state: TunnelState, gateway?: string, reason?: string): void {
    // Before the check for a change: the same state may come with a new error.
    this.warnings.update(state, { reason, lastError: this.pacing.lastError?.reason });
    if (state === this.state.state && gateway === this.state.gateway) return;
    const at = this.now().toISOString();
    this.state = { state, since: at, ...(gateway ? { gateway } : {}) };
    this.deps.log.info({ state, gateway, reason }, 'tunnel state');
    this.deps.history.record({ at, state, ...(gateway ? { gateway } : {}), ...(reason ? { reason } : {}) });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
