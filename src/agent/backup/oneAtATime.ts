// Work too heavy to run side by side on the agent's event loop (a backup's key derivation takes
// 32 MiB and some 100 ms): one runs at a time, a few more wait their turn, and any past those is
// refused at once rather than queued without bound.
export class OneAtATime {
  private last: Promise<unknown> = Promise.resolve();
  /** The work running and waiting. */
  private admitted = 0;
  private readonly most: number;
  private readonly busy: () => Error;

  /** `most`: how many may be running or waiting; `busy`: the error for one past them. */
  constructor(most: number, busy: () => Error) {
    this.most = most;
    this.busy = busy;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.admitted >= this.most) throw this.busy();
    this.admitted++;
    const turn = this.last.then(work);
    // The next waits for this one whether it succeeds or fails.
    this.last = turn.catch(() => undefined);
    try {
      return await turn;
    } finally {
      this.admitted--;
    }
  }
}
