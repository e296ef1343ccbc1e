// The web UI's accounts whose password was changed: the scrypt hash (never the password) and when.
import type { PasswordHash } from '../provisioning/password.ts';
import type { Db } from './database.ts';

export interface WebuiAccount {
  name: string;
  password: PasswordHash;
  changedAt: string;
}

export class WebuiAccountStore {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  get(name: string): WebuiAccount | undefined {
    const row = this.db.prepare('SELECT name, password, changed_at FROM webui_accounts WHERE name = ?').get(name) as { name: string; password: string; changed_at: string } | undefined;
    return row && { name: row.name, password: JSON.parse(row.password) as PasswordHash, changedAt: row.changed_at };
  }

  set(account: WebuiAccount): void {
    this.db
      .prepare('INSERT INTO webui_accounts (name, password, changed_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET password = excluded.password, changed_at = excluded.changed_at')
      .run(account.name, JSON.stringify(account.password), account.changedAt);
  }
}
