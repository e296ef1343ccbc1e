// What every wiring builder gets: the options, the clock, the event bus and the health registry
// on it, the control actions, the config service and the database's stores while it is open.
import { join } from 'node:path';
import { BestEffortStore, ControlActions, limitArgument, EventBus, Health, startProcess, subsystemLogger, type Logger } from '../../core/index.ts';
import type { AgentOptions } from '../agentOptions.ts';
import { ConfigService } from '../config.ts';
import type { AgentEvents } from '../events.ts';
import { ActionAuditStore, type Db } from '../store/index.ts';

export interface AgentContext {
  readonly options: AgentOptions;
  readonly now: () => Date;
  readonly startProcess: typeof startProcess;
  readonly bus: EventBus<AgentEvents>;
  readonly health: Health;
  readonly actions: ControlActions;
  readonly config: ConfigService;
  /** The histories written to the database: one that takes no writes must not stop the tunnel or the probes. */
  readonly bestEffort: BestEffortStore;
  /** The state files of the firewall, the routes, the LAN links and the tunnel's resume. */
  readonly stateDir: string;
  /** A store of what a subsystem keeps in the database, while it is open: it opens at start and closes at stop. */
  whileOpen<T>(store: (db: Db) => T): () => T | undefined;
  /** The root logger's child for a subsystem. */
  logFor(subsystem: string): Logger;
  /**
   * Records a change that is neither a config commit nor a device change (those audit themselves)
   * with who made it. It never throws: the change is made already, and a database that takes no
   * writes is a health warning and an error in the log, with the entry in it.
   */
  audit(actor: string, action: string, detail: Record<string, unknown>): void;
}

export function agentContext(options: AgentOptions): AgentContext {
  const { log } = options;
  const now = options.now ?? (() => new Date());
  const bus = new EventBus<AgentEvents>((event, error) => log.error({ err: error, event: String(event) }, 'event listener failed'));
  const health = healthOnBus(bus, now);
  const stateDir = join(options.dataDir, 'state');
  const config = new ConfigService({
    dataDir: options.dataDir,
    stateDir,
    health,
    bus,
    log: subsystemLogger(log, 'config'),
    // The subsystems' loggers are children of this one and follow its level at once.
    setLogLevel: (level) => (log.level = level),
    now,
  });
  const actions = new ControlActions();
  config.registerActions(actions);
  const bestEffort = new BestEffortStore({ health, log: subsystemLogger(log, 'store') });
  const auditStore = (): ActionAuditStore | undefined => {
    const db = config.database();
    return db && new ActionAuditStore(db);
  };
  const auditLog = subsystemLogger(log, 'audit');
  actions.register('audit.list', (args) => auditStore()?.recent(limitArgument(args, 50)) ?? []);
  return {
    options,
    now,
    startProcess: options.startProcess ?? startProcess,
    bus,
    health,
    actions,
    config,
    bestEffort,
    stateDir,
    whileOpen: (store) => () => {
      const db = config.database();
      return db && store(db);
    },
    logFor: (subsystem) => subsystemLogger(log, subsystem),
    audit: (actor, action, detail) => {
      const entry = { at: now().toISOString(), actor, action, detail };
      auditLog.info(entry, 'audited');
      const store = auditStore();
      const written = store !== undefined && bestEffort.write('action audit', () => store.record(entry));
      if (!written) auditLog.error(entry, 'audit entry not written to the database');
    },
  };
}

/** A health registry whose every change is one `health.changed` event with the whole list: the web UI's live view and the updater's reports listen there. */
function healthOnBus(bus: EventBus<AgentEvents>, now: () => Date): Health {
  return new Health((warnings) => bus.emit('health.changed', { warnings }), now);
}
