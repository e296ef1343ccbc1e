// The clock watch: chrony's tracking line read, and the warnings it raises and clears.
import { describe, expect, it, vi } from 'vitest';
import { parseTracking } from '../../../../src/agent/clock/chronyTracking.ts';
import { ClockWatch } from '../../../../src/agent/clock/clockWatch.ts';
import { Health, type HealthCode } from '../../../../src/core/health.ts';
import type { Runner } from '../../../../src/core/runner.ts';
import { blameClock } from '../../../../src/ipsec/tunnel/failure.ts';
import { memoryLog } from '../../ipsec/tunnel/fakeOs.ts';

// As chrony 4.3 printed them in the lab: following a server, and before it had one.
const SYNCED = '7F000001,127.0.0.1,2,1795469023.772385679,-0.000000924,-0.000000004,0.000000021,-0.008,-0.001,0.072,0.000004640,0.000000645,0.1,Normal\n';
const UNSYNCED = '00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised\n';
const AN_HOUR_AHEAD = SYNCED.replace('-0.000000924', '-3700.5');

describe('parseTracking', () => {
  it('reads whether the clock follows a source, and its offset', () => {
    expect(parseTracking(SYNCED)).toEqual({ synchronised: true, offsetS: -0.000000924, reference: '127.0.0.1' });
    expect(parseTracking(UNSYNCED)).toMatchObject({ synchronised: false, offsetS: 0 });
  });

  it.each([['', 'no fields'], ['506 Cannot talk to daemon', 'an error'], [SYNCED.replace('Normal', 'Maybe'), 'an unknown leap status'], [SYNCED.replace('-0.000000924', 'x'), 'a bad offset']])(
    'refuses %j (%s)',
    (line) => {
      expect(() => parseTracking(line)).toThrow(/chronyc tracking/);
    },
  );
});

function watch(answer: () => string) {
  const health = new Health(() => undefined);
  const runner: Runner = {
    run: async (command, args) => {
      expect([command, ...args]).toEqual(['chronyc', '-h', '/run/test.sock', '-c', 'tracking']);
      return { stdout: answer(), stderr: '', code: 0 };
    },
  };
  const clock = new ClockWatch({ runner, health, log: memoryLog().log, chronycOptions: ['-h', '/run/test.sock'] });
  const codes = () => health.list().map((w) => w.code as HealthCode);
  return { clock, codes };
}

describe('ClockWatch', () => {
  it('warns while chrony has no source and clears the warning once it has', async () => {
    let line = UNSYNCED;
    const { clock, codes } = watch(() => line);
    await clock.check();
    expect([clock.synchronised(), codes()]).toEqual([false, ['clock.unsynchronised']]);
    line = SYNCED;
    await clock.check();
    expect([clock.synchronised(), codes()]).toEqual([true, []]);
  });

  it('calls a clock off by more than an hour critical (TIP1-A_4788)', async () => {
    const { clock, codes } = watch(() => AN_HOUR_AHEAD);
    await clock.check();
    expect(codes()).toEqual(['clock.offBy1h']);
    expect(clock.status().state).toBe('degraded');
  });

  it('counts a chrony that does not answer as not synchronised', async () => {
    const { clock, codes } = watch(() => {
      throw new Error('chronyc: 506 Cannot talk to daemon');
    });
    await clock.check();
    expect([clock.synchronised(), codes()]).toEqual([false, ['clock.unsynchronised']]);
  });
});

describe('blameClock', () => {
  it.each([
    ['certificate expired', false, 'clock not synchronised'],
    ['certificate not yet valid', false, 'clock not synchronised'],
    ['certificate expired', true, 'certificate expired'],
    ['certificate expired', undefined, 'certificate expired'],
    ['authentication failed', false, 'authentication failed'],
  ] as const)('%s with the clock synchronised=%s: %s', (reason, synchronised, expected) => {
    expect(blameClock(reason, synchronised)).toBe(expected);
  });
});

describe('ClockWatch over time', () => {
  it('asks every few seconds until chrony follows a source, then once a minute', async () => {
    vi.useFakeTimers();
    try {
      let line = UNSYNCED;
      let asked = 0;
      const { clock } = watch(() => {
        asked += 1;
        return line;
      });
      await clock.start(new AbortController().signal);
      await vi.advanceTimersByTimeAsync(6_000);
      expect(asked).toBe(4);
      line = SYNCED;
      await vi.advanceTimersByTimeAsync(2_000);
      expect(clock.synchronised()).toBe(true);
      await vi.advanceTimersByTimeAsync(59_000);
      expect(asked).toBe(5);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(asked).toBe(6);
      await clock.stop();
      await vi.advanceTimersByTimeAsync(120_000);
      expect(asked).toBe(6);
    } finally {
      vi.useRealTimers();
    }
  });

  it('logs a check that throws, and checks again all the same', async () => {
    vi.useFakeTimers();
    try {
      let asked = 0;
      let broken = true;
      const { log, lines } = memoryLog();
      const runner: Runner = {
        run: async () => {
          asked += 1;
          return { stdout: UNSYNCED, stderr: '', code: 0 };
        },
      };
      const health = {
        raise: () => {
          if (broken) throw new Error('health registry broken');
        },
        clear: () => undefined,
      };
      const clock = new ClockWatch({ runner, health, log });
      await clock.start(new AbortController().signal);
      await vi.advanceTimersByTimeAsync(0);
      expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual(['clock check failed']);
      broken = false;
      await vi.advanceTimersByTimeAsync(2_000);
      expect(asked).toBe(2);
      expect(clock.status().state).toBe('degraded');
      await clock.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
