// The web UI's accounts whose password was changed: the scrypt hash (never the password) and when.
import type { PasswordHash } from '../provisioning/password.ts';
import type { Db } from './database.ts';

export interface WebuiAccount {
  name: string;
  password: PasswordHash;
  changedAt: string;
}

/** Login attempts kept; older ones are pruned so the log cannot fill the data partition. */
export const LOGINS_KEPT = 10_000;

export interface LoginAttempt {
  at: string;
  user: string;
  source: string;
  ok: boolean;
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

  /** Records an attempt; answers the failures for `user` since its previous successful login, and that login's time (null: none). */
  recordLogin(attempt: LoginAttempt): { failedSince: number; previousLogin: string | null } {
    const previous = this.db.prepare('SELECT id, at FROM webui_logins WHERE user = ? AND ok = 1 ORDER BY id DESC LIMIT 1').get(attempt.user) as { id: number; at: string } | undefined;
    const failed = this.db.prepare('SELECT count(*) AS n FROM webui_logins WHERE user = ? AND ok = 0 AND id > ?').get(attempt.user, previous?.id ?? 0) as { n: number };
    this.db.prepare('INSERT INTO webui_logins (at, user, source, ok) VALUES (?, ?, ?, ?)').run(attempt.at, attempt.user, attempt.source, attempt.ok ? 1 : 0);
    this.db.prepare('DELETE FROM webui_logins WHERE id <= (SELECT max(id) FROM webui_logins) - ?').run(LOGINS_KEPT);
    return { failedSince: failed.n, previousLogin: previous?.at ?? null };
  }

  /** Every changed password forgotten: the provisioned initial password is the password again (a factory reset). The login log stays. */
  forgetPasswords(): void {
    this.db.prepare('DELETE FROM webui_accounts').run();
  }

  set(account: WebuiAccount): void {
    this.db
      .prepare('INSERT INTO webui_accounts (name, password, changed_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET password = excluded.password, changed_at = excluded.changed_at')
      .run(account.name, JSON.stringify(account.password), account.changedAt);
  }
}
