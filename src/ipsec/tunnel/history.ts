// The tunnel's history as the controller keeps it: in the repository while the database is open,
// and the newest events in memory for a status asked while it is closed (agent stopping).
import type { TunnelHistoryRepository } from './historyRepository.ts';
import type { TunnelEvent, TunnelHistory } from './status.ts';

const MEMORY_KEPT = 50;

export class StoredTunnelHistory implements TunnelHistory {
  private readonly repository: () => TunnelHistoryRepository | undefined;
  private readonly memory: TunnelEvent[] = [];

  /** `repository` is asked on each use, undefined while the database is closed: it opens after construction and closes at stop. */
  constructor(repository: () => TunnelHistoryRepository | undefined) {
    this.repository = repository;
  }

  record(event: TunnelEvent): void {
    this.memory.unshift(event);
    this.memory.length = Math.min(this.memory.length, MEMORY_KEPT);
    this.repository()?.append(event);
  }

  recent(limit: number): TunnelEvent[] {
    return this.repository()?.recent(limit) ?? this.memory.slice(0, limit);
  }
}
