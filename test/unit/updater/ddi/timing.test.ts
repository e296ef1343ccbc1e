// When the box polls and retries: never sooner than the server allows, and spread so a fleet does
// not poll in step. Pure arithmetic with an injected random source; nothing here waits.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  classifyStatus,
  DEFAULT_POLL_MS,
  MAX_POLL_BACKOFF_MS,
  MAX_POLL_MS,
  MIN_POLL_MS,
  nextPollDelayMs,
  parseRetryAfter,
  parseSleep,
  POLL_JITTER,
  pollRetryDelayMs,
  pollRetryWindowMs,
  requestRetryDelayMs,
} from '../../../../src/updater/ddi/index.ts';

describe('poll interval', () => {
  it('reads HH:mm:ss', () => {
    expect(parseSleep('00:05:00')).toBe(300_000);
    expect(parseSleep('23:59:59')).toBe(86_399_000);
    expect(parseSleep('5:00')).toBeUndefined();
    expect(parseSleep('00:60:00')).toBeUndefined();
  });

  it('waits the server interval plus up to a tenth, never less', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_POLL_MS, max: MAX_POLL_MS }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (sleep, r) => {
        const delay = nextPollDelayMs(sleep, () => r);
        expect(delay).toBeGreaterThanOrEqual(sleep);
        expect(delay).toBeLessThanOrEqual(Math.round(sleep * (1 + POLL_JITTER)));
      }),
    );
  });

  it('holds a server interval within 30 s and 24 h, and takes 5 min when the server said none', () => {
    expect(nextPollDelayMs(1_000, () => 0)).toBe(MIN_POLL_MS);
    expect(nextPollDelayMs(0, () => 0)).toBe(MIN_POLL_MS);
    expect(nextPollDelayMs(48 * 3600_000, () => 0)).toBe(MAX_POLL_MS);
    expect(nextPollDelayMs(undefined, () => 0)).toBe(DEFAULT_POLL_MS);
  });
});

describe('retries', () => {
  it('classifies answers: 409, 429, 408 and 5xx are tried again, 410 means the action is gone', () => {
    expect([200, 204, 409, 429, 408, 500, 503, 410, 400, 401, 403, 404].map((s) => [s, classifyStatus(s)])).toEqual([
      [200, 'ok'], [204, 'ok'], [409, 'retry'], [429, 'retry'], [408, 'retry'], [500, 'retry'], [503, 'retry'], [410, 'gone'], [400, 'refused'], [401, 'refused'], [403, 'refused'], [404, 'refused'],
    ]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('Mon, 07 Dec 2026 12:00:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999999', now)).toBe(24 * 3600_000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });

  it('a failed poll waits at least the interval, in a window doubling up to 30 min', () => {
    expect([1, 2, 3, 4, 5, 20].map((n) => pollRetryWindowMs(n, 300_000))).toEqual([
      { min: 300_000, max: 600_000 }, { min: 300_000, max: 1_200_000 }, { min: 300_000, max: MAX_POLL_BACKOFF_MS }, { min: 300_000, max: MAX_POLL_BACKOFF_MS },
      { min: 300_000, max: MAX_POLL_BACKOFF_MS }, { min: 300_000, max: MAX_POLL_BACKOFF_MS },
    ]);
    // An interval longer than the cap is still never shortened.
    expect(pollRetryWindowMs(3, 3600_000)).toEqual({ min: 3600_000, max: 3600_000 });
  });

  it('a failed poll is never retried sooner than the interval or Retry-After', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.option(fc.integer({ min: 0, max: MAX_POLL_MS }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: MAX_POLL_MS }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failures, sleep, retryAfter, r) => {
          const delay = pollRetryDelayMs(failures, sleep, retryAfter, () => r);
          const { min, max } = pollRetryWindowMs(failures, sleep);
          expect(delay).toBeGreaterThanOrEqual(Math.max(min, retryAfter ?? 0));
          expect(delay).toBeLessThanOrEqual(Math.max(max, retryAfter ?? 0));
        },
      ),
    );
  });

  it('spreads a fleet that failed through an outage over the whole window when the server returns', () => {
    // 10,000 boxes, five failed polls each, a 5 min interval: where does each poll next, by minute?
    let seed = 1;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const perMinute = new Map<number, number>();
    for (let box = 0; box < 10_000; box++) {
      const minute = Math.floor(pollRetryDelayMs(5, 300_000, undefined, random) / 60_000);
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + 1);
    }
    // 25 minutes of window: about 400 a minute; no minute takes more than twice its share.
    expect([...perMinute.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 5));
    expect(Math.max(...perMinute.values())).toBeLessThan(800);
  });

  it('a request inside an action is retried after half to all of 1 s, 2 s, 4 s … 60 s', () => {
    expect([1, 2, 3, 7, 8, 30].map((a) => [requestRetryDelayMs(a, 503, undefined, () => 0), requestRetryDelayMs(a, 503, undefined, () => 0.999999)])).toEqual([
      [500, 1000], [1000, 2000], [2000, 4000], [30_000, 60_000], [30_000, 60_000], [30_000, 60_000],
    ]);
  });

  it('a 429 waits at least a second, or as long as Retry-After says', () => {
    expect(requestRetryDelayMs(1, 429, undefined, () => 0)).toBe(1000);
    expect(requestRetryDelayMs(1, 429, 7_000, () => 0.5)).toBe(7_000);
    expect(requestRetryDelayMs(1, 503, 0, () => 0)).toBe(500);
  });
});
