// WatchingSubsystem: the status follows the passes (running, degraded with what the pass found
// wanting, failed with its error), kernel events settle into one repair pass, a failed pass
// still shows after a restart, stop() unsubscribes, and the timer looks again soon only while
// something is wanting or a pass named a deadline.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WatchingSubsystem, type PassCause } from '../../../src/core/watchingSubsystem.ts';

afterEach(() => vi.useRealTimers());

class FakeKernel {
  private listener: (() => void) | undefined;

  watch(onChange: () => void): () => void {
    this.listener = onChange;
    return () => void (this.listener = undefined);
  }

  change(): void {
    this.listener?.();
  }

  get watched(): boolean {
    return this.listener !== undefined;
  }
}

/** Each pass records why it ran and what it saw, and ends as `outcome` says. */
class Scripted extends WatchingSubsystem<string> {
  readonly passes: string[] = [];
  outcome: () => string | undefined = () => undefined;
  /** A deadline the next passes name, in ms. */
  deadlineMs: number | undefined;
  private desired: string | null = null;

  apply(desired: string | null): Promise<void> {
    return this.serially(async (runPass) => {
      this.desired = desired;
      await runPass();
    });
  }

  protected async pass(cause: PassCause): Promise<string | undefined> {
    this.passes.push(`${cause} ${this.desired}`);
    if (this.deadlineMs !== undefined) this.checkAgainIn(this.deadlineMs);
    return this.outcome();
  }
}

function setup() {
  const kernel = new FakeKernel();
  const subsystem = new Scripted('test', { kernel, now: () => new Date(0) }, { settleMs: 10, intervalMs: 60_000, wantingIntervalMs: 5_000 });
  return { kernel, subsystem };
}

const at = (state: string, detail?: string) => ({ name: 'test', state, since: '1970-01-01T00:00:00.000Z', ...(detail ? { detail } : {}) });
const failing = () => {
  throw new Error('the kernel refused');
};

describe('WatchingSubsystem', () => {
  it('is running, degraded with what a pass found wanting, or failed with its error', async () => {
    const { subsystem } = setup();
    expect(subsystem.status()).toEqual(at('stopped'));
    await subsystem.start(new AbortController().signal);
    expect(subsystem.status()).toEqual(at('running'));
    subsystem.outcome = () => 'ports missing: term0';
    await subsystem.apply('a');
    expect(subsystem.status()).toEqual(at('degraded', 'ports missing: term0'));
    subsystem.outcome = failing;
    await expect(subsystem.apply('b')).rejects.toThrow('the kernel refused');
    expect(subsystem.status()).toEqual(at('failed', 'the kernel refused'));
    subsystem.outcome = () => undefined;
    await subsystem.apply('c');
    expect(subsystem.status()).toEqual(at('running'));
    expect(subsystem.passes).toEqual(['apply a', 'apply b', 'apply c']);
    await subsystem.stop();
  });

  it('settles a burst of kernel events into one repair pass, and passes nothing after stop()', async () => {
    vi.useFakeTimers();
    const { kernel, subsystem } = setup();
    await subsystem.start(new AbortController().signal);
    await subsystem.apply('a');
    kernel.change();
    kernel.change();
    await vi.advanceTimersByTimeAsync(20);
    expect(subsystem.passes).toEqual(['apply a', 'repair a']);
    await subsystem.stop();
    expect([kernel.watched, subsystem.status().state]).toEqual([false, 'stopped']);
    kernel.change();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(subsystem.passes).toEqual(['apply a', 'repair a']);
  });

  it('shows a failed repair, and after a restart still the last failure until a pass succeeds', async () => {
    vi.useFakeTimers();
    const { kernel, subsystem } = setup();
    await subsystem.start(new AbortController().signal);
    subsystem.outcome = failing;
    kernel.change();
    await vi.advanceTimersByTimeAsync(20);
    expect(subsystem.status()).toEqual(at('failed', 'the kernel refused'));
    await subsystem.stop();
    expect(subsystem.status()).toEqual(at('stopped'));
    await subsystem.start(new AbortController().signal);
    expect(subsystem.status()).toEqual(at('failed', 'the kernel refused'));
    subsystem.outcome = () => undefined;
    // The safety-net tick, settled like an event.
    await vi.advanceTimersByTimeAsync(60_020);
    expect(subsystem.status()).toEqual(at('running'));
    await subsystem.stop();
  });

  it('passes every 60 s while all is well, every 5 s while something is wanting, and by a deadline a pass named', async () => {
    vi.useFakeTimers();
    const { subsystem } = setup();
    await subsystem.start(new AbortController().signal);
    await subsystem.apply('a');
    await vi.advanceTimersByTimeAsync(59_000);
    expect(subsystem.passes).toEqual(['apply a']);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(subsystem.passes).toEqual(['apply a', 'repair a']);
    subsystem.outcome = () => 'no DHCP client running';
    await subsystem.apply('b');
    await vi.advanceTimersByTimeAsync(10_100);
    expect(subsystem.passes).toEqual(['apply a', 'repair a', 'apply b', 'repair b', 'repair b']);
    subsystem.outcome = () => undefined;
    subsystem.deadlineMs = 2_000;
    await subsystem.apply('c');
    subsystem.deadlineMs = undefined;
    await vi.advanceTimersByTimeAsync(2_100);
    expect(subsystem.passes.slice(5)).toEqual(['apply c', 'repair c']);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(subsystem.passes.slice(5)).toEqual(['apply c', 'repair c']);
    await subsystem.stop();
  });

  it('does not start watching on an aborted signal', async () => {
    const { kernel, subsystem } = setup();
    await expect(subsystem.start(AbortSignal.abort())).rejects.toThrow();
    expect([kernel.watched, subsystem.status().state]).toEqual([false, 'stopped']);
  });
});
