// The agent's configuration service: opens the database, loads the effective config, raises the
// health warnings the store reports, commits changes as audited transactions and offers them
// as control actions. A change to a network key is committed as a pending change that returns by
// itself unless confirmed before its deadline (src/agent/pending/): the service keeps its timer,
// and at start rolls back one whose deadline passed before any subsystem applies the config. The agent's log level follows the effective config, from its load on. A database the agent cannot use never stops it: it runs on defaults in
// memory and says so, so the box stays reachable for support and remote management.
import {
  TiboxError, StateTracker, limitArgument, type EventBus, type Health, type Logger, type ControlActions, type Lifecycle, type SubsystemStatus,
} from '../core/index.ts';
import type { AgentEvents } from './events.ts';
import { commitRollback } from './pending/commitRollback.ts';
import { dropConfirmedState, keepConfirmedState } from './pending/confirmedState.ts';
import {
  admitChange, CONFIRM_TIMEOUT_RANGE_S, DEADLINE_ACTOR, deadlineOf, DEFAULT_CONFIRM_TIMEOUT_S, pendingState, rollbackChange, summarize,
  type PendingSummary,
} from './pending/pendingChange.ts';
import {
  asWriteFailure, CONFIG_SCHEMA, ConfigStore, defaultConfig, ConfigValidationError, DatabaseVersionError, describeSchema, openDatabase, openDatabaseReadOnly, openMemoryDatabase,
  PendingStore, plannerProblems,
  type CommitResult, type Config, type DeepPartial, type Db, type FieldError, type PendingChange,
} from './store/index.ts';

/** A check of the config a commit would make, given the fields it changes; returns its problems. */
export type CommitCheck = (config: Config, changed: readonly string[]) => FieldError[];

/** How soon a rollback at the deadline that failed (the database busy or failing) is tried again. */
const ROLLBACK_RETRY_MS = 30_000;

export interface ConfigServiceDeps {
  dataDir: string;
  /** The state files the boot loads; those of the confirmed config are kept aside while a change is pending. */
  stateDir: string;
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
  private pendingStore: PendingStore | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private readonly now: () => Date;
  private effective: { config: Config; revision: number } | undefined;
  /** Why a commit is refused at once: the database in use cannot keep a change. */
  private readOnlyReason: string | undefined;
  /** Checks of a change against what the box sees now (addCommitCheck). */
  private readonly commitChecks: CommitCheck[] = [];

  constructor(deps: ConfigServiceDeps) {
    this.deps = deps;
    this.state = new StateTracker(this.name, deps.now);
    this.now = deps.now ?? (() => new Date());
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
    this.pendingStore = new PendingStore(this.db);
    // Copies kept for a change that is no longer pending (a crash between the two) are of no use.
    if (!this.pendingStore.get()) dropConfirmedState(this.deps.stateDir);
    this.watchPending();
    this.state.set(problem ? 'degraded' : 'running', problem);
  }

  async stop(): Promise<void> {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    this.pendingStore = undefined;
    this.db?.close();
    this.db = undefined;
    this.store = undefined;
    this.state.set('stopped');
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  /**
   * Adds a check every commit runs on the config it would make, beside the schema's: rules that
   * depend on what the box sees now (its addresses, the profile), so they judge a change and never
   * a config already stored. Called while the agent is built, before start.
   */
  addCommitCheck(check: CommitCheck): void {
    this.commitChecks.push(check);
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
   * never kept in memory only). A change to a network key is in force at once and pending: it
   * returns unless confirmed within `timeoutS`; while it is pending another network change, or one
   * to a field it changed, is refused. Synchronous throughout, so no other request comes between
   * the check and the commit. `alongside` writes what must change with the config or not at all
   * (a restore's devices and its audit entry, which names the new revision) in the same
   * transaction; what it throws refuses the whole change.
   */
  commit(change: DeepPartial<Config>, actor: string, options: { timeoutS?: number; alongside?: (db: Db, committed: CommitResult) => void } = {}): CommitResult & { pending?: PendingSummary } {
    const store = this.requireStore();
    const pendingStore = this.writablePending();
    let result: CommitResult;
    let pending: PendingChange | undefined;
    try {
      const { config, fields } = store.preview(change);
      const paths = fields.map((f) => f.path);
      const problems = this.commitChecks.flatMap((check) => check(config, paths));
      if (problems.length > 0) throw new ConfigValidationError(problems);
      const admission = admitChange(pendingStore.get(), paths);
      if (admission.kind === 'refused') {
        const { revision, paths: pendingPaths, deadline } = admission.pending;
        throw new TiboxError('TIBOX_CONFIG_CHANGE_PENDING', { revision, paths: pendingPaths.join(', '), deadline }, summarize(admission.pending, this.now()));
      }
      const alongside = options.alongside ?? (() => undefined);
      if (admission.kind === 'immediate') {
        const db = this.requireDb();
        result = db.transaction(() => {
          const committed = store.commit(change, actor);
          alongside(db, committed);
          return committed;
        }).immediate();
      } else {
        this.keepConfirmedState();
        const now = this.now();
        const timeoutS = options.timeoutS ?? DEFAULT_CONFIRM_TIMEOUT_S;
        ({ result, pending } = this.requireDb().transaction(() => {
          const committed = store.commit(change, actor, 'pending');
          const recorded: PendingChange = {
            revision: committed.revision, actor, startedAt: now.toISOString(), deadline: deadlineOf(now, timeoutS).toISOString(), paths, previous: rollbackChange(fields),
          };
          pendingStore.put(recorded);
          alongside(this.requireDb(), committed);
          return { result: committed, pending: recorded };
        }).immediate());
      }
    } catch (error) {
      if (error instanceof ConfigValidationError) {
        throw new TiboxError('TIBOX_CONFIG_INVALID', { reason: error.errors.map((e) => `${e.path} ${e.message}`).join('; ') }, error.errors);
      }
      throw asWriteFailure(error);
    }
    this.took(result, actor);
    if (!pending) return result;
    this.deps.log.warn({ revision: result.revision, actor, paths: pending.paths, deadline: pending.deadline }, 'network change pending: rolled back unless confirmed');
    this.watchPending();
    return { ...result, pending: summarize(pending, this.now()) };
  }

  /**
   * The fresh box's config (gemSpec_Kon TIP1-A_4820: the audit logs stay): the defaults committed
   * as a new revision, audited field by field, and a pending change dropped, with `alongside` (the
   * devices, the web UI's password) in the same transaction. The older revisions stay: the audit
   * log refers to them, and names their values itself. Not a pending change: a reset is not rolled back.
   */
  factoryReset(actor: string, alongside: (db: Db, committed: CommitResult) => void): CommitResult {
    const store = this.requireStore();
    const pendingStore = this.writablePending();
    const db = this.requireDb();
    let result: CommitResult;
    try {
      result = db.transaction(() => {
        pendingStore.remove();
        const committed = store.commit(defaultConfig(), actor);
        alongside(db, committed);
        return committed;
      }).immediate();
    } catch (error) {
      throw asWriteFailure(error);
    }
    dropConfirmedState(this.deps.stateDir);
    this.deps.log.warn({ revision: result.revision, actor }, 'configuration reset to the defaults');
    this.took(result, actor);
    this.watchPending();
    return result;
  }

  /** The network change awaiting confirmation, with its time left; null when there is none. */
  pending(): PendingSummary | null {
    const change = this.pendingStore?.get();
    return change ? summarize(change, this.now()) : null;
  }

  /**
   * Keeps the pending change: it stays as it is, and the audit log says who confirmed it. Refused
   * when nothing is pending (also when its deadline has just passed: it is rolled back instead),
   * and when `revision` is given and is not the pending one, so nobody confirms a change other
   * than the one they saw.
   */
  confirm(actor: string, revision?: number): PendingSummary {
    const pendingStore = this.writablePending();
    const change = pendingStore.get();
    if (!change || pendingState(change, this.now()).kind === 'expired') {
      if (change) this.watchPending();
      throw new TiboxError('TIBOX_CONFIG_NOTHING_PENDING', { action: 'confirm' });
    }
    if (revision !== undefined && revision !== change.revision) {
      throw new TiboxError('TIBOX_CONFIG_NOT_PENDING_REVISION', { revision, pending: change.revision });
    }
    try {
      pendingStore.confirm(change, actor, this.now());
    } catch (error) {
      throw asWriteFailure(error);
    }
    dropConfirmedState(this.deps.stateDir);
    this.watchPending();
    this.deps.log.info({ revision: change.revision, actor, paths: change.paths }, 'network change confirmed');
    return summarize(change, this.now());
  }

  /** Returns the fields the pending change altered to their values before, as a new revision audited as step 'rollback'. */
  rollback(actor: string): CommitResult {
    const pendingStore = this.writablePending();
    const change = pendingStore.get();
    if (!change) throw new TiboxError('TIBOX_CONFIG_NOTHING_PENDING', { action: 'roll back' });
    let result: CommitResult;
    try {
      result = commitRollback(this.requireDb(), this.requireStore(), change, actor);
    } catch (error) {
      throw asWriteFailure(error);
    }
    // The subsystems rewrite the state files from the config rolled back to; the kept copies are of no more use.
    dropConfirmedState(this.deps.stateDir);
    this.deps.log.warn({ revision: change.revision, actor, rollbackRevision: result.revision, paths: change.paths }, 'network change rolled back');
    this.took(result, actor);
    this.watchPending();
    return result;
  }

  /** The new revision is in force: the subsystems hear of it. */
  private took(result: CommitResult, actor: string): void {
    if (result.changes.length === 0 && result.revision === this.current().revision) return;
    this.effective = { config: this.requireStore().load().config, revision: result.revision };
    this.deps.health.clear('config.invalid');
    if (this.state.get().state === 'degraded') this.state.set('running');
    this.deps.log.info({ revision: result.revision, actor, changes: result.changes }, 'configuration changed');
    // After the line above: the change that quiets the log is still in it.
    this.deps.setLogLevel(this.effective.config.log.level);
    this.deps.bus.emit('config.changed', { revision: result.revision, actor });
  }

  /**
   * Follows the pending change, if any: its health warning, and a timer to its deadline that rolls
   * it back. The timer only wakes this up; the wall clock decides, so a deadline is never early.
   */
  private watchPending(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    const change = this.pendingStore?.get();
    if (!change) {
      this.deps.health.clear('config.pending');
      return;
    }
    const state = pendingState(change, this.now());
    if (state.kind === 'running') {
      this.deps.health.raise('config.pending', `revision ${change.revision} (${change.paths.join(', ')}) is rolled back at ${change.deadline} unless confirmed`);
      this.deadlineTimer = setTimeout(() => this.watchPending(), state.remainingMs);
      return;
    }
    try {
      this.rollback(DEADLINE_ACTOR);
      if (state.why === 'clock') this.deps.log.warn({ revision: change.revision, startedAt: change.startedAt }, 'the clock reads earlier than the pending change was made: rolled back');
    } catch (error) {
      this.deps.log.error({ err: error, revision: change.revision }, 'pending network change not rolled back at its deadline');
      this.deps.health.raise('config.pending', `revision ${change.revision} (${change.paths.join(', ')}) passed its deadline ${change.deadline} and could not be rolled back: ${(error as Error).message}`);
      // On a database this agent cannot write it never will; otherwise the failure may pass.
      if (this.readOnlyReason === undefined) this.deadlineTimer = setTimeout(() => this.watchPending(), ROLLBACK_RETRY_MS);
    }
  }

  private keepConfirmedState(): void {
    try {
      keepConfirmedState(this.deps.stateDir);
    } catch (error) {
      throw new TiboxError('TIBOX_CONFIG_STATE_NOT_KEPT', { reason: (error as Error).message });
    }
  }

  /** The pending change's store, where changes may be made at all. */
  private writablePending(): PendingStore {
    if (!this.pendingStore) throw new Error('config service not started');
    // On defaults in memory a change would seem saved and be lost at the next start.
    if (this.readOnlyReason) throw new TiboxError('TIBOX_CONFIG_READ_ONLY', { reason: this.readOnlyReason });
    return this.pendingStore;
  }

  private requireDb(): Db {
    if (!this.db) throw new Error('config service not started');
    return this.db;
  }

  registerActions(actions: ControlActions): void {
    actions.register('config.get', () => this.current());
    actions.register('config.describe', () => describeSchema());
    actions.register('config.audit', (args) => this.requireStore().audit({ limit: limitArgument(args, 50) }));
    actions.register('config.commit', (args, { actor }) => {
      if (typeof args !== 'object' || args === null || !('change' in args)) {
        throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'expected { "change": { ... }, "timeoutS"?: seconds }' });
      }
      const timeoutS = timeoutOf(args);
      return this.commit((args as { change: DeepPartial<Config> }).change, actor, timeoutS === undefined ? {} : { timeoutS });
    });
    actions.register('config.pending', () => this.pending());
    actions.register('config.confirm', (args, { actor }) => this.confirm(actor, revisionOf(args)));
    actions.register('config.rollback', (_args, { actor }) => this.rollback(actor));
  }

  private requireStore(): ConfigStore<typeof CONFIG_SCHEMA> {
    if (!this.store) throw new Error('config service not started');
    return this.store;
  }
}

/** How long a network change in the request waits for confirmation; the default when not given. */
function timeoutOf(args: object): number | undefined {
  const timeoutS = (args as { timeoutS?: unknown }).timeoutS;
  if (timeoutS === undefined) return undefined;
  const { min, max } = CONFIRM_TIMEOUT_RANGE_S;
  if (typeof timeoutS !== 'number' || !Number.isInteger(timeoutS) || timeoutS < min || timeoutS > max) {
    throw new TiboxError('TIBOX_BAD_REQUEST', { reason: `timeoutS must be a whole number of seconds from ${min} to ${max}` });
  }
  return timeoutS;
}

/** The revision a confirmation names, if it names one. */
function revisionOf(args: unknown): number | undefined {
  const revision = typeof args === 'object' && args !== null ? (args as { revision?: unknown }).revision : undefined;
  if (revision === undefined) return undefined;
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 1) {
    throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'revision must be a whole number from 1' });
  }
  return revision;
}
