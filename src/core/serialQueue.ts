// One task at a time, in the order they were queued: for the subsystems whose applies, repairs
// and restarts each read what the previous one wrote. A task that fails rejects its own caller
// only; the next one runs all the same.

export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `task` once every task queued before it has finished, and settles as it does. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => task());
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }

  /** Resolves once every task queued so far has finished, failed ones too. */
  settled(): Promise<void> {
    return this.tail;
  }
}
