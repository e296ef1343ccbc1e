// Where the tunnel's up/down history outlives the agent, so support sees what happened before a
// restart. The composition root hands over an implementation on the agent's database.
import type { TunnelEvent } from './status.ts';

export interface TunnelHistoryRepository {
  /** Keeps the event; the oldest events go once the history is full, so it cannot fill the data partition. */
  append(event: TunnelEvent): void;
  /** Newest first. */
  recent(limit: number): TunnelEvent[];
}
