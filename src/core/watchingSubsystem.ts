// What the kernel-facing subsystems (TI routes, LAN links, WAN-in-LAN) share around their own pass
// over the kernel: a WatchLoop runs the pass after kernel events and on its timer, applies run it
// in the same queue, and the status follows from how the passes went. Stopped while not watching;
// otherwise failed with the error of the last pass if it threw, degraded with what the last pass
// found wanting, running. The status outlives stop(): restarted, the subsystem shows the last
// pass's outcome until the next one. The pass logs its own failures: only it knows what they mean.
// The safety-net timer is slow while all is well (an idle box is one of thousands, each wake-up a
// cost) and quick while something is wanting or a pass failed, so a fault that raises no kernel
// event (a DHCP client that died, a warning's grace time running out) is still seen soon.
import { StateTracker, type Subsystem, type SubsystemStatus } from './lifecycle.ts';
import { WatchLoop, type WatchLoopOptions } from './watchLoop.ts';

/** A subsystem's timings: the loop's, and how soon to look again while something is wanting. */
export interface WatchingTimings extends WatchLoopOptions {
  readonly wantingIntervalMs: number;
}

/** Why a pass runs: an apply, or a repair after a kernel event or the timer. */
export type PassCause = 'apply' | 'repair';

/** What a watching subsystem's deps hold for this class; tests give short timings, production none. */
export interface WatchingDeps {
  /** Where the events come from: `watch` subscribes and returns the unsubscribe. */
  readonly kernel: { watch(onChange: () => void): () => void };
  /** A burst of kernel events within this time gives one pass. */
  readonly settleMs?: number;
  /** Safety-net period: a pass also without events, in case one was lost. */
  readonly intervalMs?: number;
  /** While the last pass found something wanting or failed: the next pass comes this soon. */
  readonly wantingIntervalMs?: number;
  readonly now?: () => Date;
}

export abstract class WatchingSubsystem<Desired> implements Subsystem<Desired> {
  readonly name: string;
  private readonly kernel: WatchingDeps['kernel'];
  private readonly tracker: StateTracker;
  private readonly loop: WatchLoop;
  private readonly wantingIntervalMs: number;
  private error: string | undefined;
  private wanting: string | undefined;
  /** A deadline the running pass named (checkAgainIn), in ms from its end. */
  private dueInMs: number | undefined;

  /** `defaults`: the timings where `deps` gives none. */
  constructor(name: string, deps: WatchingDeps, defaults: WatchingTimings) {
    this.name = name;
    this.kernel = deps.kernel;
    this.tracker = new StateTracker(name, deps.now);
    this.wantingIntervalMs = deps.wantingIntervalMs ?? defaults.wantingIntervalMs;
    this.loop = new WatchLoop(() => this.run('repair'), {
      settleMs: deps.settleMs ?? defaults.settleMs,
      intervalMs: deps.intervalMs ?? defaults.intervalMs,
    });
  }

  abstract apply(desired: Desired | null): Promise<void>;

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.loop.start((onChange) => this.kernel.watch(onChange));
    this.refresh();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.refresh();
  }

  status(): SubsystemStatus {
    return this.tracker.get();
  }

  /** One pass over the kernel; resolves to why the subsystem is degraded, undefined when nothing is wanting. */
  protected abstract pass(cause: PassCause): Promise<string | undefined>;

  /** Called from a pass: something it decided falls due in `ms` (a lease's end, a grace time), so the next pass comes then at the latest. */
  protected checkAgainIn(ms: number): void {
    this.dueInMs = Math.min(ms, this.dueInMs ?? Infinity);
  }

  /**
   * Runs `task` once every pass and apply queued before it is done. The task takes the new desired
   * state and calls `runPass` to converge on it; the returned promise rejects with the pass's error.
   */
  protected serially(task: (runPass: () => Promise<void>) => Promise<void>): Promise<void> {
    return this.loop.serially(() => task(() => this.run('apply')));
  }

  private async run(cause: PassCause): Promise<void> {
    try {
      this.wanting = await this.pass(cause);
      this.error = undefined;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      const soon = this.error !== undefined || this.wanting !== undefined ? this.wantingIntervalMs : Infinity;
      this.loop.checkAgainIn(Math.min(soon, this.dueInMs ?? Infinity));
      this.dueInMs = undefined;
      this.refresh();
    }
  }

  private refresh(): void {
    if (!this.loop.running) this.tracker.set('stopped');
    else if (this.error !== undefined) this.tracker.set('failed', this.error);
    else if (this.wanting !== undefined) this.tracker.set('degraded', this.wanting);
    else this.tracker.set('running');
  }
}
