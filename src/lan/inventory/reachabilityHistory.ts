// The terminals' reachability history as the inventory keeps it: in the repository while the
// database is open and takes writes, and the newest transitions in memory for while it does not
// (read-only, full or failing storage) or is closed. Neither recording nor reading throws: a history
// that cannot be written must not stop the probes.
import { MemoryBackedHistory, type BestEffortStore } from '../../core/index.ts';
import type { Transition } from './reachability.ts';
import type { ReachabilityRepository } from './reachabilityRepository.ts';

/** Over all terminals: a practice has a handful, and each changes state a few times a day at most. */
const MEMORY_KEPT = 200;

interface Recorded {
  deviceId: number;
  transition: Transition;
}

export class StoredReachabilityHistory implements ReachabilityRepository {
  private readonly repository: () => ReachabilityRepository | undefined;
  private readonly transitions: MemoryBackedHistory<Recorded>;

  /** `repository` is asked on each use, undefined while the database is closed. */
  constructor(repository: () => ReachabilityRepository | undefined, store: BestEffortStore) {
    this.repository = repository;
    this.transitions = new MemoryBackedHistory({ store, name: 'reachability history', kept: MEMORY_KEPT });
  }

  record(deviceId: number, transition: Transition): void {
    const repository = this.repository();
    this.transitions.record({ deviceId, transition }, repository && ((r) => repository.record(r.deviceId, r.transition)));
  }

  recent(deviceId: number, limit: number): Transition[] {
    const repository = this.repository();
    const read = repository && ((n: number) => repository.recent(deviceId, n).map((transition) => ({ deviceId, transition })));
    return this.transitions.recent(limit, read, (r) => r.deviceId === deviceId).map((r) => r.transition);
  }
}
