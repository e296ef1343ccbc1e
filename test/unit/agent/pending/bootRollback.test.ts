// The boot's first step on a data directory the config service left: an expired pending change is
// rolled back in the database, audited as by the boot, and the state files the boot then loads are
// the confirmed config's again; a change still within its deadline, or none, leaves all as it is.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigService } from '../../../../src/agent/config.ts';
import type { AgentEvents } from '../../../../src/agent/events.ts';
import { rollBackExpiredChange } from '../../../../src/agent/pending/bootRollback.ts';
import { restoreConfirmedState } from '../../../../src/agent/pending/confirmedState.ts';
import { CONFIG_SCHEMA, ConfigStore, openDatabase, PendingStore } from '../../../../src/agent/store/index.ts';
import { EventBus } from '../../../../src/core/eventBus.ts';
import { Health } from '../../../../src/core/health.ts';
import { createLogger } from '../../../../src/core/log.ts';
import { tempDir } from '../../control/helpers.ts';

const START = new Date('2026-12-07T08:00:00.000Z');
const at = (seconds: number) => () => new Date(START.getTime() + seconds * 1000);
const log = createLogger({ level: 'silent' });

describe('rollBackExpiredChange at boot', () => {
  let dir: string;
  let stateDir: string;
  let cleanup: () => Promise<void>;
  const state = (name: string) => join(stateDir, name);

  /** The agent commits a change of the fallback address; the state files then hold its config. */
  async function pendingChange(): Promise<void> {
    const config = new ConfigService({
      dataDir: dir, stateDir, health: new Health(() => undefined), bus: new EventBus<AgentEvents>(() => undefined), log, setLogLevel: () => undefined, now: at(0),
    });
    await config.start(AbortSignal.timeout(1_000));
    config.commit({ interfaces: { lanFallback: '169.254.88.1/16' } }, 'local-cli', { timeoutS: 30 });
    await config.stop();
    writeFileSync(state('ruleset.nft'), 'pending ruleset\n');
    writeFileSync(state('lan-links.json'), 'pending links\n');
  }
  const stored = () => {
    const { db } = openDatabase(dir);
    try {
      const store = new ConfigStore({ db, schema: CONFIG_SCHEMA });
      return { fallback: store.load().config.interfaces.lanFallback, pending: new PendingStore(db).get()?.revision ?? null, newest: store.audit({ limit: 1 })[0] };
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    stateDir = join(dir, 'state');
    mkdirSync(stateDir);
    writeFileSync(state('ruleset.nft'), 'confirmed ruleset\n');
    writeFileSync(state('ti-routes.json'), 'routes\n');
  });
  afterEach(async () => {
    await cleanup();
  });

  it('rolls back an expired change: the confirmed state files first, then the database, audited as by the boot', async () => {
    await pendingChange();
    expect(await rollBackExpiredChange(dir, stateDir, log, at(31))).toEqual({ kind: 'rolledBack', revision: 1, rollbackRevision: 2 });
    expect(readFileSync(state('ruleset.nft'), 'utf8')).toBe('confirmed ruleset\n');
    // The confirmed config had no LAN links recorded yet: the boot restores none.
    expect(existsSync(state('lan-links.json'))).toBe(false);
    // What no network key shapes is left alone.
    expect(readFileSync(state('ti-routes.json'), 'utf8')).toBe('routes\n');
    expect(existsSync(state('confirmed'))).toBe(false);
    expect(stored()).toEqual({
      fallback: '169.254.77.1/16', pending: null,
      newest: expect.objectContaining({ revision: 2, actor: 'boot', step: 'rollback', path: 'interfaces.lanFallback', old: '169.254.88.1/16', new: '169.254.77.1/16' }),
    });
  });

  it('repeats what is left when a boot was cut short after the files', async () => {
    await pendingChange();
    // As a first boot that died after restoring the files: they are in place, the database not yet rolled back.
    expect(await restoreConfirmedState(stateDir, log)).toBe(true);
    expect([readFileSync(state('ruleset.nft'), 'utf8'), stored().pending]).toEqual(['confirmed ruleset\n', 1]);
    expect(await rollBackExpiredChange(dir, stateDir, log, at(120))).toMatchObject({ kind: 'rolledBack', revision: 1 });
    expect([readFileSync(state('ruleset.nft'), 'utf8'), stored().fallback]).toEqual(['confirmed ruleset\n', '169.254.77.1/16']);
  });

  it('leaves a change within its deadline pending, and its state files as they are', async () => {
    await pendingChange();
    expect(await rollBackExpiredChange(dir, stateDir, log, at(29))).toEqual({ kind: 'pending', revision: 1, remainingMs: 1_000 });
    expect([readFileSync(state('ruleset.nft'), 'utf8'), stored().fallback, stored().pending]).toEqual(['pending ruleset\n', '169.254.88.1/16', 1]);
    expect(existsSync(state('confirmed'))).toBe(true);
  });

  it('does nothing without a database, and creates none', async () => {
    expect(await rollBackExpiredChange(dir, stateDir, log, at(0))).toEqual({ kind: 'none' });
    expect(existsSync(join(dir, 'tibox.db'))).toBe(false);
  });
});
