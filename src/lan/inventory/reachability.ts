// Whether a registered terminal answers on TCP 4742, judged over successive probes. One answer is
// enough to count as reachable; it takes UNREACHABLE_AFTER failures in a row to count as
// unreachable, so a single lost SYN raises no alarm. Pure: the caller brings the probe result and
// the time, and stores the transition this returns.

export type ReachabilityState = 'unknown' | 'reachable' | 'unreachable';

export const UNREACHABLE_AFTER = 2;

export type ProbeResult = { ok: true } | { ok: false; detail: string };

export interface Reachability {
  state: ReachabilityState;
  /** ISO time the state began; for 'unknown', when tracking began. */
  since: string;
  /** Failed probes in a row. */
  failures: number;
  /** ISO time of the last answer. */
  lastOk?: string;
  lastFailure?: { at: string; detail: string };
}

export interface Transition {
  at: string;
  state: Exclude<ReachabilityState, 'unknown'>;
  /** Why unreachable. */
  detail?: string;
}

/** Where tracking starts: the last stored transition, else unknown. */
export function initialReachability(last: Transition | undefined, now: Date): Reachability {
  return last ? { state: last.state, since: last.at, failures: 0 } : { state: 'unknown', since: now.toISOString(), failures: 0 };
}

export function stepReachability(current: Reachability, result: ProbeResult, now: Date): { next: Reachability; transition?: Transition } {
  const at = now.toISOString();
  if (result.ok) {
    const next: Reachability = { ...current, failures: 0, lastOk: at };
    if (current.state === 'reachable') return { next };
    return { next: { ...next, state: 'reachable', since: at }, transition: { at, state: 'reachable' } };
  }
  const failures = current.failures + 1;
  const next: Reachability = { ...current, failures, lastFailure: { at, detail: result.detail } };
  if (current.state === 'unreachable' || failures < UNREACHABLE_AFTER) return { next };
  return { next: { ...next, state: 'unreachable', since: at }, transition: { at, state: 'unreachable', detail: result.detail } };
}
