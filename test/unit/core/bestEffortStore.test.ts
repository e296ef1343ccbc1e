// Best-effort database work against a real SQLite database switched read-only (query_only) and
// filled up (max_page_count) while in use: the caller is never thrown at, the log gets one line per
// store and kind of failure, and the health warning follows the writes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMemoryDatabase, type Db } from '../../../src/agent/store/database.ts';
import { BestEffortStore } from '../../../src/core/bestEffortStore.ts';
import { Health } from '../../../src/core/health.ts';
import { createLogger } from '../../../src/core/log.ts';

describe('BestEffortStore', () => {
  let db: Db;
  let raw: string[];
  let health: Health;
  let store: BestEffortStore;
  const insert = (text = 'event') => () => void db.prepare('INSERT INTO events (text) VALUES (?)').run(text);
  const count = () => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  /** The log lines as `level store: message`, warn 40, info 30. */
  const logged = () =>
    raw.map((line) => JSON.parse(line) as { level: number; store: string; msg: string; err?: { code?: string } }).map((l) => `${l.level} ${l.store} ${l.err?.code ?? '-'}: ${l.msg.split(';')[0]}`);
  const warnings = () => health.list().map((w) => `${w.code}: ${w.detail}`);

  beforeEach(() => {
    // The agent's way of opening it: its statements never become garbage (database.ts says why).
    db = openMemoryDatabase().db;
    db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    raw = [];
    health = new Health(() => undefined);
    store = new BestEffortStore({ health, log: createLogger({ level: 'debug', destination: { write: (line: string) => void raw.push(line) } }) });
  });
  afterEach(() => db.close());

  it('turns failed writes into a warning and one log line, and clears the warning at the next write that succeeds', () => {
    expect(store.write('tunnel history', insert())).toBe(true);
    db.exec('PRAGMA query_only = ON');
    for (let i = 0; i < 5; i++) expect(store.write('tunnel history', insert())).toBe(false);
    expect(count()).toBe(1);
    expect(warnings()).toEqual(['database.notWritable: attempt to write a readonly database (SQLITE_READONLY)']);
    expect(health.list()[0]).toMatchObject({ severity: 'warning', impactsTi: false });
    expect(logged()).toEqual(['40 tunnel history SQLITE_READONLY: database write failed']);

    db.exec('PRAGMA query_only = OFF');
    expect(store.write('tunnel history', insert())).toBe(true);
    expect(warnings()).toEqual([]);
    expect(logged().slice(1)).toEqual(['30 tunnel history -: database write succeeded again']);

    // A new outage is news again.
    db.exec('PRAGMA query_only = ON');
    store.write('tunnel history', insert());
    expect(logged().slice(2)).toEqual(['40 tunnel history SQLITE_READONLY: database write failed']);
  });

  it('logs each kind of failure of each store once: read-only, then full', () => {
    db.exec('PRAGMA query_only = ON');
    store.write('tunnel history', insert());
    store.write('reachability history', insert());
    db.exec('PRAGMA query_only = OFF');
    db.exec(`PRAGMA max_page_count = ${(db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count}`);
    for (let i = 0; i < 3; i++) store.write('tunnel history', insert('x'.repeat(5_000)));
    expect(warnings()).toEqual(['database.notWritable: database or disk is full (SQLITE_FULL)']);
    expect(logged()).toEqual([
      '40 tunnel history SQLITE_READONLY: database write failed',
      '40 reachability history SQLITE_READONLY: database write failed',
      '40 tunnel history SQLITE_FULL: database write failed',
    ]);
  });

  it('answers undefined for a read that fails, logs it once and leaves health alone', () => {
    const read = () => store.read('tunnel history', () => db.prepare('SELECT text FROM events').all());
    expect(read()).toEqual([]);
    db.close();
    expect(read()).toBeUndefined();
    expect(read()).toBeUndefined();
    expect(logged()).toEqual(['40 tunnel history -: database read failed']);
    expect(JSON.parse(raw[0] ?? '{}')).toMatchObject({ err: { message: 'The database connection is not open' } });
    expect(warnings()).toEqual([]);
  });

  it('takes anything thrown, not only SQLite errors', () => {
    expect(store.write('tunnel history', () => {
      throw new Error('boom');
    })).toBe(false);
    expect(warnings()).toEqual(['database.notWritable: boom (Error)']);
  });
});
