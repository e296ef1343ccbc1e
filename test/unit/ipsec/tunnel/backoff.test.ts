import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_MS, backoffDelayMs } from '../../../../src/ipsec/tunnel/backoff.ts';

const middle = () => 0.5;

describe('backoffDelayMs', () => {
  it('does not wait within a round over the gateways', () => {
    expect(backoffDelayMs(0, 2, middle)).toBe(0);
    expect(backoffDelayMs(1, 2, middle)).toBe(0);
    expect(backoffDelayMs(1, 3, middle)).toBe(0);
    expect(backoffDelayMs(2, 3, middle)).toBe(0);
    expect(backoffDelayMs(3, 2, middle)).toBe(0);
  });

  it('waits 1 s after the first full round, doubling per round up to 5 minutes', () => {
    const waits = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 100, 2000].map((failures) => backoffDelayMs(failures, 2, middle));
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000]);
    expect(MAX_BACKOFF_MS).toBe(300_000);
  });

  it('counts each failure as a round with one gateway (or none)', () => {
    expect([1, 2, 3].map((f) => backoffDelayMs(f, 1, middle))).toEqual([1_000, 2_000, 4_000]);
    expect(backoffDelayMs(1, 0, middle)).toBe(1_000);
  });

  it('spreads each wait by ±25 %, never beyond the cap and never negative', () => {
    expect(backoffDelayMs(2, 2, () => 0)).toBe(750);
    expect(backoffDelayMs(2, 2, () => 0.999)).toBe(1_250);
    expect(backoffDelayMs(8, 2, () => 0)).toBe(6_000);
    expect(backoffDelayMs(8, 2, () => 0.999)).toBe(9_996);
    expect(backoffDelayMs(40, 2, () => 0.999)).toBe(MAX_BACKOFF_MS);
    expect(backoffDelayMs(40, 2, () => 0)).toBe(225_000);
    for (let failures = 1; failures < 60; failures++) {
      for (const r of [0, 0.25, 0.5, 0.999]) {
        const wait = backoffDelayMs(failures, 2, () => r);
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThanOrEqual(MAX_BACKOFF_MS);
      }
    }
  });
});
