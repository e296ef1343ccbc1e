// The shared watch loop: a burst of events gives one repair, the timer catches a lost event,
// passes never overlap, and nothing runs after stop().
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WatchLoop } from '../../../src/core/watchLoop.ts';

afterEach(() => vi.useRealTimers());

describe('WatchLoop', () => {
  it('settles a burst of events into one repair, repairs on the timer too, and stops', async () => {
    vi.useFakeTimers();
    let repairs = 0;
    let fire = () => undefined as void;
    let unwatched = false;
    const loop = new WatchLoop(async () => void repairs++, { settleMs: 100, intervalMs: 10_000 });
    loop.start((onChange) => {
      fire = onChange;
      return () => void (unwatched = true);
    });
    fire();
    fire();
    fire();
    await vi.advanceTimersByTimeAsync(150);
    expect(repairs).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(repairs).toBe(2);
    await loop.stop();
    expect([loop.running, unwatched]).toEqual([false, true]);
    fire();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(repairs).toBe(2);
  });

  it("brings the timer's next repair forward when asked, never past its period", async () => {
    vi.useFakeTimers();
    let repairs = 0;
    const loop = new WatchLoop(async () => void repairs++, { settleMs: 10, intervalMs: 60_000 });
    loop.start(() => () => undefined);
    loop.checkAgainIn(1_000);
    await vi.advanceTimersByTimeAsync(1_020);
    expect(repairs).toBe(1);
    loop.checkAgainIn(600_000);
    await vi.advanceTimersByTimeAsync(60_020);
    expect(repairs).toBe(2);
    await loop.stop();
  });

  it('runs tasks one after the other, a failed one not holding up the next', async () => {
    const loop = new WatchLoop(async () => undefined, { settleMs: 1, intervalMs: 1_000 });
    const order: string[] = [];
    const slow = loop.serially(async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('slow');
      throw new Error('failed');
    });
    const next = loop.serially(async () => void order.push('next'));
    await expect(slow).rejects.toThrow('failed');
    await next;
    expect(order).toEqual(['slow', 'next']);
  });
});
