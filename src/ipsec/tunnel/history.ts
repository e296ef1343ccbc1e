// The tunnel's history as the controller keeps it: in the repository while the database is open
// and takes writes, and the newest events in memory for a status asked while it does not (read-only,
// full or failing storage, or closed as the agent stops). Recording never throws: a history that
// cannot be written must not stop the tunnel.
import { MemoryBackedHistory, type BestEffortStore } from '../../core/index.ts';
import type { TunnelHistoryRepository } from './historyRepository.ts';
import type { TunnelEvent, TunnelHistory } from './status.ts';

const MEMORY_KEPT = 50;

export class StoredTunnelHistory implements TunnelHistory {
  private readonly repository: () => TunnelHistoryRepository | undefined;
  private readonly events: MemoryBackedHistory<TunnelEvent>;

  /** `repository` is asked on each use, undefined while the database is closed: it opens after construction and closes at stop. */
  constructor(repository: () => TunnelHistoryRepository | undefined, store: BestEffortStore) {
    this.repository = repository;
    this.events = new MemoryBackedHistory({ store, name: 'tunnel history', kept: MEMORY_KEPT });
  }

  record(event: TunnelEvent): void {
    const repository = this.repository();
    this.events.record(event, repository && ((e) => repository.append(e)));
  }

  recent(limit: number): TunnelEvent[] {
    const repository = this.repository();
    return this.events.recent(limit, repository && ((n) => repository.recent(n)));
  }
}
