// A history on a store that fails while the test says so: events are never lost from the answer
// while they are in memory, and the store answers alone again once memory holds nothing it lacks.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BestEffortStore } from '../../../src/core/bestEffortStore.ts';
import { Health } from '../../../src/core/health.ts';
import { createLogger } from '../../../src/core/log.ts';
import { MemoryBackedHistory } from '../../../src/core/memoryBackedHistory.ts';

/** Rows newest last, as a table ordered by id; writes throw as a read-only database does while `failing`. */
function fakeTable(rows: string[] = []) {
  const table = {
    rows,
    failing: false,
    readFails: false,
    append(event: string) {
      if (table.failing) throw new Database.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
      rows.push(event);
    },
    recent(limit: number) {
      if (table.readFails) throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR');
      return rows.slice(-limit).reverse();
    },
  };
  return table;
}

function history(kept = 5) {
  const health = new Health(() => undefined);
  const store = new BestEffortStore({ health, log: createLogger({ level: 'silent' }) });
  return { health, events: new MemoryBackedHistory<string>({ store, name: 'test history', kept }) };
}

describe('MemoryBackedHistory', () => {
  it('answers from the database alone while every write reaches it, rows of an earlier run included', () => {
    const table = fakeTable(['earlier run']);
    const { events } = history();
    events.record('a', (e) => table.append(e));
    events.record('b', (e) => table.append(e));
    expect(events.recent(10, (n) => table.recent(n))).toEqual(['b', 'a', 'earlier run']);
  });

  it('shows what could not be written, before the older rows, and keeps showing it after writes work again', () => {
    const table = fakeTable(['old 1', 'old 2']);
    const { events, health } = history();
    const write = (e: string) => table.append(e);
    const read = (n: number) => table.recent(n);
    events.record('a', write);
    table.failing = true;
    events.record('b', write);
    events.record('c', write);
    expect(health.list().map((w) => w.code)).toEqual(['database.notWritable']);
    expect(events.recent(10, read)).toEqual(['c', 'b', 'a', 'old 2', 'old 1']);
    expect(events.recent(4, read)).toEqual(['c', 'b', 'a', 'old 2']);
    expect(events.recent(2, read)).toEqual(['c', 'b']);

    table.failing = false;
    events.record('d', write);
    expect(health.list()).toEqual([]);
    expect(table.rows).toEqual(['old 1', 'old 2', 'a', 'd']);
    expect(events.recent(10, read)).toEqual(['d', 'c', 'b', 'a', 'old 2', 'old 1']);
    // Once the unwritten ones have left memory (5 kept) the table answers alone; they are lost.
    for (const e of ['e', 'f', 'g']) events.record(e, write);
    expect(events.recent(10, read)).toEqual(['g', 'f', 'e', 'd', 'c', 'a', 'old 2', 'old 1']);
    events.record('h', write);
    expect(events.recent(10, read)).toEqual(['h', 'g', 'f', 'e', 'd', 'a', 'old 2', 'old 1']);
  });

  it('answers from memory while the database is closed or cannot be read', () => {
    const table = fakeTable(['old']);
    const { events } = history();
    events.record('a', undefined);
    expect(events.recent(10, undefined)).toEqual(['a']);
    events.record('b', (e) => table.append(e));
    table.readFails = true;
    expect(events.recent(10, (n) => table.recent(n))).toEqual(['b', 'a']);
  });

  it('reads one subject among several, e.g. one terminal of many', () => {
    const table = fakeTable(['1:old', '2:old']);
    const { events } = history();
    const write = (e: string) => table.append(e);
    const ofOne = (n: number) => table.recent(100).filter((e) => e.startsWith('1:')).slice(0, n);
    const isOne = (e: string) => e.startsWith('1:');
    events.record('1:a', write);
    events.record('2:a', write);
    table.failing = true;
    events.record('1:b', write);
    events.record('2:b', write);
    expect(events.recent(10, ofOne, isOne)).toEqual(['1:b', '1:a', '1:old']);
  });
});
