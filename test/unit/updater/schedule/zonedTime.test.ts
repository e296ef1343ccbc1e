// Local time in Europe/Berlin and back, across the changes to and from summer time.
import { describe, expect, it } from 'vitest';
import { instantOf, wallClockAt } from '../../../../src/updater/index.ts';

const TZ = 'Europe/Berlin';

describe('wallClockAt', () => {
  it('shows winter time as UTC+1 and summer time as UTC+2, with the ISO weekday', () => {
    expect(wallClockAt(new Date('2026-01-05T05:30:00Z'), TZ)).toEqual({ year: 2026, month: 1, day: 5, hour: 6, minute: 30, second: 0, weekday: 1 });
    expect(wallClockAt(new Date('2026-07-05T21:59:59Z'), TZ)).toEqual({ year: 2026, month: 7, day: 5, hour: 23, minute: 59, second: 59, weekday: 7 });
  });
});

describe('instantOf', () => {
  it('turns a local time into the instant, in winter and in summer', () => {
    expect(instantOf({ year: 2026, month: 1, day: 5 }, 6 * 60, TZ).toISOString()).toBe('2026-01-05T05:00:00.000Z');
    expect(instantOf({ year: 2026, month: 7, day: 6 }, 22 * 60, TZ).toISOString()).toBe('2026-07-06T20:00:00.000Z');
  });

  it('reads 24:00 as midnight of the next day', () => {
    expect(instantOf({ year: 2026, month: 3, day: 28 }, 24 * 60, TZ).toISOString()).toBe('2026-03-28T23:00:00.000Z');
  });

  it('gives a time the clocks skip in spring (02:30 on 29 March 2026) the instant after the gap, 03:30 summer time', () => {
    expect(instantOf({ year: 2026, month: 3, day: 29 }, 2 * 60 + 30, TZ).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('gives a time shown twice in autumn (02:30 on 25 October 2026) the earlier instant, still summer time', () => {
    expect(instantOf({ year: 2026, month: 10, day: 25 }, 2 * 60 + 30, TZ).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('takes the day of the change itself right on either side of it', () => {
    expect(instantOf({ year: 2026, month: 3, day: 29 }, 6 * 60, TZ).toISOString()).toBe('2026-03-29T04:00:00.000Z');
    expect(instantOf({ year: 2026, month: 10, day: 25 }, 6 * 60, TZ).toISOString()).toBe('2026-10-25T05:00:00.000Z');
  });
});
