// What the tunnel reports (tibox status, control API, web UI, remote management), and its
// up/down history, kept in SQLite so support sees what happened before a restart.
import type { Db } from '../../agent/store/index.ts';
import type { FailureReason } from './failure.ts';
import type { TunnelSa } from './sas.ts';

export type TunnelState =
  | 'no-profile'
  | 'disabled'
  | 'charon-down'
  | 'connecting'
  | 'up'
  | 'wan-down'
  | 'backoff';

export interface TunnelEvent {
  at: string;
  state: TunnelState;
  gateway?: string;
  reason?: string;
}

export interface TunnelStatus {
  state: TunnelState;
  since: string;
  /** The gateway carrying the tunnel. */
  gateway?: string;
  traffic: { bytesIn: number; bytesOut: number; packetsIn: number; packetsOut: number };
  lastError?: { reason: FailureReason; at: string; detail?: string };
  /** While backing off: when the next attempt is due. */
  nextAttemptAt?: string;
  /** Newest first. */
  history: TunnelEvent[];
}

/** The status from the controller's facts: the carrier's gateway and counters, or zeros. */
export function statusOf(facts: {
  state: TunnelState;
  since: string;
  carrier: TunnelSa | undefined;
  lastError: TunnelStatus['lastError'];
  nextAttemptAt: string | undefined;
  history: TunnelEvent[];
}): TunnelStatus {
  const child = facts.carrier?.child;
  return {
    state: facts.state,
    since: facts.since,
    ...(facts.carrier ? { gateway: facts.carrier.remoteHost } : {}),
    traffic: { bytesIn: child?.bytesIn ?? 0, bytesOut: child?.bytesOut ?? 0, packetsIn: child?.packetsIn ?? 0, packetsOut: child?.packetsOut ?? 0 },
    ...(facts.lastError ? { lastError: facts.lastError } : {}),
    ...(facts.nextAttemptAt ? { nextAttemptAt: facts.nextAttemptAt } : {}),
    history: facts.history,
  };
}

export interface TunnelHistory {
  record(event: TunnelEvent): void;
  recent(limit: number): TunnelEvent[];
}

/** Rows kept; older ones are pruned so the history cannot fill the data partition. */
const KEPT = 2_000;
const MEMORY_KEPT = 50;

export class SqliteTunnelHistory implements TunnelHistory {
  private readonly db: () => Db | undefined;
  /** The newest events, for a status asked while the database is closed (agent stopping). */
  private readonly memory: TunnelEvent[] = [];

  /** `db` is asked on each use: the database opens after construction and closes at stop. */
  constructor(db: () => Db | undefined) {
    this.db = db;
  }

  record(event: TunnelEvent): void {
    this.memory.unshift(event);
    this.memory.length = Math.min(this.memory.length, MEMORY_KEPT);
    const db = this.db();
    if (!db) return;
    db.prepare('INSERT INTO tunnel_history (at, state, gateway, reason) VALUES (?, ?, ?, ?)').run(
      event.at, event.state, event.gateway ?? null, event.reason ?? null,
    );
    db.prepare('DELETE FROM tunnel_history WHERE id <= (SELECT max(id) FROM tunnel_history) - ?').run(KEPT);
  }

  recent(limit: number): TunnelEvent[] {
    const db = this.db();
    if (!db) return this.memory.slice(0, limit);
    const rows = db.prepare('SELECT at, state, gateway, reason FROM tunnel_history ORDER BY id DESC LIMIT ?').all(limit) as {
      at: string; state: TunnelState; gateway: string | null; reason: string | null;
    }[];
    return rows.map((r) => ({ at: r.at, state: r.state, ...(r.gateway ? { gateway: r.gateway } : {}), ...(r.reason ? { reason: r.reason } : {}) }));
  }
}
