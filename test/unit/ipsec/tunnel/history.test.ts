import { describe, expect, it } from 'vitest';
import { BestEffortStore } from '../../../../src/core/bestEffortStore.ts';
import { Health } from '../../../../src/core/health.ts';
import { createLogger } from '../../../../src/core/log.ts';
import { StoredTunnelHistory } from '../../../../src/ipsec/tunnel/history.ts';
import type { TunnelHistoryRepository } from '../../../../src/ipsec/tunnel/historyRepository.ts';
import type { TunnelEvent } from '../../../../src/ipsec/tunnel/status.ts';

/** A repository that keeps events in an array, newest last. */
function arrayRepository(): TunnelHistoryRepository & { events: TunnelEvent[] } {
  const events: TunnelEvent[] = [];
  return { events, append: (event) => void events.push(event), recent: (limit) => events.slice(-limit).reverse() };
}

const store = () => new BestEffortStore({ health: new Health(() => undefined), log: createLogger({ level: 'silent' }) });

const event = (minute: number): TunnelEvent => ({ at: `2025-05-02T08:${String(minute).padStart(2, '0')}:00.000Z`, state: minute % 2 ? 'up' : 'connecting' });

describe('StoredTunnelHistory', () => {
  it('writes to the repository and reads from it while the database is open', () => {
    const repository = arrayRepository();
    const history = new StoredTunnelHistory(() => repository, store());
    history.record(event(0));
    history.record(event(1));
    expect(repository.events).toEqual([event(0), event(1)]);
    repository.events.push(event(2));
    expect(history.recent(2)).toEqual([event(2), event(1)]);
  });

  it('answers from the newest 50 events in memory while the database is closed', () => {
    let repository: TunnelHistoryRepository | undefined = arrayRepository();
    const history = new StoredTunnelHistory(() => repository, store());
    for (let minute = 0; minute < 55; minute++) history.record(event(minute));
    repository = undefined;
    history.record(event(55));
    expect(history.recent(3)).toEqual([event(55), event(54), event(53)]);
    expect(history.recent(100).map((e) => e.at)).toEqual(Array.from({ length: 50 }, (_, i) => event(55 - i).at));
  });
});
