// The tunnel's liveness judged from its own traffic, as a table: a state and one thing seen (a
// counter reading, an echo of the probe, a fresh start) against the verdict, what judged
// it, whether a probe runs and why, and when the counters are read next.
import { describe, expect, it } from 'vitest';
import { IDLE_LIVENESS, judgeLiveness, LIVENESS_TIMINGS, type Counters, type LivenessSeen, type LivenessState } from '../../../../src/ipsec/tunnel/liveness.ts';

const T0 = 1_000_000;
const counters = (packetsIn: number, packetsOut: number, key = '1'): Counters => ({ key, packetsIn, packetsOut });
/** A tunnel that carried traffic up to `idleMs` ago, counters at 100 in and 100 out. */
function carried(idleMs: number, patch: Partial<LivenessState> = {}): LivenessState {
  const at = T0 - idleMs;
  return { ...IDLE_LIVENESS, verdict: 'flowing', evidence: { kind: 'traffic', at }, counters: counters(100, 100), lastInAt: at, lastTrafficAt: at, rebaseline: false, ...patch };
}
const reading = (packetsIn: number, packetsOut: number, key = '1'): LivenessSeen => ({ kind: 'reading', now: T0, counters: counters(packetsIn, packetsOut, key) });
/** A reading with nothing new: what a timer sees. */
const tick = reading(100, 100);
const echo: LivenessSeen = { kind: 'echo', now: T0 };

/** The step as one line: verdict, evidence, the probe and its cause, the next reading. */
function line(state: LivenessState, seen: LivenessSeen): string {
  const step = judgeLiveness(state, seen, LIVENESS_TIMINGS);
  const { verdict, evidence, probe } = step.state;
  expect(step.probing).toBe(probe !== undefined);
  return [verdict, evidence ? `by ${evidence.kind}` : 'unjudged', probe ? `probe ${probe.cause} until +${probe.deadline - T0}` : 'no probe', `read in ${step.wakeInMs}`].join(', ');
}

describe('judgeLiveness', () => {
  it.each<[string, LivenessState, LivenessSeen, string]>([
    // With traffic: the practice's own packets judge, the counters are read often.
    ['with traffic: packets in and out, flowing by traffic', carried(50), reading(110, 110), 'flowing, by traffic, no probe, read in 50'],
    ['with traffic only coming in (a download): flowing', carried(50), reading(110, 100), 'flowing, by traffic, no probe, read in 50'],
    // Without traffic: nothing to judge, read rarely, no probe.
    ['without traffic for a while: read rarely, nothing sent', carried(5_000), reading(100, 100), 'flowing, by traffic, no probe, read in 500'],
    ['without traffic for a moment: still read often', carried(300, { lastTrafficAt: T0 - 300 }), reading(100, 100), 'flowing, by traffic, no probe, read in 50'],
    ['without traffic, the heartbeat due in 100 ms: read then', carried(29_900), reading(100, 100), 'flowing, by traffic, no probe, read in 100'],
    // Stall suspected: packets go into the tunnel and nothing comes back.
    ['packets go in after idling, nothing back: a stall suspected, a probe confirms at once', carried(60_000), reading(100, 103), 'flowing, by traffic, probe stall until +100, read in 50'],
    ['packets go in 40 ms after the last came back: not yet suspected, read again when it would be', carried(40), reading(100, 103), 'flowing, by traffic, no probe, read in 10'],
    [
      'still nothing back 50 ms after the last inbound packet: suspected, stalled 150 ms after it (the probe runs 100 ms)',
      carried(50, { unansweredSince: T0 - 10 }), reading(100, 110), 'flowing, by traffic, probe stall until +100, read in 50',
    ],
    ['the probe unanswered past its deadline: stalled, judged by the traffic that went unanswered', carried(400, { probe: { cause: 'stall', since: T0 - 150, deadline: T0 } }), tick, 'stalled, by traffic, probe stall until +0, read in 50'],
    ['the probe\'s echo comes back: flowing, judged by the probe, the probe stops', carried(200, { probe: { cause: 'stall', since: T0 - 50, deadline: T0 + 100 } }), echo, 'flowing, by probe, no probe, read in 50'],
    ['inbound traffic while the probe runs: flowing', carried(200, { probe: { cause: 'stall', since: T0 - 50, deadline: T0 + 100 } }), reading(105, 110), 'flowing, by probe, no probe, read in 50'],
    ['a stalled tunnel keeps its probe running, and flows again on the first echo', carried(5_000, { verdict: 'stalled', probe: { cause: 'stall', since: T0 - 4_000, deadline: T0 - 3_800 } }), echo, 'flowing, by probe, no probe, read in 50'],
    // Heartbeat due: an idle tunnel is asked once in a while.
    ['heartbeat due: 30 s without inbound evidence, a probe', carried(30_000), tick, 'flowing, by traffic, probe heartbeat until +250, read in 50'],
    ['the heartbeat answered: flowing, judged by the heartbeat', carried(30_100, { lastTrafficAt: T0 - 30_100, probe: { cause: 'heartbeat', since: T0 - 100, deadline: T0 + 150 } }), echo, 'flowing, by heartbeat, no probe, read in 50'],
    ['the heartbeat unanswered: stalled, judged by the heartbeat', carried(30_250, { probe: { cause: 'heartbeat', since: T0 - 250, deadline: T0 } }), tick, 'stalled, by heartbeat, probe heartbeat until +0, read in 50'],
    // WAN back, or a fresh SA: probed at once, undecided until then.
    ['WAN back: undecided, a probe gets three echoes\' time', carried(20_000, { verdict: 'stalled' }), { kind: 'fresh', now: T0, deadlineMs: 150 }, 'unknown, by traffic, probe fresh until +150, read in 50'],
    ['a fresh SA: undecided, a probe gets the stall time', IDLE_LIVENESS, { kind: 'fresh', now: T0, deadlineMs: 250 }, 'unknown, unjudged, probe fresh until +250, read in 50'],
    ['a fresh start unanswered: stalled, judged by the probe', carried(20_000, { verdict: 'unknown', probe: { cause: 'fresh', since: T0 - 150, deadline: T0 } }), tick, 'stalled, by probe, probe fresh until +0, read in 50'],
    // A slow line (a mobile fallback): every window stretches to three of its smoothed round trips.
    ['a slow line: packets go in after idling, the probe gets three round trips of 80 ms', carried(60_000, { roundTripMs: 80 }), reading(100, 103), 'flowing, by traffic, probe stall until +240, read in 50'],
    ['a slow line: the stall is decided three round trips after the last inbound reading', carried(50, { unansweredSince: T0 - 10, roundTripMs: 70 }), reading(100, 110), 'flowing, by traffic, probe stall until +210, read in 50'],
    ['a slow line: the heartbeat gets three round trips when they are longer than its own window', carried(30_000, { roundTripMs: 100 }), tick, 'flowing, by traffic, probe heartbeat until +300, read in 50'],
    ['a slow line: a fresh start gets three round trips', carried(20_000, { roundTripMs: 90 }), { kind: 'fresh', now: T0, deadlineMs: 150 }, 'unknown, by traffic, probe fresh until +270, read in 50'],
    ['a fast line keeps the windows as they are', carried(60_000, { roundTripMs: 0.05 }), reading(100, 103), 'flowing, by traffic, probe stall until +100, read in 50'],
    // The counters' baseline.
    ['after a probe the reading holds its own packets: only a new baseline, nothing suspected', carried(10_000, { rebaseline: true }), reading(101, 102), 'flowing, by traffic, no probe, read in 500'],
    ['another SA\'s counters: only a new baseline', carried(10_000), reading(5, 9, '2'), 'flowing, by traffic, no probe, read in 500'],
    ['counters that went back (a rekeyed CHILD_SA): only a new baseline', carried(10_000), reading(3, 4), 'flowing, by traffic, no probe, read in 500'],
    ['no SA to read: nothing judged', carried(10_000), { kind: 'reading', now: T0, counters: undefined }, 'flowing, by traffic, no probe, read in 500'],
  ])('%s', (_name, state, seen, want) => {
    expect(line(state, seen)).toBe(want);
  });

  it('with traffic flowing until a fault, the stall is decided 150 ms after the last inbound packet was read', () => {
    let state = carried(0, { lastTrafficAt: T0 });
    let now = T0;
    let out = 100;
    const verdicts: string[] = [];
    // Traffic keeps going into the tunnel every reading; nothing comes back after T0.
    while (now < T0 + 400) {
      out += 5;
      const step = judgeLiveness(state, { kind: 'reading', now, counters: counters(100, out) }, LIVENESS_TIMINGS);
      state = step.state;
      verdicts.push(`${now - T0} ${state.verdict}${state.probe ? ` probing` : ''}`);
      now += step.wakeInMs;
    }
    expect(verdicts).toEqual(['0 flowing', '50 flowing probing', '100 flowing probing', '150 stalled probing', '200 stalled probing', '250 stalled probing', '300 stalled probing', '350 stalled probing']);
  });

  it('smooths the echoes\' round trip by an eighth per echo: one late echo does not stretch the windows', () => {
    const probing = carried(200, { probe: { cause: 'stall', since: T0 - 50, deadline: T0 + 100 } });
    const first = judgeLiveness(probing, { kind: 'echo', now: T0, roundTripMs: 20 }, LIVENESS_TIMINGS).state;
    expect(first.roundTripMs).toBe(20);
    const late = judgeLiveness({ ...first, probe: probing.probe }, { kind: 'echo', now: T0, roundTripMs: 420 }, LIVENESS_TIMINGS).state;
    expect(late.roundTripMs).toBe(70);
    // An echo that ping printed without a time leaves the round trip alone.
    expect(judgeLiveness({ ...late, probe: probing.probe }, echo, LIVENESS_TIMINGS).state.roundTripMs).toBe(70);
  });

  it('an idle tunnel costs one heartbeat probe per 30 s; its counters are read twice a second, twenty for a second after an answer', () => {
    let state = carried(0);
    let now = T0;
    let readings = 0;
    let probes = 0;
    while (now < T0 + 120_000) {
      const step = judgeLiveness(state, { kind: 'reading', now, counters: state.counters }, LIVENESS_TIMINGS);
      readings += 1;
      if (step.probing && !state.probe) probes += 1;
      // The heartbeat is answered at once.
      state = step.probing ? judgeLiveness(step.state, { kind: 'echo', now }, LIVENESS_TIMINGS).state : step.state;
      now += step.wakeInMs;
    }
    expect(probes).toBe(3);
    // 240 at two a second, and some 20 more for the second after the start and after each of the three heartbeats.
    expect(readings).toBeGreaterThan(310);
    expect(readings).toBeLessThan(330);
  });
});
