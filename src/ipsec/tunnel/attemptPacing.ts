// When the controller may make its next attempt (gemSpec_Kon TIP1-A_4779), and the last error to
// tell the status. Failures while the WAN was up count and back off (backoff.ts); attempts that
// failed while it was down do not, but go at most once per safety-net interval, spread so that a
// fleet does not try in step. A success, a new profile or an operator's action starts afresh; the
// WAN coming back ends any wait. Plain values: each change returns a new one, the clock and the
// jitter come from the caller.
import { backoffDelayMs } from './backoff.ts';
import type { FailureReason } from './failure.ts';

export interface LastError {
  readonly reason: FailureReason;
  readonly at: string;
  readonly detail?: string;
}

export interface Pacing {
  /** Failed attempts in a row that counted. */
  readonly failures: number;
  /** When the next attempt may go (ms since the epoch); 0: now. */
  readonly nextAt: number;
  readonly lastError?: LastError;
}

export const FRESH_PACING: Pacing = { failures: 0, nextAt: 0 };

/** Milliseconds until the next attempt may go; 0 when it may go now. */
export function waitMs(pacing: Pacing, now: number): number {
  return Math.max(0, pacing.nextAt - now);
}

/** When the next attempt may go, while that is still ahead (for the status). */
export function nextAttemptAt(pacing: Pacing, now: number): string | undefined {
  return pacing.nextAt > now ? new Date(pacing.nextAt).toISOString() : undefined;
}

/**
 * The tunnel carries traffic: the count starts afresh, and the status shows neither a next
 * attempt nor an error that no longer holds.
 */
export function succeeded(): Pacing {
  return FRESH_PACING;
}

/** A new profile, or the operator's word: the count starts afresh and the next attempt goes now. */
export function reset(pacing: Pacing): Pacing {
  return { ...pacing, failures: 0, nextAt: 0 };
}

/** The WAN is back after an outage: whatever waited for it may go now. */
export function goNow(pacing: Pacing): Pacing {
  return { ...pacing, nextAt: 0 };
}

/** What a failed attempt was, when it failed, and a number in [0, 1) that spreads the wait. */
export interface Failure {
  readonly reason: FailureReason;
  readonly detail: string;
  readonly now: number;
  readonly jitter: number;
}

/** One more failed attempt while the WAN was up: the next waits as backoff.ts says. */
export function countFailure(pacing: Pacing, gateways: number, failure: Failure): Pacing {
  const failures = pacing.failures + 1;
  // The wait runs from the failure: counted from the attempt's start, an initiate that timed
  // out would have used up the first waits already.
  const nextAt = failure.now + backoffDelayMs(failures, gateways, () => failure.jitter);
  return { failures, nextAt, lastError: lastErrorOf(failure) };
}

/**
 * A failed attempt that does not count (the WAN was down): the next goes about one safety-net
 * interval (`everyMs`), ±25 %, after this one started (`startedAt`), as a failure that comes back
 * at once would otherwise spin; one that timed out has waited that long already.
 */
export function uncounted(pacing: Pacing, everyMs: number, startedAt: number, failure: Failure): Pacing {
  const nextAt = startedAt + Math.round(everyMs * (0.75 + 0.5 * failure.jitter));
  return { ...pacing, nextAt, lastError: lastErrorOf(failure) };
}

function lastErrorOf(failure: Failure): LastError {
  return { reason: failure.reason, at: new Date(failure.now).toISOString(), detail: failure.detail };
}
