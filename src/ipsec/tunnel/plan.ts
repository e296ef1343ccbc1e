// The tunnel's decisions, apart from doing them: from the planner's state and what the controller
// sees at one step of a pass (planModel.ts) to the next state, the actions to take in order and
// what to look at next. Pure: the clock, the jitter and every fact come in the observation.
// - the tunnel counts as up only while something comes back through it: the practice's own
//   traffic, or a probe's echo where traffic went unanswered, on a fresh SA, or as the idle
//   heartbeat (liveness.ts); the history says which judged;
// - a tunnel that stops passing traffic while the WAN is up is replaced make-before-break by a
//   fresh IKE_SA to the next gateway, then the old SA is deleted;
// - while the WAN is down nothing is torn down; after 30 s without a WAN answer it is tried anyway;
// - an SA that lived through an outage longer than a gateway's DPD survives is replaced
//   make-before-break at the first answer of any kind, its own echoes included (probes.ts);
// - a failed attempt while the WAN is up (refused, unanswered, or an SA that never carried an
//   echo) counts once, and rounds over the gateways back off (attemptPacing.ts, backoff.ts).
// TI routes follow the CHILD_SA: into the tunnel while one is installed, unreachable otherwise.
import { connectionName } from './charonPlan.ts';
import { FRESH_PACING, countFailure, succeeded, uncounted, waitMs } from './attemptPacing.ts';
import type { FailureReason } from './failure.ts';
import type { Evidence } from './liveness.ts';
import type { Attempt, TunnelAction, TunnelNext, TunnelPlan, TunnelPlanState, TunnelSeen } from './planModel.ts';
import type { TunnelTimings } from './ports.ts';
import { carrier, type TunnelSa } from './sas.ts';
import type { TunnelState } from './status.ts';
import type { TunnelProfile } from './tunnelProfile.ts';

/** A stalled tunnel with no WAN answer is tried anyway after this long (gateways may not answer ping). */
const WAN_DOWN_RETRY_MS = 30_000;
/** How long a freshly started WAN probe gets to answer before the WAN counts as down. */
const WAN_VERDICT_MS = 500;
/** The reason the history gives for replacing an SA that still carries after a long outage. */
const LONG_OUTAGE = "outage longer than a gateway's DPD survives";
const NOT_PASSING: FailureReason = 'tunnel not passing traffic';

/** What the planner takes of the timings: an attempt's length, and the pace of uncounted attempts. */
export type PlanTimings = Pick<TunnelTimings, 'initiateTimeoutMs' | 'reconcileEveryMs'>;

/** Before the first pass: no SA seen, no profile shown, the first attempt free to go. */
export function firstPlanState(now: number): TunnelPlanState {
  return { sas: [], shown: { state: 'no-profile', since: new Date(now).toISOString() }, pacing: FRESH_PACING, nextGateway: 0, attemptUnjudged: false, everConnected: false };
}

/** A new profile replaces the one the SAs in place were built from: they are outdated, and the next pass rebuilds. */
export function profileReplaced(state: TunnelPlanState): TunnelPlanState {
  return { ...state, replace: 'profile', outdated: [...(state.outdated ?? []), ...state.sas.map((sa) => sa.ikeId)] };
}

/** Whether the tunnel is up through an SA of the profile in use, not through one of a profile it replaced. */
export function carriesItsProfile(state: TunnelPlanState): boolean {
  const active = carrier(state.sas);
  return state.shown.state === 'up' && active !== undefined && !(state.outdated ?? []).includes(active.ikeId);
}

export function planTunnel(state: TunnelPlanState, seen: TunnelSeen, timings: PlanTimings): TunnelPlan {
  const step = new Step(state, seen.now, seen.jitter, timings);
  if (seen.kind === 'pass') atStart(step, seen);
  else if (seen.kind === 'sas') withSas(step, seen.profile, seen.sas, seen.enabled);
  else if (seen.kind === 'tunnel') withTunnel(step, seen.profile, seen);
  else if (seen.kind === 'established') established(step, seen.profile, seen.attempt, seen);
  else refused(step, seen.profile, seen.attempt, seen);
  return step.plan();
}

/** A plan under construction: one call's own, never seen outside planTunnel. */
class Step {
  state: TunnelPlanState;
  readonly now: number;
  readonly jitter: number;
  readonly timings: PlanTimings;
  readonly actions: TunnelAction[] = [];
  next: TunnelNext | undefined;

  constructor(state: TunnelPlanState, now: number, jitter: number, timings: PlanTimings) {
    this.state = state;
    this.now = now;
    this.jitter = jitter;
    this.timings = timings;
  }

  set(patch: Partial<TunnelPlanState>): void {
    this.state = { ...this.state, ...patch };
  }

  do(...actions: TunnelAction[]): void {
    this.actions.push(...actions);
  }

  terminate(sas: readonly TunnelSa[]): void {
    if (sas.length > 0) this.do({ kind: 'terminate', sas });
  }

  countFailure(profile: TunnelProfile, reason: FailureReason, detail: string): void {
    this.set({ pacing: countFailure(this.state.pacing, profile.gateways.length, { reason, detail, now: this.now, jitter: this.jitter }) });
  }

  /** The health list hears every decision on the state; the history and the log only a change. */
  show(state: TunnelState, gateway?: string, reason?: string, evidence?: Evidence): void {
    // Before the check for a change: the same state may come with a new error.
    this.do({ kind: 'health', state, words: { reason, lastError: this.state.pacing.lastError?.reason } });
    if (state === this.state.shown.state && gateway === this.state.shown.gateway) return;
    const at = new Date(this.now).toISOString();
    this.set({ shown: { state, since: at, ...(gateway ? { gateway } : {}) } });
    this.do({ kind: 'record', event: { at, state, ...(gateway ? { gateway } : {}), ...(reason ? { reason } : {}), ...(evidence ? { evidence } : {}) } });
  }

  plan(): TunnelPlan {
    return { state: this.state, actions: this.actions, ...(this.next ? { next: this.next } : {}) };
  }
}

/** No profile, no charon, or charon without our configuration: before anything else. */
function atStart(step: Step, seen: Extract<TunnelSeen, { kind: 'pass' }>): void {
  if (!seen.profile) {
    step.do({ kind: 'stop-flow' }, { kind: 'stop-wan' });
    if (seen.teardown) step.do({ kind: 'tear-down' });
    step.set({ sas: [] });
    return step.show('no-profile');
  }
  if (!seen.viciConnected) {
    step.set({ sas: [] });
    step.do({ kind: 'stop-flow' });
    // Right after a start the session is still connecting: the routes the agent before left
    // (or the boot state) stay as they are, so a restart of the agent drops nothing.
    if (!step.state.everConnected) return step.show('connecting');
    step.do({ kind: 'route', to: 'unreachable' });
    return step.show('charon-down', undefined, 'charon not running');
  }
  step.set({ everConnected: true });
  if (!seen.loaded) {
    // A changed profile: its prefixes are unreachable until a tunnel of the new profile is up.
    if (step.state.replace === 'profile') step.do({ kind: 'route', to: 'unreachable' });
    step.do({ kind: 'load' });
  }
  step.next = { look: 'sas' };
}

/**
 * Our SAs as charon lists them: those of a gateway whose authenticated identity the profile does
 * not name are deleted before any route could lead into them; switched off, all of ours go.
 */
function withSas(step: Step, profile: TunnelProfile, listed: readonly TunnelSa[], enabled: boolean): void {
  const foreign = listed.filter((sa) => sa.ikeState === 'ESTABLISHED' && !profile.gatewayIds.includes(sa.remoteId));
  if (foreign.length > 0) {
    step.terminate(foreign);
    // The attempt that made such an SA has counted here: its stall must not count it again.
    step.set({ attemptUnjudged: false });
    for (const sa of foreign) {
      step.set({ nextGateway: (sa.gatewayIndex + 1) % profile.gateways.length });
      step.countFailure(profile, 'gateway identity not accepted', `${sa.remoteHost} authenticated as ${sa.remoteId}`);
      step.do({ kind: 'log', level: 'warn', message: 'gateway identity not in the profile; SA deleted', fields: { gateway: sa.remoteHost, identity: sa.remoteId } });
    }
  }
  const sas = listed.filter((sa) => !foreign.includes(sa));
  step.set({ sas });
  // A gone SA needs no mark: an id charon hands out again later is a new SA.
  const { outdated } = step.state;
  if (outdated) step.set({ outdated: outdated.filter((id) => listed.some((sa) => sa.ikeId === id)) });
  if (!enabled) {
    // Routes first: the TI prefixes must not point into a tunnel that is going away.
    step.do({ kind: 'forget' }, { kind: 'route', to: 'unreachable' });
    step.terminate(sas);
    step.set({ sas: [] });
    step.do({ kind: 'stop-flow' }, { kind: 'stop-wan' });
    return step.show('disabled');
  }
  step.do({ kind: 'route', to: carrier(sas) ? 'tunnel' : 'unreachable' });
  step.next = { look: 'tunnel' };
}

/** The routes are set: rebuild, judge the SA that carries by its echoes, or connect. */
function withTunnel(step: Step, profile: TunnelProfile, seen: Extract<TunnelSeen, { kind: 'tunnel' }>): void {
  const active = carrier(step.state.sas);
  const replace = step.state.replace;
  step.set({ replace: undefined });
  if (active && replace) return rebuild(step, profile, active, replace === 'restart');
  if (active) return judge(step, profile, active, seen);
  step.do({ kind: 'stop-flow' }, { kind: 'run-wan' });
  // Right after a boot the service launcher may have started the saved tunnel just before the
  // agent (resumeSwanctl.ts): an IKE_SA of ours still connecting then is that one. Racing it
  // with a second would cost both; its up event brings the next pass.
  const resuming = step.state.sas.find((sa) => sa.ikeState === 'CONNECTING');
  const resumeWaitMs = seen.startedAt + step.timings.initiateTimeoutMs - step.now;
  if (resuming && resumeWaitMs > 0) {
    step.show('connecting', resuming.remoteHost, 'resumed at boot');
    return step.do({ kind: 'schedule', inMs: resumeWaitMs });
  }
  attempt(step, profile, step.state.nextGateway % profile.gateways.length, {});
}

/** An SA carries: up while its echoes come back; stalled, repaired where the WAN is up. */
function judge(step: Step, profile: TunnelProfile, active: TunnelSa, seen: Extract<TunnelSeen, { kind: 'tunnel' }>): void {
  // A liveness watch that starts now is undecided, with no outage behind it.
  const { watching } = seen.flow;
  const flow = watching ? seen.flow.verdict : 'unknown';
  const evidence = watching ? seen.flow.evidence : undefined;
  step.do({ kind: 'run-flow' });
  if (flow === 'flowing') {
    // An SA of a replaced profile carrying says nothing of the new profile's attempts: the last
    // one's error stays, to say why no tunnel of the new profile carries (a renewal reports it).
    const lastError = (step.state.outdated ?? []).includes(active.ikeId) ? step.state.pacing.lastError : undefined;
    step.set({ pacing: lastError ? { ...succeeded(), lastError } : succeeded(), lastRepair: undefined, attemptUnjudged: false });
    step.do({ kind: 'stop-wan' });
    // The gateway may delete this SA any moment (probes.ts, LONG_OUTAGE_MS): a fresh one at
    // once, while this one still carries.
    if (watching && seen.flow.longOutage) {
      step.do({ kind: 'end-long-outage' });
      return repair(step, profile, active, LONG_OUTAGE);
    }
    const { gapFrom } = step.state;
    const gap = gapFrom === undefined ? undefined : `rebuilt on the only gateway, which replaced the old SA: no echo for ${seen.flow.lastEchoAt - gapFrom} ms`;
    step.set({ gapFrom: undefined });
    step.show('up', active.remoteHost, gap, evidence);
    step.terminate(step.state.sas.filter((sa) => sa.ikeId !== active.ikeId));
    if (seen.path) step.do({ kind: 'remember', gatewayIndex: active.gatewayIndex, path: seen.path });
    return;
  }
  if (flow === 'unknown') {
    // The WAN is back and a probe asks whether the SA lived through the outage: it is not
    // connecting anything yet, and says so in a moment.
    if (watching && step.state.shown.state === 'wan-down') return;
    return step.show('connecting', active.remoteHost);
  }
  // Stalled: repair only where the WAN is up, otherwise wait for it without tearing down. Only
  // an answer that came after the last echo through the tunnel counts: older evidence says
  // nothing about an outage that began since.
  step.do({ kind: 'run-wan' });
  if (!seen.wan.upSinceLastEcho) {
    // The WAN probe may have just started: give it a moment to answer before saying so.
    const settled = Math.max(0, (seen.wan.probingSince ?? step.now) + WAN_VERDICT_MS - step.now);
    if (settled > 0) return step.do({ kind: 'schedule', inMs: settled });
    if (step.state.shown.state !== 'wan-down') return step.show('wan-down', active.remoteHost, 'no answer beyond the practice router', evidence);
    // Gateways that do not answer ping would keep a dead tunnel here for ever: after a while
    // try anyway, uncounted (attempts are paced).
    if (step.now - Date.parse(step.state.shown.since) < WAN_DOWN_RETRY_MS) return step.do({ kind: 'schedule', inMs: WAN_DOWN_RETRY_MS });
  } else if (step.state.attemptUnjudged) {
    // The SA we made never carried traffic: that is a failed attempt too, or a gateway that
    // accepts IKE but passes nothing would be replaced several times a second for ever.
    // Counted once: every later pass while the backoff runs sees the same stalled SA.
    step.set({ attemptUnjudged: false });
    step.countFailure(profile, NOT_PASSING, `${active.remoteHost}: no echo through the new tunnel`);
  }
  repair(step, profile, active, NOT_PASSING, evidence);
}

/**
 * Make-before-break through the gateways in turn, from the one after the SA's (its own gateway
 * too: after an address change a fresh SA there is all it takes).
 */
function repair(step: Step, profile: TunnelProfile, active: TunnelSa, because: string, evidence?: Evidence): void {
  const target = ((step.state.lastRepair ?? active.gatewayIndex) + 1) % profile.gateways.length;
  if (attempt(step, profile, target, { because, ...(evidence ? { evidence } : {}) })) step.set({ lastRepair: target });
}

/**
 * A new profile or `tunnel restart`: a fresh IKE_SA and CHILD_SA while the old one still
 * carries, then the old one goes. A restart goes to the next gateway, a new profile to its most
 * preferred gateway but the one that holds the old SA; with only one gateway it goes to that one
 * again, and the gateway replaces the old SA itself (one IKE_SA per box), so traffic may pause:
 * the up event says how long. A rebuild that fails leaves the old tunnel.
 */
function rebuild(step: Step, profile: TunnelProfile, active: TunnelSa, restart: boolean): void {
  // A new profile may probe another target: its probes start afresh.
  if (!restart) step.do({ kind: 'stop-flow' }, { kind: 'stop-wan' });
  const target = restart ? (active.gatewayIndex + 1) % profile.gateways.length : Math.max(0, profile.gateways.findIndex((gateway) => gateway !== active.remoteHost));
  const sameGateway = restart ? target === active.gatewayIndex : profile.gateways[target] === active.remoteHost;
  attempt(step, profile, target, { because: restart ? 'tunnel restart' : 'new profile', keeps: active, measuresGap: sameGateway });
}

/** An initiate to one gateway, unless backing off (then false). */
function attempt(step: Step, profile: TunnelProfile, gatewayIndex: number, how: Pick<Attempt, 'because' | 'keeps'> & { measuresGap?: boolean; evidence?: Evidence }): boolean {
  const wait = waitMs(step.state.pacing, step.now);
  if (wait > 0) {
    step.do({ kind: 'schedule', inMs: wait });
    step.show('backoff', undefined, step.state.pacing.lastError?.reason);
    return false;
  }
  const previous = step.state.shown.state;
  step.show('connecting', profile.gateways[gatewayIndex], how.because, how.evidence);
  step.next = {
    look: 'initiate',
    attempt: {
      gatewayIndex,
      ...(how.because ? { because: how.because } : {}),
      ...(how.keeps ? { keeps: how.keeps } : {}),
      startedAt: step.now,
      before: step.state.sas.map((sa) => sa.ikeId),
      previous,
      measuresGap: how.measuresGap ?? false,
    },
  };
  return true;
}

/** The new SA is up (and its gateway one the profile names): the ones it replaces can go now. */
function established(step: Step, profile: TunnelProfile, done: Attempt, seen: Extract<TunnelSeen, { kind: 'established' }>): void {
  const gateway = profile.gateways[done.gatewayIndex];
  step.set({ nextGateway: done.gatewayIndex, attemptUnjudged: true });
  step.do({ kind: 'note-wan-up' }, { kind: 'log', level: 'info', message: 'tunnel established', fields: { gateway, because: done.because } });
  const connection = connectionName(done.gatewayIndex);
  const fresh = seen.sas.filter((sa) => sa.connection === connection && !done.before.includes(sa.ikeId) && profile.gatewayIds.includes(sa.remoteId));
  if (fresh.length > 0) step.terminate(seen.sas.filter((sa) => done.before.includes(sa.ikeId)));
  // A profile applied while this attempt ran: its SA was built from the profile before.
  if (step.state.replace === 'profile') step.set({ outdated: [...(step.state.outdated ?? []), ...fresh.map((sa) => sa.ikeId)] });
  step.do({ kind: 'reset-flow' }, { kind: 'again' });
  if (done.measuresGap) step.set({ gapFrom: seen.lastEchoAt });
}

/**
 * The initiate failed: its half-open IKE_SA goes, and the next attempt is to the next gateway.
 * Only what the datacenter refused, or left unanswered while the WAN was up, backs off.
 */
function refused(step: Step, profile: TunnelProfile, done: Attempt, seen: Extract<TunnelSeen, { kind: 'refused' }>): void {
  const gateway = profile.gateways[done.gatewayIndex] as string;
  const connection = connectionName(done.gatewayIndex);
  step.terminate(seen.sas.filter((sa) => sa.connection === connection && !done.before.includes(sa.ikeId)));
  step.set({ nextGateway: (done.gatewayIndex + 1) % profile.gateways.length });
  const answered = seen.reason !== 'gateway unreachable' && seen.reason !== 'attempt failed';
  // A gateway that answered IKE is beyond the practice router: the WAN is up.
  if (answered) step.do({ kind: 'note-wan-up' });
  // A rebuild's old tunnel carried until now: the WAN is up.
  const counted = answered || done.keeps !== undefined || seen.wanUp;
  const detail = `${gateway}: ${seen.message}`;
  // Uncounted attempts are paced; the WAN probe's first answer ends that wait.
  if (counted) step.countFailure(profile, seen.reason, detail);
  else step.set({ pacing: uncounted(step.state.pacing, step.timings.reconcileEveryMs, done.startedAt, { reason: seen.reason, detail, now: step.now, jitter: step.jitter }) });
  const message = done.keeps ? 'tunnel rebuild failed; the tunnel in place stays' : 'tunnel attempt failed';
  step.do({ kind: 'log', level: 'warn', message, fields: { gateway, reason: seen.reason, failures: step.state.pacing.failures } });
  // The old tunnel carries on as it did; the answer to the restart says why none was built.
  if (done.keeps) return step.show(done.previous, done.keeps.remoteHost, seen.reason);
  step.show(counted ? 'backoff' : 'wan-down', undefined, seen.reason);
  step.do({ kind: 'schedule', inMs: waitMs(step.state.pacing, step.now) });
}
