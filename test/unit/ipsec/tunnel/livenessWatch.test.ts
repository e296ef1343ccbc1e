// The liveness watch carrying out liveness.ts with a ping of its own: what the line's round trip
// does to the windows of the next tunnel's probe.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { LIVENESS_TIMINGS } from '../../../../src/ipsec/tunnel/liveness.ts';
import { LivenessWatch } from '../../../../src/ipsec/tunnel/livenessWatch.ts';
import { FakeProcesses } from './fakeOs.ts';

const TARGET = { address: '100.64.10.1', source: '10.77.12.1' };

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

it('keeps the line\'s round trip for the next tunnel, whose first probe on a slow line then waits three of them', async () => {
  const procs = new FakeProcesses();
  const watch = new LivenessWatch({
    start: procs.start,
    readCounters: async () => undefined,
    now: () => Date.now(),
    timings: LIVENESS_TIMINGS,
    onInbound: () => undefined,
    onChange: () => undefined,
  });
  watch.run(TARGET);
  // A mobile fallback line: the first echo takes 120 ms.
  expect(procs.reply(TARGET.address, 120)).toBe(1);
  expect(watch.current).toBe('flowing');

  // The tunnel is rebuilt: a new watch of the same line, its probe unanswered.
  watch.stop();
  watch.run(TARGET);
  await vi.advanceTimersByTimeAsync(LIVENESS_TIMINGS.probeAnswerMs + 50);
  expect(watch.current).toBe('unknown');
  await vi.advanceTimersByTimeAsync(3 * 120 - LIVENESS_TIMINGS.probeAnswerMs);
  expect(watch.current).toBe('stalled');
  watch.stop();
});
