// The tunnel's up/down history in the agent's database (the repository the tunnel declares in
// src/ipsec/tunnel/historyRepository.ts).
import type { TunnelEvent, TunnelHistoryRepository } from '../../ipsec/index.ts';
import type { Db } from './database.ts';

/** Rows kept; older ones are pruned so the history cannot fill the data partition. */
export const TUNNEL_HISTORY_KEPT = 2_000;

interface Row {
  at: string;
  state: TunnelEvent['state'];
  gateway: string | null;
  reason: string | null;
  evidence: TunnelEvent['evidence'] | null;
}

export class TunnelHistoryStore implements TunnelHistoryRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  append(event: TunnelEvent): void {
    this.db.prepare('INSERT INTO tunnel_history (at, state, gateway, reason, evidence) VALUES (?, ?, ?, ?, ?)').run(
      event.at, event.state, event.gateway ?? null, event.reason ?? null, event.evidence ?? null,
    );
    this.db.prepare('DELETE FROM tunnel_history WHERE id <= (SELECT max(id) FROM tunnel_history) - ?').run(TUNNEL_HISTORY_KEPT);
  }

  recent(limit: number): TunnelEvent[] {
    const rows = this.db.prepare('SELECT at, state, gateway, reason, evidence FROM tunnel_history ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.map((r) => ({
      at: r.at, state: r.state, ...(r.gateway ? { gateway: r.gateway } : {}), ...(r.reason ? { reason: r.reason } : {}), ...(r.evidence ? { evidence: r.evidence } : {}),
    }));
  }
}
