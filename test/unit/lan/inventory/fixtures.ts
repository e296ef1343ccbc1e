// Shared test data for the inventory: the lab's TI segment (a /26 split into two /27 halves), and
// a memory database with the agent's schema and the inventory's repositories on it.
import { DeviceStore, openMemoryDatabase, ReachabilityStore, type Db } from '../../../../src/agent/store/index.ts';
import type { TiHalves } from '../../../../src/lan/inventory/index.ts';

export const HALVES: TiHalves = {
  lanHalf: '10.77.12.0/27',
  terminalHalf: '10.77.12.32/27',
  lanGateway: '10.77.12.1',
  terminalGateway: '10.77.12.33',
};

export function memoryDb(): Db {
  return openMemoryDatabase().db;
}

/** The inventory's repositories on `db`, as the composition root hands them over. */
export function inventoryStores(db: Db) {
  return { devices: () => new DeviceStore(db), reachability: () => new ReachabilityStore(db) };
}

/** A clock that starts at 2025-05-02 08:00 UTC and moves only when told. */
export function manualClock(start = '2025-05-02T08:00:00.000Z') {
  let ms = Date.parse(start);
  return {
    now: () => new Date(ms),
    advance: (by: number) => {
      ms += by;
    },
  };
}
