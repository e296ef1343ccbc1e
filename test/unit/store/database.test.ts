import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUSY_TIMEOUT_MS, DATABASE_FILE, openDatabase, openDatabaseReadOnly, openMemoryDatabase, type Db } from '../../../src/agent/store/database.ts';
import { DatabaseVersionError, MIGRATIONS, SCHEMA_MAJOR } from '../../../src/agent/store/migrations.ts';

/**
 * Statements prepared on a database of our own making, outside openDatabase's cache, stay
 * referenced here: one the garbage collector finalizes can abort the worker (see database.ts).
 * The test files' databases use prepare() through that cache, and no pragma() or iterate().
 */
const NEVER_GARBAGE: unknown[] = [];

const tables = (db: Db) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

describe('openDatabase', () => {
  let dir: string;
  const open: Db[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-db-'));
  });
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const openIn = (d: string) => {
    const opened = openDatabase(d);
    open.push(opened.db);
    return opened;
  };

  it('creates an owner-only database in WAL mode with foreign keys, a busy timeout and every migration', () => {
    const { db, migration } = openIn(dir);
    expect(statSync(join(dir, DATABASE_FILE)).mode & 0o777).toBe(0o600);
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 });
    expect(db.prepare('PRAGMA busy_timeout').get()).toEqual({ timeout: BUSY_TIMEOUT_MS });
    expect(migration).toEqual({ applied: MIGRATIONS.map((m) => m.id), unknown: [] });
    expect(tables(db)).toEqual([
      'action_audit', 'config_audit', 'config_pending', 'config_revisions', 'device_audit', 'devices', 'schema_meta', 'schema_migrations',
      // SQLite's own bookkeeping for the AUTOINCREMENT of devices.id.
      'sqlite_sequence', 'terminal_reachability', 'tunnel_history', 'webui_accounts', 'webui_logins',
    ]);
  });

  it('applies nothing on re-opening', () => {
    openIn(dir).db.close();
    const { db, migration } = openIn(dir);
    expect(migration).toEqual({ applied: [], unknown: [] });
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
  });

  it('opens a database a newer firmware of the same major has migrated, and leaves its extra migration alone', () => {
    const newer = openIn(dir).db;
    newer.exec(`CREATE TABLE vpn_profiles (id INTEGER PRIMARY KEY)`);
    newer.prepare(`INSERT INTO schema_migrations (id, applied_at) VALUES ('0099-vpn-profiles', '2031-01-01T00:00:00.000Z')`).run();
    newer.close();

    const { db, migration } = openIn(dir);
    expect(migration).toEqual({ applied: [], unknown: ['0099-vpn-profiles'] });
    expect(tables(db)).toContain('vpn_profiles');
    expect(db.prepare(`SELECT applied_at FROM schema_migrations WHERE id = '0099-vpn-profiles'`).get()).toEqual({
      applied_at: '2031-01-01T00:00:00.000Z',
    });
  });

  it('refuses a database of a higher major with DatabaseVersionError and changes nothing', () => {
    const newer = openIn(dir).db;
    newer.prepare(`UPDATE schema_meta SET value = ? WHERE key = 'schema_major'`).run(String(SCHEMA_MAJOR + 1));
    newer.prepare(`DELETE FROM schema_migrations`).run();
    newer.close();

    const error: unknown = (() => {
      try {
        openIn(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DatabaseVersionError);
    expect(error).toMatchObject({ found: SCHEMA_MAJOR + 1, known: SCHEMA_MAJOR });
    expect((error as Error).message).toBe(
      `database schema major ${SCHEMA_MAJOR + 1} was written by a newer firmware; this agent reads major ${SCHEMA_MAJOR} only and leaves the database untouched`,
    );
    const check = new Database(join(dir, DATABASE_FILE), { readonly: true });
    const count = check.prepare('SELECT count(*) AS n FROM schema_migrations');
    NEVER_GARBAGE.push(count);
    expect(count.get()).toEqual({ n: 0 });
    check.close();
  });

  it('fails when the data directory does not exist', () => {
    expect(() => openIn(join(dir, 'missing'))).toThrow(/ENOENT/);
  });
});

describe('openMemoryDatabase', () => {
  it('gives a migrated database that lives in memory only', () => {
    const { db, migration } = openMemoryDatabase();
    expect(db.memory).toBe(true);
    expect(db.prepare('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 });
    expect(migration.applied).toEqual(MIGRATIONS.map((m) => m.id));
    expect(tables(db)).toContain('config_revisions');
    db.close();
  });
});

describe('statements', () => {
  it('are kept per SQL text for the life of the database, so the garbage collector never finalizes one', () => {
    const { db } = openMemoryDatabase();
    try {
      const first = db.prepare('SELECT 1 AS one');
      expect(db.prepare('SELECT 1 AS one')).toBe(first);
      expect(first.get()).toEqual({ one: 1 });
      expect(db.prepare('SELECT 2 AS two')).not.toBe(first);
    } finally {
      db.close();
    }
  });
});

describe('openDatabaseReadOnly', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-db-ro-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads what the database holds and refuses every write, as on a partition that takes none', () => {
    const { db } = openDatabase(dir);
    db.exec(`INSERT INTO schema_meta (key, value) VALUES ('test', 'kept')`);
    db.close();
    const readOnly = openDatabaseReadOnly(dir).db;
    expect(readOnly.prepare(`SELECT value FROM schema_meta WHERE key = 'test'`).get()).toEqual({ value: 'kept' });
    expect(() => readOnly.exec(`INSERT INTO schema_meta (key, value) VALUES ('more', 'x')`)).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    readOnly.close();
  });

  it('refuses a database of another major, and a missing one', () => {
    const { db } = openDatabase(dir);
    db.exec(`UPDATE schema_meta SET value = '${SCHEMA_MAJOR + 1}' WHERE key = 'schema_major'`);
    db.close();
    expect(() => openDatabaseReadOnly(dir)).toThrow(DatabaseVersionError);
    rmSync(join(dir, DATABASE_FILE));
    expect(() => openDatabaseReadOnly(dir)).toThrow(/ENOENT/);
  });
});

