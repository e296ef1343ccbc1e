// Whether the tunnel carries, judged first by the practice's own traffic and by probes only when
// they decide something. Pure: the CHILD_SA's packet counters (read over VICI), the probe's echoes
// and the clock come in; the verdict, whether a probe is to run and when to look next go out.
// - inbound packets of the CHILD_SA that our probe did not cause say the tunnel works (traffic);
// - packets going into the tunnel with nothing coming back for a moment make a stall suspected:
//   a fast probe confirms it (or an echo, or inbound traffic, clears it);
// - a fresh SA and the WAN's return are probed at once, as before the practice sends anything;
// - an idle tunnel gets a heartbeat probe, so that a silent failure (a gateway that died, a new
//   public address) is found before the practice's next request needs the tunnel;
// - the counters are read often while traffic flows and rarely while the tunnel idles.

/** Whether traffic flows through the tunnel: undecided after a fresh start until a probe or the traffic says. */
export type Flow = 'unknown' | 'flowing' | 'stalled';

/** What judged the tunnel: its own traffic, a probe (a stall suspected, a fresh SA, the WAN back), or the idle heartbeat. */
export type Evidence = 'traffic' | 'probe' | 'heartbeat';

/** Why a probe runs: traffic went unanswered, a fresh start (new SA, the WAN back), or the idle heartbeat. */
export type ProbeCause = 'stall' | 'fresh' | 'heartbeat';

export interface LivenessTimings {
  /** Between counter readings while traffic flows or a probe runs; also the probe's echo interval. */
  readonly activeReadMs: number;
  /** Between counter readings while the tunnel idles. */
  readonly idleReadMs: number;
  /** No counter growth for this long: the tunnel idles. */
  readonly idleAfterMs: number;
  /** Traffic went in and nothing came back for this long: a stall is suspected, a probe confirms. */
  readonly suspectAfterMs: number;
  /**
   * Nothing came out of the tunnel for this long since the reading that last saw something (on
   * average half a reading after it came), with a probe unanswered: stalled.
   */
  readonly stallAfterMs: number;
  /** A probe runs at least this long (echoes at activeReadMs) before it may say stalled. */
  readonly confirmMs: number;
  /** A probe on its own (a fresh SA, the heartbeat) gets this long for its first echo. */
  readonly probeAnswerMs: number;
  /** No inbound evidence for this long while idle: a heartbeat probe. */
  readonly heartbeatAfterMs: number;
  /**
   * A probe is never judged unanswered before this many of the line's smoothed round trips: the
   * windows above fit a fast line, and stretch on a slow one (a mobile fallback) instead of
   * repairing a tunnel that only answers late.
   */
  readonly answerRoundTrips: number;
}

/**
 * Why the counters are read twice a second while the tunnel idles: the practice's first packet
 * after a pause is seen within half a second, so a tunnel that died meanwhile is repaired well
 * before TCP sends its first retransmission (after 1 s); each reading is an exchange with charon,
 * and the idle agent's CPU counts for thousands of boxes.
 *
 * Why a stall is decided 150 ms after the last inbound reading: three echoes' time (at 50 ms) on a
 * fast line, which keeps the repair after a gateway's death or a new public address under 0.3 s;
 * a line whose echoes take longer stretches the windows by its own round trip (answerRoundTrips).
 *
 * Why 30 s for the heartbeat: an idle tunnel then costs an echo and its reply every 30 s (0.07
 * packets/s) besides the gateway's own DPD (an exchange each dpd_delay, 10 s in the lab: 0.2/s),
 * well under the 0.5 packets/s a datacenter accepts per box; and a silent failure is repaired
 * within 30 s, long before a card terminal's keep-alive (10 s × 10 tries) or a gateway's DPD
 * (165 s) gives up on a connection through the tunnel. A request of the practice does not wait
 * for it: its own unanswered packets start the repair.
 */
export const LIVENESS_TIMINGS: LivenessTimings = {
  activeReadMs: 50,
  idleReadMs: 500,
  idleAfterMs: 1_000,
  suspectAfterMs: 50,
  stallAfterMs: 150,
  confirmMs: 100,
  probeAnswerMs: 250,
  heartbeatAfterMs: 30_000,
  answerRoundTrips: 3,
};

/** A CHILD_SA's packet counters; `key` names the SA, whose counters are only compared with its own. */
export interface Counters {
  readonly key: string;
  readonly packetsIn: number;
  readonly packetsOut: number;
}

export interface Probe {
  readonly cause: ProbeCause;
  readonly since: number;
  /** Unanswered until then: stalled. */
  readonly deadline: number;
}

export interface LivenessState {
  readonly verdict: Flow;
  /** What judged the verdict last, and when (ms since the epoch). */
  readonly evidence?: { readonly kind: Evidence; readonly at: number };
  /** The last reading, the baseline of the next. */
  readonly counters?: Counters;
  /** The last inbound evidence (ms since the epoch), 0 before any. */
  readonly lastInAt: number;
  /** The last counter growth that was not our probe's, or the last answer: the counters are read often for a while after. */
  readonly lastTrafficAt: number;
  /** The first outbound growth since the last inbound evidence. */
  readonly unansweredSince?: number;
  readonly probe?: Probe;
  /** The next reading only sets the baseline: it holds our probe's own packets. */
  readonly rebaseline: boolean;
  /** The probe echoes' smoothed round trip (ms), as TCP smooths its own; undefined before the first. */
  readonly roundTripMs?: number;
}

export type LivenessSeen =
  | { readonly kind: 'reading'; readonly now: number; readonly counters: Counters | undefined }
  /** An echo of the probe, with its round trip when ping reported one. */
  | { readonly kind: 'echo'; readonly now: number; readonly roundTripMs?: number }
  /** Undecided again (a fresh SA, the WAN back): a probe decides within `deadlineMs`. */
  | { readonly kind: 'fresh'; readonly now: number; readonly deadlineMs: number };

export interface LivenessStep {
  readonly state: LivenessState;
  /** Whether the probe is to run now. */
  readonly probing: boolean;
  /** When to read the counters next: each reading also looks at the deadlines and a due heartbeat. */
  readonly wakeInMs: number;
}

export const IDLE_LIVENESS: LivenessState = { verdict: 'unknown', lastInAt: 0, lastTrafficAt: 0, rebaseline: true };

export function judgeLiveness(state: LivenessState, seen: LivenessSeen, timings: LivenessTimings): LivenessStep {
  const { now } = seen;
  let next = state;
  if (seen.kind === 'reading') next = read(state, seen.counters, now);
  else if (seen.kind === 'echo') next = heard(state.probe ? carries(state, now, probeEvidence(state.probe)) : state, seen.roundTripMs);
  else if (seen.kind === 'fresh') {
    const deadline = now + patience(seen.deadlineMs, state, timings);
    next = { ...state, verdict: 'unknown', unansweredSince: undefined, probe: { cause: 'fresh', since: now, deadline } };
  }
  next = decide(next, now, timings);
  return { state: next, probing: next.probe !== undefined, wakeInMs: wakeIn(next, now, timings) };
}

/** What the counters say since the last reading. */
function read(state: LivenessState, counters: Counters | undefined, now: number): LivenessState {
  const before = state.counters;
  if (!counters) return { ...state, counters: undefined };
  const grewIn = before ? counters.packetsIn - before.packetsIn : 0;
  const grewOut = before ? counters.packetsOut - before.packetsOut : 0;
  // Another SA, or one that started counting afresh: nothing to compare with.
  if (!before || before.key !== counters.key || grewIn < 0 || grewOut < 0 || state.rebaseline) {
    return { ...state, counters, rebaseline: false };
  }
  const read = { ...state, counters };
  if (grewIn > 0) {
    // While a probe runs its echo may be among them: either way the tunnel carries.
    return carries(read, now, state.probe ? probeEvidence(state.probe) : 'traffic');
  }
  // Our probe's own requests are no news.
  if (grewOut > 0 && !state.probe) return { ...read, lastTrafficAt: now, unansweredSince: state.unansweredSince ?? now };
  return read;
}

/**
 * Inbound evidence: the tunnel carries; a probe has done its job (its packets are in the next
 * reading). The counters are read often for a while after, as after any traffic: a tunnel just
 * found working is about to be used (a fresh SA, the WAN back).
 */
function carries(state: LivenessState, now: number, kind: Evidence): LivenessState {
  return { ...state, verdict: 'flowing', evidence: { kind, at: now }, lastInAt: now, lastTrafficAt: now, unansweredSince: undefined, probe: undefined, rebaseline: state.probe !== undefined || state.rebaseline };
}

/** Smooths the echoes' round trip by an eighth per sample, as TCP does: one late echo does not stretch the windows. */
function heard(state: LivenessState, roundTripMs: number | undefined): LivenessState {
  if (roundTripMs === undefined) return state;
  const before = state.roundTripMs;
  return { ...state, roundTripMs: before === undefined ? roundTripMs : before + (roundTripMs - before) / 8 };
}

/** A window, stretched to the line's round trips where it is slower than the window allows. */
function patience(windowMs: number, state: LivenessState, timings: LivenessTimings): number {
  return Math.max(windowMs, timings.answerRoundTrips * (state.roundTripMs ?? 0));
}

const probeEvidence = (probe: Probe): Evidence => (probe.cause === 'heartbeat' ? 'heartbeat' : 'probe');

/** Starts the probe a suspicion or a due heartbeat calls for; a probe unanswered past its deadline says stalled. */
function decide(state: LivenessState, now: number, timings: LivenessTimings): LivenessState {
  const { probe } = state;
  if (probe) {
    if (now < probe.deadline || state.verdict === 'stalled') return state;
    // What judged the stall: the practice's own traffic going unanswered, or the heartbeat, or the probe of a fresh start.
    const kind: Evidence = probe.cause === 'stall' ? 'traffic' : probeEvidence(probe);
    return { ...state, verdict: 'stalled', evidence: { kind, at: now } };
  }
  if (state.unansweredSince !== undefined && now - state.lastInAt >= timings.suspectAfterMs) {
    const deadline = Math.max(state.lastInAt + patience(timings.stallAfterMs, state, timings), now + patience(timings.confirmMs, state, timings));
    return { ...state, probe: { cause: 'stall', since: now, deadline } };
  }
  if (state.verdict === 'flowing' && now - state.lastInAt >= timings.heartbeatAfterMs) {
    return { ...state, probe: { cause: 'heartbeat', since: now, deadline: now + patience(timings.probeAnswerMs, state, timings) } };
  }
  return state;
}

/** Often while traffic flows or a probe runs, rarely while idle; never past a deadline or a due heartbeat. */
function wakeIn(state: LivenessState, now: number, timings: LivenessTimings): number {
  const active = state.probe !== undefined || now - state.lastTrafficAt < timings.idleAfterMs;
  const due = [active ? timings.activeReadMs : timings.idleReadMs];
  if (state.probe && state.verdict !== 'stalled') due.push(state.probe.deadline - now);
  if (!state.probe && state.verdict === 'flowing') due.push(state.lastInAt + timings.heartbeatAfterMs - now);
  if (!state.probe && state.unansweredSince !== undefined) due.push(state.lastInAt + timings.suspectAfterMs - now);
  return Math.max(0, Math.min(...due));
}
