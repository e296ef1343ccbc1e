// The controller's pacing of attempts: counted failures back off as backoff.ts says, uncounted
// ones are paced from the attempt's start, and a success, a reset or the WAN's return end a wait.
import { describe, expect, it } from 'vitest';
import { AttemptPacing } from '../../../../src/ipsec/tunnel/attemptPacing.ts';

function pacing() {
  const clock = { now: Date.parse('2025-05-02T08:00:00.000Z') };
  const p = new AttemptPacing({ now: () => clock.now, random: () => 0.5, uncountedEveryMs: 2_000 });
  return { p, clock };
}

describe('AttemptPacing', () => {
  it('lets the first round over the gateways go at once, then waits from the failure, and tells the status', () => {
    const { p, clock } = pacing();
    p.countFailure(2, 'authentication failed', 'gw0: AUTHENTICATION_FAILED');
    expect(p.waitMs()).toBe(0);
    clock.now += 3_000;
    p.countFailure(2, 'authentication failed', 'gw1: AUTHENTICATION_FAILED');
    expect(p.waitMs()).toBe(1_000);
    expect(p.failureCount).toBe(2);
    expect(p.nextAttemptAt()).toBe('2025-05-02T08:00:04.000Z');
    expect(p.lastError).toEqual({ reason: 'authentication failed', at: '2025-05-02T08:00:03.000Z', detail: 'gw1: AUTHENTICATION_FAILED' });
    clock.now += 1_000;
    expect(p.waitMs()).toBe(0);
    expect(p.nextAttemptAt()).toBeUndefined();
  });

  it('paces uncounted attempts from their start: one that timed out may be followed at once', () => {
    const { p, clock } = pacing();
    const started = clock.now;
    clock.now += 500;
    p.uncounted('gateway unreachable', 'gw0: timeout', started);
    expect(p.waitMs()).toBe(1_500);
    expect(p.failureCount).toBe(0);
    clock.now = started + 3_000;
    p.uncounted('gateway unreachable', 'gw0: timeout', started);
    expect(p.waitMs()).toBe(0);
  });

  it('ends a wait when the WAN is back, and starts the count afresh on success or reset', () => {
    const { p } = pacing();
    for (let i = 0; i < 4; i++) p.countFailure(2, 'no proposal chosen', 'gw');
    expect(p.waitMs()).toBe(2_000);
    p.goNow();
    expect(p.waitMs()).toBe(0);
    expect(p.failureCount).toBe(4);
    p.succeeded();
    expect(p.failureCount).toBe(0);
    p.countFailure(1, 'no proposal chosen', 'gw');
    expect(p.waitMs()).toBe(1_000);
    p.reset();
    expect([p.failureCount, p.waitMs()]).toEqual([0, 0]);
    expect(p.lastError?.reason).toBe('no proposal chosen');
  });

  it('shows neither a wait nor an error once the tunnel carries traffic again', () => {
    const { p } = pacing();
    p.countFailure(1, 'tunnel not passing traffic', 'gw0: no echo through the new tunnel');
    expect(p.nextAttemptAt()).toBe('2025-05-02T08:00:01.000Z');
    p.succeeded();
    expect([p.failureCount, p.waitMs(), p.nextAttemptAt(), p.lastError]).toEqual([0, 0, undefined, undefined]);
  });
});
