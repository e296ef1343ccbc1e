// The tunnel controller: keeps one IKEv2 tunnel to the datacenter up whenever the internet is,
// by reconciling instead of scripting. The decisions are the planner's (plan.ts); the controller
// looks and does. Each pass goes in steps: it hands the planner what it sees (the profile, charon's
// session, the SAs charon lists, the probes' verdicts, an initiate's outcome, the clock), takes
// the actions the planner returns in order (VICI, routes, probes, history, log, timers), and looks
// at what the plan names next, until the plan names nothing.
// A tunnel that passes traffic is remembered (resumeSwanctl.ts), so that the service brings it
// back at the next boot before the agent has loaded; switched off or replaced, it is forgotten.
import { type Lifecycle, StateTracker, type SubsystemStatus } from '../../core/index.ts';
import { goNow, nextAttemptAt, reset } from './attemptPacing.ts';
import { CHILD_NAME, connectionName, planCharon } from './charonPlan.ts';
import { loadCharon, unloadCharon } from './charonLoader.ts';
import { reasonOfFailedAttempt } from './failure.ts';
import type { Counters } from './liveness.ts';
import { carriesItsProfile, firstPlanState, planTunnel, profileReplaced } from './plan.ts';
import type { Attempt, TunnelAction, TunnelNext, TunnelPlanState, TunnelSeen } from './planModel.ts';
import { DEFAULT_TIMINGS, type RoutePath, type TunnelDeps, type TunnelTimings } from './ports.ts';
import { TunnelProbes } from './probes.ts';
import { ResumeKeeper } from './resumeKeeper.ts';
import { carrier, readSas, terminateSas, type TunnelSa } from './sas.ts';
import type { TunnelProfile } from './tunnelProfile.ts';
import { statusOf, type TunnelStatus } from './status.ts';
import { TunnelWarnings } from './tunnelWarnings.ts';

/** A subsystem whose apply also says whether it builds the tunnel anew. */
export class TunnelController implements Lifecycle {
  readonly name = 'tunnel';
  private readonly deps: TunnelDeps;
  private readonly timings: TunnelTimings;
  private readonly lifecycle: StateTracker;
  private readonly probes: TunnelProbes;
  private readonly resume: ResumeKeeper;
  private readonly warnings: TunnelWarnings;
  private profile: TunnelProfile | undefined;
  /** JSON of the applied profile: an equal profile built anew is no change. */
  private profileKey: string | undefined;
  /** The profile whose configuration charon holds: none after charon (re)connected. */
  private loadedFor: TunnelProfile | undefined;
  private enabled = true;
  private running = false;
  /** Uninstall asked to tear down, with the TI prefixes of the profile going away (routed unreachable first). */
  private teardown: { prefixes: readonly string[] | undefined } | undefined;
  /** When start() ran (ms since the epoch). */
  private startedAt = 0;
  private plan: TunnelPlanState;
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
      () => this.now(),
      {
        news: () => this.kick(),
        wanBack: () => {
          // The WAN is back: backoff is over, the next attempt may go at once.
          this.plan = { ...this.plan, pacing: goNow(this.plan.pacing) };
          this.kick();
        },
      },
      () => this.readCounters(),
      deps.knock,
    );
    this.plan = firstPlanState(this.now());
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.enabled = this.deps.enabledAtStart?.() ?? true;
    this.running = true;
    this.startedAt = this.now();
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
   * Resolves true where the tunnel is built anew for a profile that replaces another, which only
   * this comparison of the resolved profiles can tell (a new gateway source may name the same gateways).
   */
  async apply(desired: { profile: TunnelProfile } | null): Promise<boolean> {
    const key = desired ? JSON.stringify(desired.profile) : undefined;
    if (desired === null) this.teardown = { prefixes: this.profile?.tiPrefixes };
    else if (key === this.profileKey) return false;
    // A different profile replaces what the old one built (make-before-break); the first one
    // after a start adopts the SAs the agent before left, so a restart drops nothing.
    const replaces = desired !== null && this.profileKey !== undefined;
    if (replaces) this.plan = profileReplaced(this.plan);
    // The tunnel of a profile that is going away must not come back at the next start.
    if (desired === null || this.plan.replace === 'profile') await this.resume.forget();
    this.profile = desired?.profile;
    this.profileKey = key;
    this.loadedFor = undefined;
    this.plan = { ...this.plan, pacing: reset(this.plan.pacing), nextGateway: 0 };
    if (this.running) await this.pass();
    return replaces;
  }

  /** Whether the tunnel is up through an SA built from the profile last applied, not one it replaces. */
  carriesItsProfile(): boolean {
    return carriesItsProfile(this.plan);
  }

  /** Whether the tunnel is to be up: the operator's setting as last given (at start, or by setEnabled). */
  isEnabled(): boolean {
    return this.enabled;
  }

  /** Operator actions (gemSpec_Kon TIP1-A_4778): bring the tunnel up, down, or build it anew. */
  async setEnabled(enabled: boolean): Promise<void> {
    this.enabled = enabled;
    this.plan = { ...this.plan, pacing: reset(this.plan.pacing) };
    if (this.running) await this.pass();
  }

  /** Builds the tunnel anew, make-before-break, inside the pass like every other change. */
  async restart(): Promise<void> {
    this.plan = { ...this.plan, replace: 'restart', pacing: reset(this.plan.pacing) };
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
    return s.state === 'running' ? { ...s, state: this.plan.shown.state === 'up' ? 'running' : 'degraded', detail: this.plan.shown.state } : s;
  }

  /** Where an active probe through the tunnel goes, from which address; none without a profile. */
  probeTarget(): { address: string; source: string } | undefined {
    return this.profile && { address: this.profile.probeAddress, source: this.profile.localTiAddress };
  }

  tunnelStatus(): TunnelStatus {
    return statusOf({
      ...this.plan.shown,
      carrier: carrier(this.plan.sas),
      lastError: this.plan.pacing.lastError,
      nextAttemptAt: nextAttemptAt(this.plan.pacing, this.now()),
      evidence: this.probes.watchingFlow ? this.probes.flow.evidence : undefined,
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

  /** One pass: plan a step from what is seen, commit its state, do its actions, look at what it names next. */
  private async reconcile(): Promise<void> {
    // The profile as the pass began: one applied meanwhile is the next pass's.
    const profile = this.profile;
    let seen: TunnelSeen | undefined = {
      kind: 'pass',
      profile,
      ...this.basics(),
      viciConnected: this.deps.vici.isConnected,
      loaded: this.loadedFor === profile,
      teardown: this.teardown !== undefined,
    };
    while (seen) {
      const plan = planTunnel(this.plan, seen, this.timings);
      this.plan = plan.state;
      const path = await this.execute(plan.actions, profile);
      seen = plan.next && (await this.look(plan.next, required(profile), path));
    }
  }

  /** The clock and the jitter, read afresh for each step. */
  private basics() {
    return { now: this.now(), jitter: (this.deps.random ?? Math.random)() };
  }

  /** What the plan asked to look at next: charon's SAs, the tunnel once routed, or an initiate's outcome. */
  private async look(next: TunnelNext, profile: TunnelProfile, path: RoutePath | undefined): Promise<TunnelSeen> {
    if (next.look === 'sas') return { kind: 'sas', sas: await this.listSas(), enabled: this.enabled, profile, ...this.basics() };
    if (next.look === 'initiate') return this.initiate(next.attempt, profile);
    const { flow } = this.probes;
    return {
      kind: 'tunnel',
      profile,
      ...this.basics(),
      ...(path ? { path } : {}),
      startedAt: this.startedAt,
      flow: { watching: this.probes.watchingFlow, verdict: flow.current, lastEchoAt: flow.lastReplyAt, longOutage: this.probes.longOutage, ...(flow.evidence ? { evidence: flow.evidence.kind } : {}) },
      wan: { probingSince: this.probes.wanProbingSince, upSinceLastEcho: this.probes.wanUpSinceLastEcho() },
    };
  }

  /** A fresh IKE_SA and CHILD_SA to one gateway; the outcome, with the SAs charon lists after it. */
  private async initiate(attempt: Attempt, profile: TunnelProfile): Promise<TunnelSeen> {
    try {
      await this.deps.vici.initiate({ child: CHILD_NAME, ike: connectionName(attempt.gatewayIndex), timeoutMs: this.timings.initiateTimeoutMs });
    } catch (error) {
      const reason = await reasonOfFailedAttempt(error, new Date(this.now()), this.deps.clockSynchronised);
      const sas = await this.listSas();
      return { kind: 'refused', attempt, reason, message: (error as Error).message, sas, wanUp: this.probes.wanUp(), profile, ...this.basics() };
    }
    const sas = await this.listSas();
    return { kind: 'established', attempt, sas, lastEchoAt: this.probes.flow.lastReplyAt, profile, ...this.basics() };
  }

  /** Does what the planner decided, in order; the way the routes now lead into the tunnel, if they do. */
  private async execute(actions: readonly TunnelAction[], profile: TunnelProfile | undefined): Promise<RoutePath | undefined> {
    const { log } = this.deps;
    let path: RoutePath | undefined;
    for (const action of actions) {
      switch (action.kind) {
        case 'run-flow':
          this.probes.runFlow(required(profile));
          break;
        case 'stop-flow':
          this.probes.stopFlow();
          break;
        case 'reset-flow':
          this.probes.resetFlow();
          break;
        case 'run-wan':
          this.probes.runWan(required(profile));
          break;
        case 'stop-wan':
          this.probes.stopWan();
          break;
        case 'note-wan-up':
          this.probes.noteWanUp();
          break;
        case 'end-long-outage':
          this.probes.endLongOutage();
          break;
        case 'tear-down':
          await this.tearDown();
          break;
        case 'load':
          await this.load(required(profile));
          break;
        case 'route':
          path = await this.route(required(profile), action.to);
          break;
        case 'terminate':
          await this.terminate(action.sas);
          break;
        case 'remember':
          await this.resume.remember(required(profile), action.gatewayIndex, action.path);
          break;
        case 'forget':
          await this.resume.forget();
          break;
        case 'schedule':
          clearTimeout(this.timer);
          this.timer = setTimeout(() => this.kick(), action.inMs);
          break;
        case 'again':
          this.again = true;
          break;
        case 'health':
          this.warnings.update(action.state, action.words);
          break;
        case 'record': {
          const { state, gateway, reason } = action.event;
          log.info({ state, gateway, reason }, 'tunnel state');
          this.deps.history.record(action.event);
          break;
        }
        case 'log':
          log[action.level](action.fields, action.message);
          break;
      }
    }
    return path;
  }

  /** The TI prefixes unreachable, or into the tunnel the way charon's kernel back end needs. */
  private async route(profile: TunnelProfile, to: 'tunnel' | 'unreachable'): Promise<RoutePath | undefined> {
    const path = to === 'tunnel' ? await this.deps.tunnelPath(profile) : undefined;
    await this.deps.routes.apply({ prefixes: profile.tiPrefixes, path: path ?? { kind: 'unreachable' } });
    return path;
  }

  /** Loads the box's credentials and one connection per gateway into a (possibly fresh) charon. */
  private async load(profile: TunnelProfile): Promise<void> {
    await loadCharon(this.deps.vici, planCharon(profile));
    this.loadedFor = profile;
    this.deps.log.info({ gateways: profile.gateways, boxId: profile.boxId }, 'tunnel configuration loaded into charon');
  }

  /**
   * Uninstall and factory reset. Order matters for fail closed: the routes go unreachable first,
   * then the SAs and charon's configuration, and our rules and routes last. (The caller closes
   * the firewall before.)
   */
  private async tearDown(): Promise<void> {
    const { vici, routes } = this.deps;
    const prefixes = this.teardown?.prefixes;
    if (prefixes) await routes.apply({ prefixes, path: { kind: 'unreachable' } });
    if (vici.isConnected) {
      await this.terminate(await this.listSas());
      await unloadCharon(vici);
    }
    await routes.apply(null);
    this.teardown = undefined;
    this.loadedFor = undefined;
    this.deps.log.info('tunnel torn down');
  }

  /**
   * The packet counters of the CHILD_SA that carries the tunnel, read with one list-sas of its
   * connection on the session the controller holds; undefined while none carries.
   */
  private async readCounters(): Promise<Counters | undefined> {
    const active = carrier(this.plan.sas);
    if (!active || !this.deps.vici.isConnected) return undefined;
    const listed = readSas(await this.deps.vici.listSas({ ike: active.connection, noblock: true }));
    const child = listed.find((sa) => sa.ikeId === active.ikeId)?.child;
    return child?.installed ? { key: String(active.ikeId), packetsIn: child.packetsIn, packetsOut: child.packetsOut } : undefined;
  }

  private async listSas(): Promise<TunnelSa[]> {
    return readSas(await this.deps.vici.listSas({ noblock: true }));
  }

  private terminate(sas: readonly TunnelSa[]): Promise<void> {
    return terminateSas(this.deps.vici, sas, this.deps.log);
  }

  /** ms since the epoch. */
  private now(): number {
    return (this.deps.now?.() ?? new Date()).getTime();
  }
}

/** The actions and steps that need a profile come only from a pass that has one (plan.ts). */
function required(profile: TunnelProfile | undefined): TunnelProfile {
  if (!profile) throw new Error('tunnel action without a profile');
  return profile;
}
