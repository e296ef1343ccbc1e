// At most so many of one costly job at once, and at most so many more waiting for a turn, in the
// order they came; past both a request is refused at once (LimitBusyError). The password check
// starts a process of some 40 MB for each check: without a bound, a burst of requests from the
// LAN would start as many processes as it sends requests, and an unbounded queue would only move
// the pile-up into memory and make every caller wait behind it.

export class LimitBusyError extends Error {
  constructor(running: number, waiting: number) {
    super(`busy: ${running} running and ${waiting} waiting, try again`);
    this.name = 'LimitBusyError';
  }
}

export class ConcurrencyLimit {
  private readonly maxRunning: number;
  private readonly maxWaiting: number;
  private running = 0;
  /** Each waiting caller's go: called when a running job hands its place on. */
  private readonly waiting: (() => void)[] = [];

  constructor(limits: { running: number; waiting: number }) {
    if (!Number.isInteger(limits.running) || limits.running < 1) throw new RangeError(`at least one job must be able to run, not ${limits.running}`);
    if (!Number.isInteger(limits.waiting) || limits.waiting < 0) throw new RangeError(`the queue's length must be a whole number of 0 or more, not ${limits.waiting}`);
    this.maxRunning = limits.running;
    this.maxWaiting = limits.waiting;
  }

  /** Runs `job` once a place is free and settles as it does; rejects with LimitBusyError, without running it, when the queue is full. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running < this.maxRunning) this.running++;
    else if (this.waiting.length < this.maxWaiting) await new Promise<void>((go) => this.waiting.push(go));
    else throw new LimitBusyError(this.running, this.waiting.length);
    try {
      return await job();
    } finally {
      // The place goes straight to the first waiting job, so a newcomer cannot take it first.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
