// When the controller may make its next attempt (gemSpec_Kon TIP1-A_4779), and the last error to
// tell the status. Failures while the WAN was up count and back off (backoff.ts); attempts that
// failed while it was down do not, but go at most once per safety-net interval, spread so that a
// fleet does not try in step. A success, a new profile or an operator's action starts afresh; the
// WAN coming back ends any wait.
import { backoffDelayMs } from './backoff.ts';
import type { FailureReason } from './failure.ts';

export interface LastError {
  reason: FailureReason;
  at: string;
  detail?: string;
}

export interface AttemptPacingDeps {
  now: () => number;
  /** [0, 1), injected for tests. */
  random?: () => number;
  /** The safety-net interval that paces uncounted attempts. */
  uncountedEveryMs: number;
}

export class AttemptPacing {
  private readonly deps: AttemptPacingDeps;
  private failures = 0;
  private nextAt = 0;
  private last: LastError | undefined;

  constructor(deps: AttemptPacingDeps) {
    this.deps = deps;
  }

  /** Failed attempts in a row that counted. */
  get failureCount(): number {
    return this.failures;
  }

  get lastError(): LastError | undefined {
    return this.last;
  }

  /** Milliseconds until the next attempt may go; 0 when it may go now. */
  waitMs(): number {
    return Math.max(0, this.nextAt - this.deps.now());
  }

  /** When the next attempt may go, while that is still ahead (for the status). */
  nextAttemptAt(): string | undefined {
    return this.nextAt > this.deps.now() ? new Date(this.nextAt).toISOString() : undefined;
  }

  /**
   * The tunnel carries traffic: the count starts afresh, and the status shows neither a next
   * attempt nor an error that no longer holds.
   */
  succeeded(): void {
    this.failures = 0;
    this.nextAt = 0;
    this.last = undefined;
  }

  /** A new profile, or the operator's word: the count starts afresh and the next attempt goes now. */
  reset(): void {
    this.failures = 0;
    this.nextAt = 0;
  }

  /** The WAN is back after an outage: whatever waited for it may go now. */
  goNow(): void {
    this.nextAt = 0;
  }

  /** One more failed attempt while the WAN was up: the next waits as backoff.ts says. */
  countFailure(gateways: number, reason: FailureReason, detail: string): void {
    this.failures += 1;
    // The wait runs from the failure: counted from the attempt's start, an initiate that timed
    // out would have used up the first waits already.
    this.nextAt = this.deps.now() + backoffDelayMs(this.failures, gateways, this.deps.random);
    this.record(reason, detail);
  }

  /**
   * A failed attempt that does not count (the WAN was down): the next goes about one safety-net
   * interval, ±25 %, after this one started (`startedAt`), as a failure that comes back at once
   * would otherwise spin; one that timed out has waited that long already.
   */
  uncounted(reason: FailureReason, detail: string, startedAt: number): void {
    const random = this.deps.random ?? Math.random;
    this.nextAt = startedAt + Math.round(this.deps.uncountedEveryMs * (0.75 + 0.5 * random()));
    this.record(reason, detail);
  }

  private record(reason: FailureReason, detail: string): void {
    this.last = { reason, at: new Date(this.deps.now()).toISOString(), detail };
  }
}
