// The config service's pending network changes on a real database in a temporary directory, in
// fake time: a network change is in force at once and pending; confirmed it stays, otherwise its
// deadline brings the previous values back, audited at each step; the deadline holds across a
// restart of the service, and a start after it rolls back before anyone reads the config.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigService } from '../../../../src/agent/config.ts';
import type { AgentEvents } from '../../../../src/agent/events.ts';
import { ControlActions } from '../../../../src/core/controlActions.ts';
import { EventBus } from '../../../../src/core/eventBus.ts';
import { Health } from '../../../../src/core/health.ts';
import { createLogger } from '../../../../src/core/log.ts';
import { tempDir } from '../../control/helpers.ts';

const START = new Date('2026-12-07T08:00:00.000Z');
const OLD = '169.254.77.1/16';
const NEW = '169.254.88.1/16';
const AS_CLI = { actor: 'local-cli' };

describe('pending network changes in the config service', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let health: Health;
  let changed: { revision: number; actor: string }[];
  let config: ConfigService;
  let actions: ControlActions;

  const service = () => {
    const bus = new EventBus<AgentEvents>(() => undefined);
    bus.on(changed, 'config.changed', (event) => void changed.push(event));
    const built = new ConfigService({ dataDir: dir, stateDir: join(dir, 'state'), health, bus, log: createLogger({ level: 'silent' }), setLogLevel: () => undefined });
    actions = new ControlActions();
    built.registerActions(actions);
    return built;
  };
  const fallback = () => config.current().config.interfaces.lanFallback;
  const audit = async () =>
    ((await actions.run('config.audit', {}, AS_CLI)) as { revision: number; actor: string; path: string; old: unknown; new: unknown; step?: string }[])
      .map((e) => [e.step ?? '-', e.revision, e.actor, e.path, e.old, e.new]);
  const stateFile = (name: string) => join(dir, 'state', name);

  beforeEach(async () => {
    vi.useFakeTimers({ now: START });
    ({ dir, cleanup } = await tempDir());
    changed = [];
    health = new Health(() => undefined);
    config = service();
    await config.start(AbortSignal.timeout(1_000));
  });
  afterEach(async () => {
    await config.stop();
    vi.useRealTimers();
    await cleanup();
  });

  it('puts a network change in force at once, pending, and tells its deadline', async () => {
    const result = await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } }, timeoutS: 30 }, AS_CLI);
    expect(result).toMatchObject({
      revision: 1,
      pending: { revision: 1, actor: 'local-cli', startedAt: START.toISOString(), deadline: '2026-12-07T08:00:30.000Z', paths: ['interfaces.lanFallback'], remainingS: 30 },
    });
    expect([fallback(), changed]).toEqual([NEW, [{ revision: 1, actor: 'local-cli' }]]);
    expect(health.list().map((w) => [w.code, w.detail])).toEqual([
      ['config.pending', 'revision 1 (interfaces.lanFallback) is rolled back at 2026-12-07T08:00:30.000Z unless confirmed'],
    ]);
    vi.advanceTimersByTime(10_000);
    expect(await actions.run('config.pending', {}, AS_CLI)).toMatchObject({ revision: 1, remainingS: 20 });
  });

  it('keeps a change confirmed before its deadline, and records who confirmed it', async () => {
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } }, timeoutS: 30 }, AS_CLI);
    vi.advanceTimersByTime(29_000);
    expect(await actions.run('config.confirm', { revision: 1 }, { actor: 'webui:admin' })).toMatchObject({ revision: 1, paths: ['interfaces.lanFallback'] });
    vi.advanceTimersByTime(60_000);
    expect([fallback(), config.current().revision, config.pending(), health.list()]).toEqual([NEW, 1, null, []]);
    expect(await audit()).toEqual([
      ['confirm', 1, 'webui:admin', 'interfaces.lanFallback', OLD, NEW],
      ['pending', 1, 'local-cli', 'interfaces.lanFallback', OLD, NEW],
    ]);
  });

  it('brings the previous values back by itself at the deadline, as a new revision audited as by the deadline', async () => {
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW, terminals: [] } }, timeoutS: 30 }, AS_CLI);
    vi.advanceTimersByTime(29_999);
    expect(fallback()).toBe(NEW);
    vi.advanceTimersByTime(1);
    expect([fallback(), config.current().config.interfaces.terminals, config.current().revision, config.pending(), health.list()]).toEqual([OLD, ['term0'], 2, null, []]);
    expect(changed.map((c) => [c.revision, c.actor])).toEqual([[1, 'local-cli'], [2, 'deadline']]);
    expect(await audit()).toEqual([
      ['rollback', 2, 'deadline', 'interfaces.terminals', [], ['term0']],
      ['rollback', 2, 'deadline', 'interfaces.lanFallback', NEW, OLD],
      ['pending', 1, 'local-cli', 'interfaces.terminals', ['term0'], []],
      ['pending', 1, 'local-cli', 'interfaces.lanFallback', OLD, NEW],
    ]);
  });

  it('rolls back when asked, before the deadline, in the name of who asked', async () => {
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } } }, AS_CLI);
    const result = await actions.run('config.rollback', {}, { actor: 'webui:admin' });
    expect(result).toMatchObject({ revision: 2, changes: [{ path: 'interfaces.lanFallback', old: NEW, new: OLD, actor: 'webui:admin', step: 'rollback' }] });
    expect([fallback(), config.pending()]).toEqual([OLD, null]);
  });

  it('waits 90 s when the caller names no deadline', async () => {
    const result = (await actions.run('config.commit', { change: { interfaces: { terminals: [] } } }, AS_CLI)) as { pending: { deadline: string } };
    expect(result.pending.deadline).toBe('2026-12-07T08:01:30.000Z');
    vi.advanceTimersByTime(89_999);
    expect(config.pending()).not.toBeNull();
    vi.advanceTimersByTime(1);
    expect(config.pending()).toBeNull();
  });

  it('refuses a second network change while one is pending, and one to a field it changed, saying which is pending', async () => {
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW }, box: { name: 'Praxis Nord' } }, timeoutS: 30 }, AS_CLI);
    for (const change of [{ interfaces: { terminals: [] } }, { box: { name: 'Praxis Süd' } }]) {
      await expect(actions.run('config.commit', { change }, AS_CLI)).rejects.toMatchObject({
        code: 'TIBOX_CONFIG_CHANGE_PENDING',
        status: 409,
        message: 'the change was refused: the network change of revision 1 (box.name, interfaces.lanFallback) awaits confirmation until 2026-12-07T08:00:30.000Z; confirm it or roll it back first',
      });
    }
    expect(config.current().revision).toBe(1);
  });

  it('takes a change elsewhere at once while one is pending, and the rollback leaves it', async () => {
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } }, timeoutS: 30 }, AS_CLI);
    expect(await actions.run('config.commit', { change: { box: { name: 'Praxis Nord' } } }, AS_CLI)).toMatchObject({ revision: 2 });
    expect(config.pending()).toMatchObject({ revision: 1 });
    vi.advanceTimersByTime(30_000);
    expect([fallback(), config.current().config.box.name]).toEqual([OLD, 'Praxis Nord']);
  });

  it('says in words that there is nothing to confirm or roll back, also once the deadline has rolled it back', async () => {
    await expect(actions.run('config.confirm', {}, AS_CLI)).rejects.toMatchObject({
      code: 'TIBOX_CONFIG_NOTHING_PENDING',
      message: 'nothing to confirm: no network change awaits confirmation (one not confirmed in time has been rolled back)',
    });
    await expect(actions.run('config.rollback', {}, AS_CLI)).rejects.toMatchObject({ message: expect.stringMatching(/^nothing to roll back: /) });
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } }, timeoutS: 30 }, AS_CLI);
    vi.advanceTimersByTime(30_000);
    await expect(actions.run('config.confirm', {}, AS_CLI)).rejects.toMatchObject({ code: 'TIBOX_CONFIG_NOTHING_PENDING' });
    expect(fallback()).toBe(OLD);
  });

  it('refuses to confirm another revision than the pending one', async () => {
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } } }, AS_CLI);
    await expect(actions.run('config.confirm', { revision: 4 }, AS_CLI)).rejects.toMatchObject({
      code: 'TIBOX_CONFIG_NOT_PENDING_REVISION',
      message: 'revision 4 does not await confirmation; revision 1 does',
    });
    expect(config.pending()).toMatchObject({ revision: 1 });
  });

  it.each([[4], [3_601], [1.5], ['30']])('refuses a deadline of %j seconds with the bounds, changing nothing', async (timeoutS) => {
    await expect(actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } }, timeoutS }, AS_CLI)).rejects.toMatchObject({
      code: 'TIBOX_BAD_REQUEST',
      message: 'bad request: timeoutS must be a whole number of seconds from 5 to 3600',
    });
    expect([config.current().revision, config.pending()]).toEqual([0, null]);
  });

  it('continues a pending change across a restart with the time left', async () => {
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } }, timeoutS: 30 }, AS_CLI);
    await config.stop();
    vi.advanceTimersByTime(20_000);
    config = service();
    await config.start(AbortSignal.timeout(1_000));
    expect([fallback(), config.pending()?.remainingS]).toEqual([NEW, 10]);
    vi.advanceTimersByTime(10_000);
    expect([fallback(), config.pending()]).toEqual([OLD, null]);
  });

  it('rolls back at start, before the config is read, when the deadline passed while it was stopped', async () => {
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } }, timeoutS: 30 }, AS_CLI);
    await config.stop();
    vi.advanceTimersByTime(3_600_000);
    changed = [];
    config = service();
    await config.start(AbortSignal.timeout(1_000));
    expect([fallback(), config.current().revision, config.pending(), health.list()]).toEqual([OLD, 2, null, []]);
    expect((await audit())[0]).toEqual(['rollback', 2, 'deadline', 'interfaces.lanFallback', NEW, OLD]);
  });

  it('rolls back at start when the clock reads earlier than the change was made', async () => {
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } }, timeoutS: 30 }, AS_CLI);
    await config.stop();
    vi.setSystemTime(new Date(START.getTime() - 60_000));
    config = service();
    await config.start(AbortSignal.timeout(1_000));
    expect([fallback(), config.pending()]).toEqual([OLD, null]);
  });

  it('tries a rollback the database did not take again, and says meanwhile that the change outlived its deadline', async () => {
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } }, timeoutS: 30 }, AS_CLI);
    config.database()?.exec('PRAGMA query_only = ON');
    vi.advanceTimersByTime(30_000);
    expect([fallback(), config.pending()?.revision]).toEqual([NEW, 1]);
    expect(health.list().map((w) => [w.code, w.detail])).toEqual([
      ['config.pending', expect.stringMatching(/^revision 1 \(interfaces\.lanFallback\) passed its deadline 2026-12-07T08:00:30\.000Z and could not be rolled back: the change could not be saved/)],
    ]);
    config.database()?.exec('PRAGMA query_only = OFF');
    vi.advanceTimersByTime(30_000);
    expect([fallback(), config.pending(), health.list()]).toEqual([OLD, null, []]);
  });

  it('keeps the state files of the confirmed config aside while a change is pending, and drops them at its end', async () => {
    mkdirSync(join(dir, 'state'), { recursive: true });
    writeFileSync(stateFile('ruleset.nft'), 'confirmed ruleset\n');
    const kept = join(dir, 'state', 'confirmed');
    await actions.run('config.commit', { change: { interfaces: { lanFallback: NEW } }, timeoutS: 30 }, AS_CLI);
    expect(readFileSync(join(kept, 'ruleset.nft'), 'utf8')).toBe('confirmed ruleset\n');
    expect(JSON.parse(readFileSync(join(kept, 'kept.json'), 'utf8'))).toEqual({ kept: ['ruleset.nft'] });
    await actions.run('config.confirm', {}, AS_CLI);
    expect(existsSync(kept)).toBe(false);

    await actions.run('config.commit', { change: { interfaces: { lanFallback: OLD } }, timeoutS: 30 }, AS_CLI);
    expect(existsSync(kept)).toBe(true);
    vi.advanceTimersByTime(30_000);
    expect(existsSync(kept)).toBe(false);
  });

  it('makes no pending change where a non-network change is all there is', async () => {
    expect(await actions.run('config.commit', { change: { box: { name: 'Praxis Nord' } } }, AS_CLI)).toEqual({
      revision: 1, changes: [expect.objectContaining({ path: 'box.name', actor: 'local-cli' })],
    });
    expect([config.pending(), existsSync(join(dir, 'state', 'confirmed'))]).toEqual([null, false]);
  });
});
