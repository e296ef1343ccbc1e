// Each terminal's reachability transitions in the agent's database, so support sees when a
// terminal dropped off and came back, also across agent restarts. Old rows are pruned so the log
// cannot fill the data partition.
import type { Db } from '../../agent/store/index.ts';
import type { Transition } from './reachability.ts';

/** Rows kept over all terminals. */
const KEPT = 5_000;

interface Row {
  at: string;
  state: Transition['state'];
  detail: string | null;
}

export class ReachabilityLog {
  private readonly db: () => Db | undefined;

  /** `db` is asked on each use: the database opens after construction and closes at stop. */
  constructor(db: () => Db | undefined) {
    this.db = db;
  }

  record(deviceId: number, transition: Transition): void {
    const db = this.db();
    if (!db) return;
    db.prepare('INSERT INTO terminal_reachability (device_id, at, state, detail) VALUES (?, ?, ?, ?)').run(
      deviceId, transition.at, transition.state, transition.detail ?? null,
    );
    db.prepare('DELETE FROM terminal_reachability WHERE id <= (SELECT max(id) FROM terminal_reachability) - ?').run(KEPT);
  }

  /** Newest first. */
  recent(deviceId: number, limit: number): Transition[] {
    const db = this.db();
    if (!db) return [];
    const rows = db.prepare('SELECT at, state, detail FROM terminal_reachability WHERE device_id = ? ORDER BY id DESC LIMIT ?').all(deviceId, limit) as Row[];
    return rows.map((r) => ({ at: r.at, state: r.state, ...(r.detail === null ? {} : { detail: r.detail }) }));
  }
}
