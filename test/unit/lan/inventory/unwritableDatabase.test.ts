// The inventory's timers on a real SQLite database that stops taking writes (read-only) and one
// whose reads fail (an I/O error): the probes go on, transitions show from memory, the failures
// are logged and reported, and nothing escapes a timer (vitest fails a run on an unhandled
// rejection, which would end the agent on Node 24).
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeviceStore, ReachabilityStore, type Db } from '../../../../src/agent/store/index.ts';
import { BestEffortStore } from '../../../../src/core/bestEffortStore.ts';
import { Health } from '../../../../src/core/health.ts';
import { createLogger } from '../../../../src/core/log.ts';
import { DeviceInventory } from '../../../../src/lan/inventory/index.ts';
import type { ProbeResult } from '../../../../src/lan/inventory/reachability.ts';
import { HALVES, manualClock, memoryDb } from './fixtures.ts';

const KT = { kind: 'terminal', name: 'Empfang-KT', address: '10.77.12.40', mac: '02:00:5e:10:00:40', cetpPorts: [] } as const;

describe('the inventory while its database fails', () => {
  let db: Db;
  let health: Health;
  let lines: { level: number; msg: string; store?: string }[];
  let answering: boolean;
  /** While set, reading the registered devices fails as on a dying disk. */
  let readsFail: boolean;
  let inventory: DeviceInventory;
  const clock = manualClock();

  beforeEach(async () => {
    vi.useFakeTimers();
    db = memoryDb();
    health = new Health(() => undefined);
    lines = [];
    answering = true;
    readsFail = false;
    const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) } });
    const devices = new DeviceStore(db);
    inventory = new DeviceInventory({
      devices: () => ({
        list: () => {
          if (readsFail) throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_READ');
          return devices.list();
        },
        write: (actor, decide) => devices.write(actor, decide),
        audit: (limit) => devices.audit(limit),
      }),
      reachability: () => new ReachabilityStore(db),
      bestEffort: new BestEffortStore({ health, log }),
      halves: () => HALVES,
      ti: () => undefined,
      boxPorts: async () => [],
      interfaces: () => ['lan0', 'br-term'],
      neighbours: { read: async () => [], watch: () => () => undefined },
      probe: async (): Promise<ProbeResult> => (answering ? { ok: true } : { ok: false, detail: 'timeout' }),
      health,
      log,
      now: clock.now,
    });
    await inventory.register(KT, 'admin');
    await inventory.start(AbortSignal.timeout(1_000));
    await vi.advanceTimersByTimeAsync(0);
    expect(inventory.show(KT.name).reachability?.state).toBe('reachable');
  });

  afterEach(async () => {
    await inventory.stop();
    vi.useRealTimers();
    db.close();
  });

  /** Lets `rounds` reachability rounds (30 s each) pass. */
  const rounds = async (rounds: number) => {
    for (let i = 0; i < rounds; i++) {
      clock.advance(30_000);
      await vi.advanceTimersByTimeAsync(30_000);
    }
  };
  const warnings = () => health.list().map((w) => `${w.code}: ${w.detail}`);
  const stored = () => new ReachabilityStore(db).recent(1, 10).map((t) => t.state);

  it('goes on probing on a read-only database, shows the transitions from memory and writes again once it can', async () => {
    db.exec('PRAGMA query_only = ON');
    answering = false;
    await rounds(2);
    expect(inventory.show(KT.name).reachability?.state).toBe('unreachable');
    expect(inventory.reachabilityHistory(KT.name, 10).map((t) => t.state)).toEqual(['unreachable', 'reachable']);
    expect(stored()).toEqual(['reachable']);
    expect(warnings()).toEqual([
      'database.notWritable: attempt to write a readonly database (SQLITE_READONLY)',
      'terminal.unreachable: Empfang-KT (10.77.12.40)',
    ]);
    expect(lines.filter((l) => l.level === 40).map((l) => `${l.store}: ${l.msg.split(';')[0]}`)).toEqual(['reachability history: database write failed']);

    db.exec('PRAGMA query_only = OFF');
    answering = true;
    await rounds(1);
    expect(warnings()).toEqual([]);
    expect(stored()).toEqual(['reachable', 'reachable']);
    expect(inventory.reachabilityHistory(KT.name, 10).map((t) => t.state)).toEqual(['reachable', 'unreachable', 'reachable']);
  });

  it('logs the rounds and discovery passes that cannot read the registered devices, and goes on once it can', async () => {
    readsFail = true;
    answering = false;
    await rounds(2);
    expect(new Set(lines.filter((l) => l.level === 50).map((l) => l.msg))).toEqual(new Set(['reachability round failed', 'terminal discovery failed']));
    expect(inventory.status().state).toBe('running');
    readsFail = false;
    // Nothing was probed meanwhile: the terminal keeps the state it had.
    expect(inventory.show(KT.name).reachability?.state).toBe('reachable');
    await rounds(2);
    expect(inventory.show(KT.name).reachability?.state).toBe('unreachable');
  });
});
