import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../../src/core/log.ts';
import { initialReachability, stepReachability, type ProbeResult, type Reachability, type Transition } from '../../../../src/lan/inventory/reachability.ts';
import { ReachabilityTracker, type ProbedTerminal } from '../../../../src/lan/inventory/reachabilityTracker.ts';
import { manualClock } from './fixtures.ts';

const ok: ProbeResult = { ok: true };
const refused: ProbeResult = { ok: false, detail: 'ECONNREFUSED' };
const timeout: ProbeResult = { ok: false, detail: 'timeout' };

describe('stepReachability', () => {
  it('follows probes over time: reachable at once, unreachable after two failures in a row', () => {
    const clock = manualClock();
    let state: Reachability = initialReachability(undefined, clock.now());
    const transitions: Transition[] = [];
    for (const result of [ok, ok, timeout, ok, timeout, refused, refused, ok]) {
      clock.advance(30_000);
      const step = stepReachability(state, result, clock.now());
      state = step.next;
      if (step.transition) transitions.push(step.transition);
    }
    expect(transitions).toEqual([
      { at: '2025-05-02T08:00:30.000Z', state: 'reachable' },
      { at: '2025-05-02T08:03:00.000Z', state: 'unreachable', detail: 'ECONNREFUSED' },
      { at: '2025-05-02T08:04:00.000Z', state: 'reachable' },
    ]);
    expect(state).toEqual({
      state: 'reachable',
      since: '2025-05-02T08:04:00.000Z',
      failures: 0,
      lastOk: '2025-05-02T08:04:00.000Z',
      lastFailure: { at: '2025-05-02T08:03:30.000Z', detail: 'ECONNREFUSED' },
    });
  });

  it('starts from the last stored transition, so a restart records no repeat', () => {
    const clock = manualClock();
    const start = initialReachability({ at: '2025-05-01T20:00:00.000Z', state: 'reachable' }, clock.now());
    expect(start).toEqual({ state: 'reachable', since: '2025-05-01T20:00:00.000Z', failures: 0 });
    expect(stepReachability(start, ok, clock.now()).transition).toBeUndefined();
    expect(stepReachability(initialReachability(undefined, clock.now()), timeout, clock.now()).transition).toBeUndefined();
  });
});

describe('ReachabilityTracker', () => {
  const clock = manualClock();
  let terminals: ProbedTerminal[];
  let answers: Map<string, ProbeResult>;
  let recorded: [number, Transition][];
  let health: string[];
  let tracker: ReachabilityTracker;

  beforeEach(() => {
    vi.useFakeTimers();
    terminals = [
      { id: 1, name: 'Empfang-KT', address: '10.77.12.40' },
      { id: 2, name: 'Labor-KT', address: '10.77.12.41' },
    ];
    answers = new Map([['10.77.12.40', ok], ['10.77.12.41', ok]]);
    recorded = [];
    health = [];
    tracker = new ReachabilityTracker({
      terminals: () => terminals,
      probe: async (address, port, timeoutMs) => {
        expect([port, timeoutMs]).toEqual([4742, 3_000]);
        return answers.get(address) ?? timeout;
      },
      history: { record: (id, t) => void recorded.push([id, t]), recent: () => [] },
      health: { raise: (code, detail) => void health.push(`raise ${code}: ${detail}`), clear: (code) => void health.push(`clear ${code}`) },
      log: createLogger({ level: 'silent' }),
      now: clock.now,
    });
  });
  afterEach(async () => {
    await tracker.stop();
    vi.useRealTimers();
  });

  const round = async () => {
    clock.advance(30_000);
    await vi.advanceTimersByTimeAsync(30_000);
  };

  it('probes every terminal each round, records transitions and names the unreachable ones in health', async () => {
    tracker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(recorded.map(([id, t]) => [id, t.state])).toEqual([[1, 'reachable'], [2, 'reachable']]);
    answers.set('10.77.12.41', refused);
    await round();
    expect(tracker.state(2)).toMatchObject({ state: 'reachable', failures: 1 });
    await round();
    expect(tracker.state(2)).toMatchObject({ state: 'unreachable', since: '2025-05-02T08:01:00.000Z' });
    expect(recorded.at(-1)).toEqual([2, { at: '2025-05-02T08:01:00.000Z', state: 'unreachable', detail: 'ECONNREFUSED' }]);
    expect(health.at(-1)).toBe('raise terminal.unreachable: Labor-KT (10.77.12.41)');
    // A removed terminal is no longer probed, and with it gone the warning clears.
    terminals = terminals.slice(0, 1);
    await round();
    expect(tracker.state(2)).toBeUndefined();
    expect(health.at(-1)).toBe('clear terminal.unreachable');
  });

  it('stops probing at stop()', async () => {
    tracker.start();
    await vi.advanceTimersByTimeAsync(0);
    await tracker.stop();
    const before = recorded.length;
    answers.clear();
    await round();
    await round();
    expect(recorded.length).toBe(before);
  });
});
