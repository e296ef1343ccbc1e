// The store owns the agent's database on the data partition shared by both A/B slots: its
// schema and migrations, the config schema (validation, defaults, description for the web UI),
// config revisions and the config audit log, the network change awaiting confirmation, the audit log of other changes (profile imports), and the SQL behind the repositories the subsystems
// declare, each in its own words, for what they keep there (the tunnel's history, the registered
// devices and their audit log, the terminals' reachability).
// Only the composition root in src/agent/ imports it; subsystems get config values, a commit
// function and their repositories handed to them, never the store or the database.
export { openDatabase, openDatabaseReadOnly, openMemoryDatabase, DATABASE_FILE, type Db, type OpenedDatabase } from './database.ts';
export { DatabaseVersionError, SCHEMA_MAJOR, type MigrationResult } from './migrations.ts';
export {
  CONFIG_SCHEMA,
  defaultConfig,
  describeSchema,
  validateConfig,
  type Config,
  type ConfigSchema,
  type FieldDescription,
  type FieldError,
  type Validation,
} from './configSchema.ts';
export {
  ConfigStore,
  ConfigValidationError,
  SECRET_MARK,
  type AuditEntry,
  type AuditStep,
  type CommitResult,
  type ConfigStoreDeps,
  type LoadedConfig,
} from './configStore.ts';
export { plannerProblems } from './plannerChecks.ts';
export type { DeepPartial } from './schema.ts';
export { asWriteFailure } from './writeFailure.ts';
export { DeviceStore } from './deviceStore.ts';
export { ReachabilityStore } from './reachabilityStore.ts';
export { TunnelHistoryStore } from './tunnelHistoryStore.ts';
export { PendingStore, type PendingChange } from './pendingStore.ts';
export { ActionAuditStore, type ActionAuditEntry } from './actionAuditStore.ts';
export { WebuiAccountStore, type WebuiAccount } from './webuiAccountStore.ts';
export { securityLog, securityLogLine, SECURITY_LOG_PAGE, type SecurityLogRow } from './securityLog.ts';
