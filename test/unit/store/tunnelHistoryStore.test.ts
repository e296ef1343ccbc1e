import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMemoryDatabase, type Db } from '../../../src/agent/store/database.ts';
import { TUNNEL_HISTORY_KEPT, TunnelHistoryStore } from '../../../src/agent/store/tunnelHistoryStore.ts';

describe('TunnelHistoryStore', () => {
  let db: Db;
  let store: TunnelHistoryStore;
  beforeEach(() => {
    db = openMemoryDatabase().db;
    store = new TunnelHistoryStore(db);
  });
  afterEach(() => db.close());

  it('gives the events back newest first, optional fields only where they were given', () => {
    store.append({ at: '2025-05-02T08:00:00.000Z', state: 'connecting' });
    store.append({ at: '2025-05-02T08:00:01.000Z', state: 'up', gateway: '192.0.2.10' });
    store.append({ at: '2025-05-02T08:05:00.000Z', state: 'backoff', gateway: '192.0.2.10', reason: 'dpd', evidence: 'heartbeat' });
    expect(store.recent(2)).toEqual([
      { at: '2025-05-02T08:05:00.000Z', state: 'backoff', gateway: '192.0.2.10', reason: 'dpd', evidence: 'heartbeat' },
      { at: '2025-05-02T08:00:01.000Z', state: 'up', gateway: '192.0.2.10' },
    ]);
    expect(store.recent(10).map((e) => e.state)).toEqual(['backoff', 'up', 'connecting']);
  });

  it('keeps only the newest rows', () => {
    const at = (i: number) => new Date(Date.UTC(2025, 4, 2) + i * 1000).toISOString();
    for (let i = 0; i < TUNNEL_HISTORY_KEPT + 3; i++) store.append({ at: at(i), state: 'up' });
    expect((db.prepare('SELECT count(*) AS n FROM tunnel_history').get() as { n: number }).n).toBe(TUNNEL_HISTORY_KEPT);
    const all = store.recent(TUNNEL_HISTORY_KEPT + 10);
    expect([all.length, all[0]?.at, all.at(-1)?.at]).toEqual([TUNNEL_HISTORY_KEPT, at(TUNNEL_HISTORY_KEPT + 2), at(3)]);
  });
});
