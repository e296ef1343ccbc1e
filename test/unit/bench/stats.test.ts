import { describe, expect, it } from 'vitest';
import { median, percentile, ratio, summarize } from '../../../bench/stats.ts';
import { recoveryAt, silences } from '../../../bench/recovery.ts';

describe('benchmark statistics', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  it('takes a percentile by nearest rank', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    expect(() => percentile([], 50)).toThrow();
    expect(() => percentile([1], 0)).toThrow();
  });

  it('counts a timed-out run as the cap and as a timeout', () => {
    const s = summarize([{ seconds: 0.2, timedOut: false }, { seconds: 999, timedOut: true }, { seconds: 0.4, timedOut: false }], 120);
    expect(s).toEqual({ median_s: 0.4, min_s: 0.2, max_s: 120, runs: 3, timeouts: 1 });
  });

  it('gives a ratio of medians, and none against a zero or timed-out baseline', () => {
    const tibox = { median_s: 0.3, min_s: 0.2, max_s: 0.4, runs: 5, timeouts: 0 };
    expect(ratio(tibox, { median_s: 0.9, min_s: 0.8, max_s: 1, runs: 5, timeouts: 0 })).toBe(0.333);
    expect(ratio(tibox, { median_s: 0, min_s: 0, max_s: 0, runs: 5, timeouts: 0 })).toBeNull();
    expect(ratio(tibox, { median_s: 120, min_s: 120, max_s: 120, runs: 3, timeouts: 3 })).toBeNull();
  });
});

describe('recovery time from ping replies', () => {
  const every10ms = (from: number, to: number) => Array.from({ length: Math.floor((to - from) / 10) + 1 }, (_, i) => from + i * 10);

  it('is the first reply after a silence that ends at or after the reference moment', () => {
    const replies = [...every10ms(0, 1_000), ...every10ms(1_330, 3_000)];
    expect(recoveryAt(replies, 1_005, 3_000)).toBe(1_330);
  });

  it('does not take an echo already in flight at the fault for recovery', () => {
    const replies = [...every10ms(0, 1_000), 1_001, ...every10ms(1_800, 3_000)];
    expect(recoveryAt(replies, 1_000, 3_000)).toBe(1_800);
  });

  it('is the first reply of all after a cold start', () => {
    expect(recoveryAt(every10ms(1_240, 3_000), 1_000, 3_000)).toBe(1_240);
  });

  it('is the reference moment itself when the fault interrupted nothing', () => {
    expect(recoveryAt(every10ms(0, 3_000), 1_000, 3_000)).toBe(1_000);
  });

  it('stays pending while neither a gap has ended nor a second has passed unbroken', () => {
    expect(recoveryAt(every10ms(0, 1_000), 1_000, 1_500)).toBe('pending');
    expect(recoveryAt(every10ms(0, 1_200), 1_000, 2_500)).toBe('pending');
  });
});

describe('silences after recovery', () => {
  const every10ms = (from: number, to: number) => Array.from({ length: Math.floor((to - from) / 10) + 1 }, (_, i) => from + i * 10);

  it('finds each silence longer than the bound between two moments, the edges included', () => {
    const replies = [...every10ms(0, 1_000), ...every10ms(2_500, 4_000), ...every10ms(4_600, 6_000)];
    expect(silences(replies, 0, 6_000, 1_000)).toEqual([1_500]);
    expect(silences(replies, 0, 6_000, 500)).toEqual([1_500, 600]);
    // Nothing since the last reply counts up to the end of the window.
    expect(silences(replies, 0, 8_000, 1_000)).toEqual([1_500, 2_000]);
  });

  it('finds none while traffic flows steadily', () => {
    expect(silences(every10ms(0, 5_000), 100, 4_900, 50)).toEqual([]);
  });
});
