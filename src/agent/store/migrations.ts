// Versioned, additive schema migrations for the database on the data partition that both A/B
// firmware slots share. After a rollback an older agent must still run on a database a newer one
// has migrated, so the contract for every migration in MIGRATIONS is:
// - additive only: new tables, indexes and columns; never DROP, never RENAME, never change a
//   column's meaning. A new column is nullable or has a DEFAULT, so an older agent's INSERT works;
// - its id is stable and never reused; the list only grows at the end;
// - ids applied by a newer firmware that this agent does not know are left alone.
// SCHEMA_MAJOR changes only for a change older agents cannot live with; an agent refuses a
// database whose major it does not know (DatabaseVersionError) and touches nothing in it.
import type { Database } from 'better-sqlite3';

export interface Migration {
  /** Stable name, e.g. '0001-config'; recorded in schema_migrations once applied. */
  readonly id: string;
  readonly sql: string;
}

export const SCHEMA_MAJOR = 1;

export const MIGRATIONS: readonly Migration[] = [
  {
    id: '0001-config',
    sql: `
      CREATE TABLE config_revisions (
        revision INTEGER PRIMARY KEY,   -- 1, 2, 3 ...; revision 0 means defaults, never stored
        committed_at TEXT NOT NULL,     -- ISO time
        actor TEXT NOT NULL,
        config TEXT NOT NULL            -- the whole config as JSON
      );
      CREATE TABLE config_audit (
        id INTEGER PRIMARY KEY,
        revision INTEGER NOT NULL REFERENCES config_revisions (revision),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        path TEXT NOT NULL,             -- e.g. 'box.name'
        old_value TEXT NOT NULL,        -- JSON; '"[changed]"' for secret fields
        new_value TEXT NOT NULL
      );
      CREATE INDEX config_audit_revision ON config_audit (revision);
    `,
  },
  {
    id: '0002-tunnel-history',
    sql: `
      CREATE TABLE tunnel_history (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,               -- ISO time of the state change
        state TEXT NOT NULL,            -- up, connecting, wan-down, backoff, ...
        gateway TEXT,                   -- the gateway in use or tried, if any
        reason TEXT                     -- plain words, e.g. 'authentication failed'
      );
    `,
  },
  {
    // The device inventory (src/lan/inventory/): registered PVS hosts and card terminals, every
    // change to them with who made it, and each terminal's reachability transitions.
    id: '0003-devices',
    sql: `
      CREATE TABLE devices (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so ids in the audit log stay unambiguous
        kind TEXT NOT NULL CHECK (kind IN ('pvs', 'terminal')),
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        address TEXT NOT NULL UNIQUE,        -- TI address, dotted quad
        mac TEXT NOT NULL UNIQUE,            -- lower case, colon-separated
        cetp_ports TEXT NOT NULL DEFAULT '[]', -- JSON list of TCP ports; empty for terminals
        created_at TEXT NOT NULL,            -- ISO times
        changed_at TEXT NOT NULL
      );
      CREATE TABLE device_audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,                -- register, change, remove
        device_id INTEGER NOT NULL,
        old_value TEXT,                      -- the device as JSON before; NULL for register
        new_value TEXT                       -- the device as JSON after; NULL for remove
      );
      CREATE INDEX device_audit_device ON device_audit (device_id);
      CREATE TABLE terminal_reachability (
        id INTEGER PRIMARY KEY,
        device_id INTEGER NOT NULL,
        at TEXT NOT NULL,                    -- ISO time of the transition
        state TEXT NOT NULL,                 -- reachable, unreachable
        detail TEXT                          -- why unreachable, e.g. 'timeout', 'ECONNREFUSED'
      );
      CREATE INDEX terminal_reachability_device ON terminal_reachability (device_id, id);
    `,
  },
  {
    // Network changes with rollback (src/agent/pending/): the one change awaiting confirmation, and
    // which step of one an audit entry records. An older agent ignores both: its audit entries
    // have no step, and a change pending when it starts stays as an ordinary one.
    id: '0004-pending-change',
    sql: `
      ALTER TABLE config_audit ADD COLUMN step TEXT;  -- NULL, or 'pending', 'confirm', 'rollback'
      CREATE TABLE config_pending (
        id INTEGER PRIMARY KEY CHECK (id = 1),  -- one pending change at a time
        revision INTEGER NOT NULL REFERENCES config_revisions (revision),
        actor TEXT NOT NULL,
        started_at TEXT NOT NULL,       -- ISO times
        deadline TEXT NOT NULL,
        paths TEXT NOT NULL,            -- JSON list of the fields it changed
        previous TEXT NOT NULL          -- JSON: the change its rollback commits
      );
    `,
  },
  {
    // Which evidence judged the tunnel at a change of state (src/ipsec/tunnel/liveness.ts). An
    // older agent leaves it NULL.
    id: '0005-tunnel-evidence',
    sql: `
      ALTER TABLE tunnel_history ADD COLUMN evidence TEXT;  -- NULL, or 'traffic', 'probe', 'heartbeat'
    `,
  },
  {
    // Changes that are neither config nor devices (a VPN profile imported, the tunnel restarted),
    // each with who made it: the CLI's administrators or a web UI user. An older agent ignores it.
    id: '0006-action-audit',
    sql: `
      CREATE TABLE action_audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,               -- ISO time
        actor TEXT NOT NULL,            -- 'local-cli' or 'webui:<user>'
        action TEXT NOT NULL,           -- the control action, e.g. 'profile.import'
        detail TEXT NOT NULL            -- JSON: what it changed, never key material or passwords
      );
    `,
  },
  {
    // The web UI's accounts once their password was changed from the initial one (until then the
    // provisioning file's hash is the password). An older agent ignores it.
    id: '0007-webui-accounts',
    sql: `
      CREATE TABLE webui_accounts (
        name TEXT PRIMARY KEY,
        password TEXT NOT NULL,         -- JSON: the scrypt hash with its salt and parameters
        changed_at TEXT NOT NULL        -- ISO time of the last change
      );
    `,
  },
  {
    // Every web UI login attempt (BSI TR-03148 TR.D.28): when, for which user, from which address,
    // and whether it succeeded; the user sees the failures since the last login.
    id: '0008-webui-logins',
    sql: `
      CREATE TABLE webui_logins (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,               -- ISO time
        user TEXT NOT NULL,             -- the name given, cut to 32 characters
        source TEXT NOT NULL,           -- the client's address as the web UI saw it
        ok INTEGER NOT NULL             -- 1 for a successful login, 0 for a failure
      );
    `,
  },
];

export class DatabaseVersionError extends Error {
  /** The major found in the database. */
  readonly found: number;
  /** The major this agent knows. */
  readonly known: number;

  constructor(found: number, known: number) {
    const origin = found > known ? 'was written by a newer firmware' : 'is not one this firmware knows';
    super(`database schema major ${found} ${origin}; this agent reads major ${known} only and leaves the database untouched`);
    this.name = 'DatabaseVersionError';
    this.found = found;
    this.known = known;
  }
}

export interface MigrationResult {
  /** Ids applied by this call, in order; empty when the database was up to date. */
  applied: string[];
  /** Ids recorded in the database that this agent does not know (applied by a newer firmware). */
  unknown: string[];
}

/**
 * Brings the database up to this agent's migrations in one transaction: either every missing
 * migration is applied and recorded, or (on any error) none is. Throws DatabaseVersionError for
 * a database of an unknown major. A second call is a no-op.
 */
export function migrate(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
  major: number = SCHEMA_MAJOR,
  now: () => Date = () => new Date(),
): MigrationResult {
  const ids = migrations.map((m) => m.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new Error(`migration id ${duplicate} is listed twice`);

  // IMMEDIATE takes the write lock first, so two agents starting at once cannot both migrate.
  return db.transaction((): MigrationResult => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS schema_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
    `);
    const row = db.prepare(`SELECT value FROM schema_meta WHERE key = 'schema_major'`).get() as { value: string } | undefined;
    if (row === undefined) {
      db.prepare(`INSERT INTO schema_meta (key, value) VALUES ('schema_major', ?)`).run(String(major));
    } else if (Number(row.value) !== major) {
      throw new DatabaseVersionError(Number(row.value), major);
    }

    const recorded = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id));
    const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
    const applied: string[] = [];
    for (const migration of migrations) {
      if (recorded.has(migration.id)) continue;
      db.exec(migration.sql);
      record.run(migration.id, now().toISOString());
      applied.push(migration.id);
    }
    const known = new Set(ids);
    return { applied, unknown: [...recorded].filter((id) => !known.has(id)).sort() };
  }).immediate();
}

/**
 * Whether a database opened read-only can be used as it is: this agent's major, and every
 * migration this agent knows applied. Writes nothing; throws DatabaseVersionError for another
 * major and an Error naming what is missing otherwise.
 */
export function checkSchema(db: Database, migrations: readonly Migration[] = MIGRATIONS, major: number = SCHEMA_MAJOR): void {
  const row = db.prepare(`SELECT value FROM schema_meta WHERE key = 'schema_major'`).get() as { value: string } | undefined;
  if (row === undefined) throw new Error('the database has no schema yet');
  if (Number(row.value) !== major) throw new DatabaseVersionError(Number(row.value), major);
  const recorded = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id));
  const missing = migrations.map((m) => m.id).filter((id) => !recorded.has(id));
  if (missing.length > 0) throw new Error(`the database lacks migrations ${missing.join(', ')}`);
}
