// The network change awaiting confirmation (src/agent/pending/), kept in the database so that its
// deadline holds across an agent restart and a reboot: at most one row. Its confirmation is
// recorded in the audit log beside the entries of the commit it confirms.
import type { Db } from './database.ts';

export interface PendingChange {
  /** The revision the change made. */
  readonly revision: number;
  readonly actor: string;
  /** ISO times. */
  readonly startedAt: string;
  readonly deadline: string;
  /** The fields it changed, e.g. ['interfaces.lanFallback']. */
  readonly paths: readonly string[];
  /** The change its rollback commits: those fields' values before it. */
  readonly previous: Record<string, unknown>;
}

interface PendingRow {
  revision: number;
  actor: string;
  started_at: string;
  deadline: string;
  paths: string;
  previous: string;
}

export class PendingStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  get(): PendingChange | undefined {
    const row = this.db.prepare('SELECT revision, actor, started_at, deadline, paths, previous FROM config_pending WHERE id = 1').get() as PendingRow | undefined;
    if (!row) return undefined;
    return {
      revision: row.revision,
      actor: row.actor,
      startedAt: row.started_at,
      deadline: row.deadline,
      paths: JSON.parse(row.paths) as string[],
      previous: JSON.parse(row.previous) as Record<string, unknown>,
    };
  }

  /** Records the pending change; throws when one is recorded already. */
  put(change: PendingChange): void {
    this.db
      .prepare('INSERT INTO config_pending (id, revision, actor, started_at, deadline, paths, previous) VALUES (1, ?, ?, ?, ?, ?, ?)')
      .run(change.revision, change.actor, change.startedAt, change.deadline, JSON.stringify(change.paths), JSON.stringify(change.previous));
  }

  /** Ends the pending change as confirmed: its commit's audit entries again, as step 'confirm', by `actor` at `at`. */
  confirm(change: PendingChange, actor: string, at: Date): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO config_audit (revision, at, actor, path, old_value, new_value, step)
           SELECT revision, ?, ?, path, old_value, new_value, 'confirm' FROM config_audit WHERE revision = ? AND step = 'pending' ORDER BY id`,
        )
        .run(at.toISOString(), actor, change.revision);
      this.remove();
    }).immediate();
  }

  remove(): void {
    this.db.prepare('DELETE FROM config_pending WHERE id = 1').run();
  }
}
