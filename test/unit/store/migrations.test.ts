import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseVersionError, migrate, MIGRATIONS, type Migration } from '../../../src/agent/store/migrations.ts';
import { ActionAuditStore } from '../../../src/agent/store/actionAuditStore.ts';
import { TunnelHistoryStore } from '../../../src/agent/store/tunnelHistoryStore.ts';

const clock = () => new Date('2025-03-01T08:00:00.000Z');

describe('migrate', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => db.close());

  const applied = () => db.prepare('SELECT id, applied_at FROM schema_migrations ORDER BY id').all();

  it('applies the missing migrations in list order and records each', () => {
    const first: Migration[] = [{ id: '0001-a', sql: 'CREATE TABLE a (x TEXT)' }];
    expect(migrate(db, first, 1, clock)).toEqual({ applied: ['0001-a'], unknown: [] });
    const both = [...first, { id: '0002-b', sql: 'ALTER TABLE a ADD COLUMN y TEXT' }];
    expect(migrate(db, both, 1, clock)).toEqual({ applied: ['0002-b'], unknown: [] });
    expect(migrate(db, both, 1, clock)).toEqual({ applied: [], unknown: [] });
    expect(applied()).toEqual([
      { id: '0001-a', applied_at: '2025-03-01T08:00:00.000Z' },
      { id: '0002-b', applied_at: '2025-03-01T08:00:00.000Z' },
    ]);
    expect(db.prepare(`SELECT value FROM schema_meta WHERE key = 'schema_major'`).get()).toEqual({ value: '1' });
  });

  it('applies all or nothing: a failing migration leaves no trace of the ones before it', () => {
    const list: Migration[] = [
      { id: '0001-a', sql: 'CREATE TABLE a (x TEXT)' },
      { id: '0002-broken', sql: 'ALTER TABLE missing ADD COLUMN y TEXT' },
    ];
    expect(() => migrate(db, list, 1, clock)).toThrow(/no such table: missing/);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all()).toEqual([]);
  });

  it('refuses a major it does not know, lower or higher, without applying anything', () => {
    migrate(db, [], 3, clock);
    for (const major of [2, 4]) {
      const error = (() => {
        try {
          migrate(db, [{ id: '0001-a', sql: 'CREATE TABLE a (x TEXT)' }], major, clock);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DatabaseVersionError);
      expect(error).toMatchObject({ found: 3, known: major });
    }
    expect(new DatabaseVersionError(0, 1).message).toMatch(/^database schema major 0 is not one this firmware knows;/);
    expect(applied()).toEqual([]);
  });

  it('refuses a list that names an id twice', () => {
    const twice: Migration[] = [
      { id: '0001-a', sql: 'CREATE TABLE a (x TEXT)' },
      { id: '0001-a', sql: 'CREATE TABLE b (x TEXT)' },
    ];
    expect(() => migrate(db, twice, 1, clock)).toThrow('migration id 0001-a is listed twice');
  });
});

describe('MIGRATIONS', () => {
  // An older agent on the shared data partition must still work after a newer one migrated.
  it.each(MIGRATIONS.map((m) => [m.id, m.sql]))('%s is additive only', (_id, sql) => {
    expect(sql).not.toMatch(/\b(DROP|RENAME|DELETE|UPDATE)\b/i);
  });

  it('leave a database an agent before 0004-pending-change still writes and reads its audit log in', () => {
    const db = new Database(':memory:');
    try {
      migrate(db, MIGRATIONS, 1, clock);
      const at = MIGRATIONS.findIndex((m) => m.id === '0004-pending-change');
      expect(migrate(db, MIGRATIONS.slice(0, at), 1, clock)).toEqual({ applied: [], unknown: MIGRATIONS.slice(at).map((m) => m.id) });
      // The older agent's own statements, as it ran them.
      db.prepare('INSERT INTO config_revisions (revision, committed_at, actor, config) VALUES (?, ?, ?, ?)').run(1, '2025-03-01T08:00:00.000Z', 'local-cli', '{}');
      db.prepare('INSERT INTO config_audit (revision, at, actor, path, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)').run(1, '2025-03-01T08:00:00.000Z', 'local-cli', 'box.name', '"a"', '"b"');
      expect(db.prepare('SELECT revision, at, actor, path, old_value, new_value FROM config_audit ORDER BY id DESC LIMIT ?').all(5)).toEqual([
        { revision: 1, at: '2025-03-01T08:00:00.000Z', actor: 'local-cli', path: 'box.name', old_value: '"a"', new_value: '"b"' },
      ]);
    } finally {
      db.close();
    }
  });

  it('leave a database an agent before 0005-tunnel-evidence still writes and reads its tunnel history in', () => {
    const db = new Database(':memory:');
    try {
      migrate(db, MIGRATIONS, 1, clock);
      // The older agent's own statements, as it ran them; the newer one reads its rows without evidence.
      db.prepare('INSERT INTO tunnel_history (at, state, gateway, reason) VALUES (?, ?, ?, ?)').run('2025-03-01T08:00:00.000Z', 'up', '192.0.2.10', null);
      expect(db.prepare('SELECT at, state, gateway, reason FROM tunnel_history ORDER BY id DESC LIMIT ?').all(5)).toEqual([
        { at: '2025-03-01T08:00:00.000Z', state: 'up', gateway: '192.0.2.10', reason: null },
      ]);
      expect(new TunnelHistoryStore(db).recent(5)).toEqual([{ at: '2025-03-01T08:00:00.000Z', state: 'up', gateway: '192.0.2.10' }]);
    } finally {
      db.close();
    }
  });

  it('leave a database an agent before 0006-action-audit still opens and commits in', () => {
    const db = new Database(':memory:');
    try {
      migrate(db, MIGRATIONS, 1, clock);
      const older = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.id === '0006-action-audit'));
      expect(migrate(db, older, 1, clock)).toEqual({ applied: [], unknown: ['0006-action-audit', '0007-webui-accounts', '0008-webui-logins'] });
      new ActionAuditStore(db).record({ at: '2025-03-01T08:00:00.000Z', actor: 'webui:admin', action: 'profile.import', detail: { boxId: 'box-1' } });
      expect(new ActionAuditStore(db).recent(5)).toEqual([{ at: '2025-03-01T08:00:00.000Z', actor: 'webui:admin', action: 'profile.import', detail: { boxId: 'box-1' } }]);
    } finally {
      db.close();
    }
  });

  it('have unique ids of the form NNNN-name, in ascending order', () => {
    const ids = MIGRATIONS.map((m) => m.id);
    for (const id of ids) expect(id).toMatch(/^\d{4}-[a-z0-9-]+$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
