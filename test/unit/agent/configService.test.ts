// The config service on a real database file that stops taking writes while the agent runs: a
// change is refused with the catalogue's error, so the caller knows it was not saved, and the
// config in force stays the stored one.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigService } from '../../../src/agent/config.ts';
import type { AgentEvents } from '../../../src/agent/events.ts';
import { EventBus } from '../../../src/core/eventBus.ts';
import { Health } from '../../../src/core/health.ts';
import { createLogger } from '../../../src/core/log.ts';
import { tempDir } from '../control/helpers.ts';

describe('ConfigService on a database that takes no writes', () => {
  let cleanup: () => Promise<void>;
  let config: ConfigService;
  let changes: number[];

  beforeEach(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    changes = [];
    const log = createLogger({ level: 'silent' });
    const bus = new EventBus<AgentEvents>(() => undefined);
    bus.on(changes, 'config.changed', ({ revision }) => void changes.push(revision));
    config = new ConfigService({ dataDir: temp.dir, stateDir: join(temp.dir, 'state'), health: new Health(() => undefined), bus, log, setLogLevel: () => undefined });
    await config.start(AbortSignal.timeout(1_000));
  });
  afterEach(async () => {
    await config.stop();
    await cleanup();
  });

  it('refuses a change with TIBOX_STORE_WRITE_FAILED, keeps the config in force, and takes it once it can write', () => {
    config.database()?.exec('PRAGMA query_only = ON');
    expect(() => config.commit({ tunnel: { enabled: false } }, 'local-cli')).toThrow(
      expect.objectContaining({ code: 'TIBOX_STORE_WRITE_FAILED', status: 503, message: expect.stringContaining('attempt to write a readonly database, SQLITE_READONLY') }),
    );
    expect([config.current().revision, config.current().config.tunnel.enabled, changes]).toEqual([0, true, []]);

    config.database()?.exec('PRAGMA query_only = OFF');
    expect(config.commit({ tunnel: { enabled: false } }, 'local-cli').revision).toBe(1);
    expect([config.current().config.tunnel.enabled, changes]).toEqual([false, [1]]);
  });
});
