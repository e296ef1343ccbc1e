// The tunnel controller with its history in a real SQLite database that stops taking writes while
// the tunnel runs (read-only, then full, as on a failing data partition): the tunnel comes up,
// fails over and restarts as if nothing were wrong, each state change shows in the status and the
// log, and the health warning says the history is not being kept until a write succeeds again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openMemoryDatabase, TunnelHistoryStore, type Db } from '../../../../src/agent/store/index.ts';
import { BestEffortStore, Health } from '../../../../src/core/index.ts';
import { TunnelController } from '../../../../src/ipsec/tunnel/controller.ts';
import { StoredTunnelHistory } from '../../../../src/ipsec/tunnel/history.ts';
import { FakeCharon } from './fakeCharon.ts';
import { FakeProcesses, FakeRoutes, memoryLog } from './fakeOs.ts';
import { GW0, GW1, PROBE, PROFILE } from './profile.ts';

type Event = { state: string; gateway?: string | undefined };
const line = (e: Event) => `${e.state}${e.gateway ? ` ${e.gateway}` : ''}`;

describe('the tunnel while its history cannot be written', () => {
  let db: Db;
  let health: Health;
  let procs: FakeProcesses;
  let charon: FakeCharon;
  let logLines: ReturnType<typeof memoryLog>['lines'];
  let controller: TunnelController;

  beforeEach(async () => {
    vi.useFakeTimers({ now: new Date('2025-05-02T08:00:00.000Z') });
    db = openMemoryDatabase().db;
    health = new Health(() => undefined);
    procs = new FakeProcesses();
    charon = new FakeCharon();
    const { log, lines } = memoryLog();
    logLines = lines;
    controller = new TunnelController({
      vici: charon,
      routes: new FakeRoutes(),
      tunnelPath: (p) => ({ kind: 'libipsec', dev: 'ipsec0', src: p.localTiAddress }),
      startProcess: procs.start,
      history: new StoredTunnelHistory(() => new TunnelHistoryStore(db), new BestEffortStore({ health, log })),
      health,
      log,
      random: () => 0.5,
    });
    await controller.start(new AbortController().signal);
  });

  afterEach(async () => {
    const stopping = controller.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    await stopping;
    vi.useRealTimers();
    db.close();
  });

  /** Lets time pass in 50 ms steps with the practice sending into the tunnel, its answers and the probe's echoes back or not. */
  const run = async (ms: number, flow: boolean) => {
    for (let t = 0; t < ms; t += 50) {
      charon.carry(flow);
      if (flow) procs.reply(PROBE);
      await vi.advanceTimersByTimeAsync(50);
    }
  };
  const shown = () => controller.tunnelStatus().history.map(line).reverse();
  const stored = () => new TunnelHistoryStore(db).recent(100).map(line).reverse();
  const logged = (msg: string) => logLines.filter((l) => l.msg === msg);
  const warnings = () => health.list().map((w) => `${w.code}: ${w.detail}`);

  it('comes up, fails over and restarts on a read-only database, and writes again once it can', async () => {
    db.exec('PRAGMA query_only = ON');
    await controller.apply({ profile: PROFILE });
    await run(100, true);
    expect(controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW0 });
    // A stall with the WAN up: make-before-break to the other gateway, as with a healthy database.
    await run(300, false);
    procs.reply(GW0);
    await vi.advanceTimersByTimeAsync(0);
    await run(100, true);
    expect(controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW1 });
    await controller.restart();
    await run(100, true);

    const run1 = [`connecting ${GW0}`, `up ${GW0}`, `connecting ${GW1}`, `up ${GW1}`, `connecting ${GW0}`, `up ${GW0}`];
    expect(shown()).toEqual(run1);
    expect(logged('tunnel state').map((l) => line(l as unknown as Event))).toEqual(run1);
    expect(stored()).toEqual([]);
    expect(warnings()).toEqual(['database.notWritable: attempt to write a readonly database (SQLITE_READONLY)']);
    // Six failed writes, one line.
    expect(logLines.filter((l) => l.level === 40 && l.msg.startsWith('database write failed')).map((l) => l.store)).toEqual(['tunnel history']);

    db.exec('PRAGMA query_only = OFF');
    await controller.restart();
    await run(100, true);
    expect(warnings()).toEqual([]);
    // restart() builds anew on the next gateway.
    expect(stored()).toEqual([`connecting ${GW1}`, `up ${GW1}`]);
    // What could not be written is still shown, in its place.
    expect(shown()).toEqual([...run1, `connecting ${GW1}`, `up ${GW1}`]);
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('comes up on a full database', async () => {
    const store = new TunnelHistoryStore(db);
    db.exec(`PRAGMA max_page_count = ${(db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count}`);
    // Fill what is left of the last page, as a full data partition leaves nothing.
    expect(() => {
      for (let i = 0; i < 10_000; i++) store.append({ at: new Date(0).toISOString(), state: 'disabled', reason: 'filling' });
    }).toThrow('database or disk is full');
    const filled = stored().length;

    await controller.apply({ profile: PROFILE });
    await run(100, true);
    expect(controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW0 });
    expect(shown().slice(-2)).toEqual([`connecting ${GW0}`, `up ${GW0}`]);
    expect(stored().length).toBe(filled);
    expect(warnings()).toEqual(['database.notWritable: database or disk is full (SQLITE_FULL)']);
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
