// The audit log of the changes that are neither config commits nor device changes (those have
// their own): a VPN profile imported, the tunnel restarted. Who, when, which action and what it
// changed; details never hold key material or passwords.
import type { Db } from './database.ts';

/** Rows kept; older ones are pruned so the log cannot fill the data partition. */
export const ACTION_AUDIT_KEPT = 5_000;

export interface ActionAuditEntry {
  at: string;
  actor: string;
  action: string;
  /** JSON-serialisable: what the action changed. */
  detail: Record<string, unknown>;
}

interface Row {
  at: string;
  actor: string;
  action: string;
  detail: string;
}

export class ActionAuditStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  record(entry: ActionAuditEntry): void {
    this.db.prepare('INSERT INTO action_audit (at, actor, action, detail) VALUES (?, ?, ?, ?)').run(entry.at, entry.actor, entry.action, JSON.stringify(entry.detail));
    this.db.prepare('DELETE FROM action_audit WHERE id <= (SELECT max(id) FROM action_audit) - ?').run(ACTION_AUDIT_KEPT);
  }

  /** Newest first. */
  recent(limit: number): ActionAuditEntry[] {
    const rows = this.db.prepare('SELECT at, actor, action, detail FROM action_audit ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
