import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMemoryDatabase, type Db } from '../../../src/agent/store/database.ts';
import { REACHABILITY_KEPT, ReachabilityStore } from '../../../src/agent/store/reachabilityStore.ts';

const at = (second: number) => new Date(Date.UTC(2025, 4, 2, 8) + second * 1000).toISOString();

describe('ReachabilityStore', () => {
  let db: Db;
  let store: ReachabilityStore;
  beforeEach(() => {
    db = openMemoryDatabase().db;
    store = new ReachabilityStore(db);
  });
  afterEach(() => db.close());

  it("gives each terminal's transitions back newest first, a detail only where one was given", () => {
    store.record(1, { at: at(0), state: 'reachable' });
    store.record(2, { at: at(1), state: 'unreachable', detail: 'ECONNREFUSED' });
    store.record(1, { at: at(2), state: 'unreachable', detail: 'timeout' });
    store.record(1, { at: at(3), state: 'reachable' });
    expect(store.recent(1, 2)).toEqual([
      { at: at(3), state: 'reachable' },
      { at: at(2), state: 'unreachable', detail: 'timeout' },
    ]);
    expect(store.recent(1, 10).map((t) => t.at)).toEqual([at(3), at(2), at(0)]);
    expect(store.recent(2, 10)).toEqual([{ at: at(1), state: 'unreachable', detail: 'ECONNREFUSED' }]);
    expect(store.recent(3, 10)).toEqual([]);
  });

  it('keeps only the newest rows over all terminals', () => {
    for (let i = 0; i < REACHABILITY_KEPT + 4; i++) store.record(i % 2 === 0 ? 1 : 2, { at: at(i), state: i % 4 < 2 ? 'reachable' : 'unreachable' });
    expect((db.prepare('SELECT count(*) AS n FROM terminal_reachability').get() as { n: number }).n).toBe(REACHABILITY_KEPT);
    const first = store.recent(1, REACHABILITY_KEPT);
    const second = store.recent(2, REACHABILITY_KEPT);
    expect([first.length, first[0]?.at, first.at(-1)?.at]).toEqual([REACHABILITY_KEPT / 2, at(REACHABILITY_KEPT + 2), at(4)]);
    expect([second.length, second[0]?.at, second.at(-1)?.at]).toEqual([REACHABILITY_KEPT / 2, at(REACHABILITY_KEPT + 3), at(5)]);
  });
});
