// The controller's pacing of attempts: counted failures back off as backoff.ts says, uncounted
// ones are paced from the attempt's start, and a success, a reset or the WAN's return end a wait.
import { describe, expect, it } from 'vitest';
import { FRESH_PACING, countFailure, goNow, nextAttemptAt, reset, succeeded, uncounted, waitMs } from '../../../../src/ipsec/tunnel/attemptPacing.ts';
import type { FailureReason } from '../../../../src/ipsec/tunnel/failure.ts';

const T0 = Date.parse('2025-05-02T08:00:00.000Z');
const failure = (reason: FailureReason, detail: string, now = T0) => ({ reason, detail, now, jitter: 0.5 });

describe('attempt pacing', () => {
  it('lets the first round over the gateways go at once, then waits from the failure, and tells the status', () => {
    let p = countFailure(FRESH_PACING, 2, failure('authentication failed', 'gw0: AUTHENTICATION_FAILED'));
    expect(waitMs(p, T0)).toBe(0);
    p = countFailure(p, 2, failure('authentication failed', 'gw1: AUTHENTICATION_FAILED', T0 + 3_000));
    expect(waitMs(p, T0 + 3_000)).toBe(1_000);
    expect(p.failures).toBe(2);
    expect(nextAttemptAt(p, T0 + 3_000)).toBe('2025-05-02T08:00:04.000Z');
    expect(p.lastError).toEqual({ reason: 'authentication failed', at: '2025-05-02T08:00:03.000Z', detail: 'gw1: AUTHENTICATION_FAILED' });
    expect(waitMs(p, T0 + 4_000)).toBe(0);
    expect(nextAttemptAt(p, T0 + 4_000)).toBeUndefined();
  });

  it('paces uncounted attempts from their start: one that timed out may be followed at once', () => {
    const p = uncounted(FRESH_PACING, 2_000, T0, failure('gateway unreachable', 'gw0: timeout', T0 + 500));
    expect(waitMs(p, T0 + 500)).toBe(1_500);
    expect(p.failures).toBe(0);
    expect(p.lastError?.at).toBe('2025-05-02T08:00:00.500Z');
    expect(waitMs(uncounted(p, 2_000, T0, failure('gateway unreachable', 'gw0: timeout', T0 + 3_000)), T0 + 3_000)).toBe(0);
  });

  it('ends a wait when the WAN is back, and starts the count afresh on success or reset', () => {
    let p = FRESH_PACING;
    for (let i = 0; i < 4; i++) p = countFailure(p, 2, failure('no proposal chosen', 'gw'));
    expect(waitMs(p, T0)).toBe(2_000);
    expect(waitMs(goNow(p), T0)).toBe(0);
    expect(goNow(p).failures).toBe(4);
    expect(succeeded().failures).toBe(0);
    p = countFailure(succeeded(), 1, failure('no proposal chosen', 'gw'));
    expect(waitMs(p, T0)).toBe(1_000);
    const afresh = reset(p);
    expect([afresh.failures, waitMs(afresh, T0)]).toEqual([0, 0]);
    expect(afresh.lastError?.reason).toBe('no proposal chosen');
  });

  it('shows neither a wait nor an error once the tunnel carries traffic again', () => {
    const p = countFailure(FRESH_PACING, 1, failure('tunnel not passing traffic', 'gw0: no echo through the new tunnel'));
    expect(nextAttemptAt(p, T0)).toBe('2025-05-02T08:00:01.000Z');
    const s = succeeded();
    expect([s.failures, waitMs(s, T0), nextAttemptAt(s, T0), s.lastError]).toEqual([0, 0, undefined, undefined]);
  });
});
