// The terminals' reachability transitions in the agent's database (the repository the device
// inventory declares in src/lan/inventory/reachabilityRepository.ts).
import type { ReachabilityRepository, Transition } from '../../lan/inventory/index.ts';
import type { Db } from './database.ts';

/** Rows kept over all terminals; older ones are pruned so the log cannot fill the data partition. */
export const REACHABILITY_KEPT = 5_000;

interface Row {
  at: string;
  state: Transition['state'];
  detail: string | null;
}

export class ReachabilityStore implements ReachabilityRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  record(deviceId: number, transition: Transition): void {
    this.db.prepare('INSERT INTO terminal_reachability (device_id, at, state, detail) VALUES (?, ?, ?, ?)').run(
      deviceId, transition.at, transition.state, transition.detail ?? null,
    );
    this.db.prepare('DELETE FROM terminal_reachability WHERE id <= (SELECT max(id) FROM terminal_reachability) - ?').run(REACHABILITY_KEPT);
  }

  recent(deviceId: number, limit: number): Transition[] {
    const rows = this.db
      .prepare('SELECT at, state, detail FROM terminal_reachability WHERE device_id = ? ORDER BY id DESC LIMIT ?')
      .all(deviceId, limit) as Row[];
    return rows.map((r) => ({ at: r.at, state: r.state, ...(r.detail === null ? {} : { detail: r.detail }) }));
  }
}
