// A history kept in the database (the tunnel's, the terminals' reachability) that goes on while the
// database cannot be written, read or is closed: the newest events are kept in memory too, each
// marked whether it reached the database, and a read takes from memory what the database lacks.
// An event that could not be written is not written later: rows are ordered by when they were
// written, and a late one would sit among newer events.
import type { BestEffortStore } from './bestEffortStore.ts';

export interface MemoryBackedHistoryOptions {
  /** Where failures are counted and reported. */
  store: BestEffortStore;
  /** The history's name in the log, e.g. 'tunnel history'. */
  name: string;
  /** Events kept in memory, the newest. */
  kept: number;
}

export class MemoryBackedHistory<T> {
  private readonly options: MemoryBackedHistoryOptions;
  /** Newest first. */
  private readonly memory: { event: T; written: boolean }[] = [];

  constructor(options: MemoryBackedHistoryOptions) {
    this.options = options;
  }

  /** Keeps `event` and writes it with `write`, undefined while the database is closed; never throws. */
  record(event: T, write: ((event: T) => void) | undefined): void {
    const written = write !== undefined && this.options.store.write(this.options.name, () => write(event));
    this.memory.unshift({ event, written });
    this.memory.length = Math.min(this.memory.length, this.options.kept);
  }

  /**
   * The newest `limit` events that `matches` accepts, newest first. `read` gives the database's
   * (the same events, newest first; undefined while it is closed). While every event in memory
   * reached the database it answers alone; otherwise memory does, followed by what the database
   * holds that is older than all of memory. Never throws.
   */
  recent(limit: number, read: ((limit: number) => T[]) | undefined, matches: (event: T) => boolean = () => true): T[] {
    const kept = this.memory.filter((m) => matches(m.event));
    const fromMemory = kept.slice(0, limit).map((m) => m.event);
    if (!read) return fromMemory;
    const stored = (n: number) => this.options.store.read(this.options.name, () => read(n));
    if (kept.every((m) => m.written)) return stored(limit) ?? fromMemory;
    if (kept.length >= limit) return fromMemory;
    // The written events in memory are the database's newest rows: memory holds the newest events
    // of all, so a row not in memory is older than every event there.
    const skip = kept.filter((m) => m.written).length;
    return [...fromMemory, ...(stored(skip + limit - kept.length)?.slice(skip) ?? [])];
  }
}
