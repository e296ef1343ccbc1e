import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlowWatch, type Flow } from '../../../../src/ipsec/tunnel/flowWatch.ts';

let changes: Flow[];
let watch: FlowWatch;

beforeEach(() => {
  vi.useFakeTimers();
  changes = [];
  watch = new FlowWatch(250, (flow) => changes.push(flow));
});

afterEach(() => {
  watch.stop();
  vi.useRealTimers();
});

describe('FlowWatch', () => {
  it('is unknown until the first reply, then flowing', () => {
    expect(watch.current).toBe('unknown');
    watch.reply();
    expect(watch.current).toBe('flowing');
    watch.reply();
    expect(changes).toEqual(['flowing']);
  });

  it('stalls stallAfterMs after the last reply, and flows again on the next', () => {
    watch.reply();
    vi.advanceTimersByTime(200);
    watch.reply();
    vi.advanceTimersByTime(249);
    expect(watch.current).toBe('flowing');
    vi.advanceTimersByTime(1);
    expect(watch.current).toBe('stalled');
    watch.reply();
    expect(changes).toEqual(['flowing', 'stalled', 'flowing']);
  });

  it('stalls after a reset that no reply follows, by default after stallAfterMs', () => {
    watch.reset();
    vi.advanceTimersByTime(249);
    expect(watch.current).toBe('unknown');
    vi.advanceTimersByTime(1);
    expect(changes).toEqual(['stalled']);
  });

  it('takes a custom deadline on reset (the return to unknown is not reported)', () => {
    watch.reply();
    vi.advanceTimersByTime(300);
    expect(watch.current).toBe('stalled');
    watch.reset(150);
    expect(watch.current).toBe('unknown');
    vi.advanceTimersByTime(149);
    expect(watch.current).toBe('unknown');
    vi.advanceTimersByTime(1);
    expect(watch.current).toBe('stalled');
    expect(changes).toEqual(['flowing', 'stalled', 'stalled']);
  });

  it('decides nothing once stopped', () => {
    watch.reply();
    watch.stop();
    expect(watch.current).toBe('unknown');
    vi.advanceTimersByTime(10_000);
    expect(changes).toEqual(['flowing']);
  });
});
