// The loop the kernel-facing subsystems share (TI routes, LAN links, WAN-in-LAN): kernel events,
// settled for a moment into one pass, and a safety-net timer for an event that was lost both
// schedule a repair; applies and repairs run one at a time, each reading the kernel after the previous one
// wrote. A repair that fails is the subsystem's to log and show; the next event or tick retries.
// The owner may bring the timer's next tick forward (checkAgainIn): a subsystem waiting for a
// deadline or for something wanting to heal looks again then, not at the slow safety-net pace.
import { SerialQueue } from './serialQueue.ts';

export interface WatchLoopOptions {
  /** A burst of events within this time gives one repair. */
  readonly settleMs: number;
  /** Safety-net period. */
  readonly intervalMs: number;
}

export class WatchLoop {
  private readonly repair: () => Promise<void>;
  private readonly options: WatchLoopOptions;
  private readonly queue = new SerialQueue();
  private watching = false;
  private unwatch: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;

  constructor(repair: () => Promise<void>, options: WatchLoopOptions) {
    this.repair = repair;
    this.options = options;
  }

  get running(): boolean {
    return this.watching;
  }

  /** Starts watching; `watch` subscribes to the kernel's events and returns the unsubscribe. */
  start(watch: (onChange: () => void) => () => void): void {
    this.watching = true;
    this.unwatch = watch(() => this.schedule());
    this.arm(this.options.intervalMs);
  }

  /** The timer's next repair comes after `ms` (at most the safety-net period), unless an event brings one sooner. */
  checkAgainIn(ms: number): void {
    if (this.watching) this.arm(Math.max(0, Math.min(ms, this.options.intervalMs)));
  }

  /** Stops watching and waits for the pass under way. */
  async stop(): Promise<void> {
    this.watching = false;
    this.unwatch?.();
    this.unwatch = undefined;
    clearTimeout(this.timer);
    clearTimeout(this.settle);
    this.settle = undefined;
    await this.queue.settled();
  }

  /** Runs `task` once everything queued before it is done. */
  serially(task: () => Promise<void>): Promise<void> {
    return this.queue.run(task);
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.arm(this.options.intervalMs);
      this.schedule();
    }, ms);
    this.timer.unref();
  }

  private schedule(): void {
    if (!this.watching || this.settle) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.serially(this.repair).catch(() => undefined);
    }, this.options.settleMs);
    this.settle.unref();
  }
}
