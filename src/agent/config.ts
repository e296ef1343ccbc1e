// The agent's configuration service: opens the database, loads the effective config, raises the
// health warnings the store reports, commits changes as audited transactions and offers them
// as control actions. The agent's log level follows the effective config, from its load on. A database the agent cannot use never stops it: it runs on defaults in
// memory and says so, so the box stays reachable for support and remote management.
import {
  TiboxError, StateTracker, type EventBus, type Health, type Logger, type ControlActions, type Lifecycle, type SubsystemStatus,
} from '../core/index.ts';
import type { AgentEvents } from './events.ts';
import {
  asWriteFailure, CONFIG_SCHEMA, ConfigStore, ConfigValidationError, DatabaseVersionError, describeSchema, openDatabase, openDatabaseReadOnly, openMemoryDatabase,
  plannerProblems,
  type AuditEntry, type Config, type DeepPartial, type Db,
} from './store/index.ts';

export interface ConfigServiceDeps {
  dataDir: string;
  health: Health;
  bus: EventBus<AgentEvents>;
  log: Logger;
  /** Sets the agent's log level: to the loaded config's at start, then at every commit that changes it. */
  setLogLevel: (level: Config['log']['level']) => void;
  now?: () => Date;
}

export class ConfigService implements Lifecycle {
  readonly name = 'config';
  private readonly deps: ConfigServiceDeps;
  private readonly state: StateTracker;
  private db: Db | undefined;
  private store: ConfigStore<typeof CONFIG_SCHEMA> | undefined;
  private effective: { config: Config; revision: number } | undefined;
  /** Why a commit is refused at once: the database in use cannot keep a change. */
  private readOnlyReason: string | undefined;

  constructor(deps: ConfigServiceDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const { health, log } = this.deps;
    this.state.set('starting');
    let problem: string | undefined;
    try {
      const opened = openDatabase(this.deps.dataDir);
      this.db = opened.db;
      if (opened.migration.applied.length > 0) log.info({ migrations: opened.migration.applied }, 'database migrated');
    } catch (error) {
      if (error instanceof DatabaseVersionError) {
        health.raise('database.unknownVersion', error.message);
        problem = 'database of an unknown version; running on defaults in memory';
        this.readOnlyReason = 'the database is of an unknown version';
        this.db = openMemoryDatabase().db;
      } else {
        // A data partition that takes no writes (read-only, full, failing) must not keep the
        // agent, and with it the firewall and the tunnel, from starting: the stored config is
        // read as it is, or the defaults are used.
        ({ db: this.db, problem } = this.openWithoutWrites((error as Error).message));
      }
    }
    this.store = new ConfigStore({ db: this.db, schema: CONFIG_SCHEMA, check: plannerProblems, ...(this.deps.now ? { now: this.deps.now } : {}) });
    const loaded = this.store.load();
    this.effective = { config: loaded.config, revision: loaded.revision };
    this.deps.setLogLevel(loaded.config.log.level);
    if (loaded.fallback) {
      const detail = `revision ${loaded.fallback.revision} refused (${loaded.fallback.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}); using revision ${loaded.revision}`;
      health.raise('config.invalid', detail);
      log.warn({ fallback: loaded.fallback, revision: loaded.revision }, 'stored configuration invalid; using the last good one');
      problem ??= detail;
    }
    this.state.set(problem ? 'degraded' : 'running', problem);
  }

  async stop(): Promise<void> {
    this.db?.close();
    this.db = undefined;
    this.store = undefined;
    this.state.set('stopped');
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  /** The database while it is open, for the stores of what the subsystems keep (tunnel history, devices). */
  database(): Db | undefined {
    return this.db;
  }

  current(): { config: Config; revision: number } {
    if (!this.effective) throw new Error('config service not started');
    return this.effective;
  }

  private openWithoutWrites(reason: string): { db: Db; problem: string } {
    const { health, log } = this.deps;
    health.raise('database.unavailable', reason);
    this.readOnlyReason = `the database cannot be written (${reason})`;
    try {
      const db = openDatabaseReadOnly(this.deps.dataDir).db;
      log.error({ reason }, 'database cannot be opened for writing; running on it read-only');
      return { db, problem: `database not writable (${reason}); running on the stored configuration, read-only` };
    } catch (readError) {
      log.error({ reason, readError: (readError as Error).message }, 'database cannot be opened; running on defaults in memory');
      return { db: openMemoryDatabase().db, problem: `database cannot be opened (${reason}); running on defaults in memory` };
    }
  }

  /**
   * Validates and stores a change as one audited transaction; bad input changes nothing, nor does a
   * database that does not take it (TIBOX_STORE_WRITE_FAILED: unlike the histories, a change is
   * never kept in memory only).
   */
  commit(change: DeepPartial<Config>, actor: string): { revision: number; changes: AuditEntry[] } {
    const store = this.requireStore();
    // On defaults in memory a change would seem saved and be lost at the next start.
    if (this.readOnlyReason) throw new TiboxError('TIBOX_CONFIG_READ_ONLY', { reason: this.readOnlyReason });
    let result;
    try {
      result = store.commit(change, actor);
    } catch (error) {
      if (error instanceof ConfigValidationError) {
        throw new TiboxError('TIBOX_CONFIG_INVALID', { reason: error.errors.map((e) => `${e.path} ${e.message}`).join('; ') }, error.errors);
      }
      throw asWriteFailure(error);
    }
    if (result.changes.length === 0 && result.revision === this.current().revision) return result;
    this.effective = { config: store.load().config, revision: result.revision };
    this.deps.health.clear('config.invalid');
    if (this.state.get().state === 'degraded') this.state.set('running');
    this.deps.log.info({ revision: result.revision, actor, changes: result.changes }, 'configuration changed');
    // After the line above: the change that quiets the log is still in it.
    this.deps.setLogLevel(this.effective.config.log.level);
    this.deps.bus.emit('config.changed', { revision: result.revision, actor });
    return result;
  }

  registerActions(actions: ControlActions): void {
    actions.register('config.get', () => this.current());
    actions.register('config.describe', () => describeSchema());
    actions.register('config.audit', (args) => this.requireStore().audit({ limit: limitOf(args) }));
    actions.register('config.commit', (args, { actor }) => {
      if (typeof args !== 'object' || args === null || !('change' in args)) {
        throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'expected { "change": { ... } }' });
      }
      return this.commit((args as { change: DeepPartial<Config> }).change, actor);
    });
  }

  private requireStore(): ConfigStore<typeof CONFIG_SCHEMA> {
    if (!this.store) throw new Error('config service not started');
    return this.store;
  }
}

function limitOf(args: unknown): number {
  const limit = typeof args === 'object' && args !== null ? (args as { limit?: unknown }).limit : undefined;
  if (limit === undefined) return 50;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'limit must be a whole number from 1 to 1000' });
  }
  return limit;
}
