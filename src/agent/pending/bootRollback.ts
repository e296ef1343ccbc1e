// The boot unit's first step, before it loads anything into the kernel: a network change whose
// deadline passed while the box was off (or while it restarted) is rolled back. The state files
// of the confirmed config go back in place of the pending change's first, then the database
// returns to the previous values (audited as by 'boot'), then the kept copies go; a boot cut short
// anywhere repeats what is left. A change still within its deadline stays pending: the agent
// continues it with the time left.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../core/index.ts';
import { CONFIG_SCHEMA, ConfigStore, DATABASE_FILE, openDatabase, PendingStore, plannerProblems } from '../store/index.ts';
import { commitRollback } from './commitRollback.ts';
import { dropConfirmedState, restoreConfirmedState } from './confirmedState.ts';
import { BOOT_ACTOR, pendingState } from './pendingChange.ts';

export type BootRollback =
  /** No database yet, or no change pending. */
  | { readonly kind: 'none' }
  | { readonly kind: 'pending'; readonly revision: number; readonly remainingMs: number }
  | { readonly kind: 'rolledBack'; readonly revision: number; readonly rollbackRevision: number };

/**
 * Rolls back an expired pending change in `<dataDir>/tibox.db` and the state files in `stateDir`.
 * Throws when the database cannot be opened or written; the boot logs it and goes on, since
 * closing the box (the firewall) matters more.
 */
export async function rollBackExpiredChange(dataDir: string, stateDir: string, log: Logger, now: () => Date = () => new Date()): Promise<BootRollback> {
  // The boot never creates the database: the agent does, on its first start.
  if (!existsSync(join(dataDir, DATABASE_FILE))) return { kind: 'none' };
  const { db } = openDatabase(dataDir);
  try {
    const pending = new PendingStore(db).get();
    if (!pending) {
      dropConfirmedState(stateDir);
      return { kind: 'none' };
    }
    const state = pendingState(pending, now());
    if (state.kind === 'running') {
      log.info({ revision: pending.revision, deadline: pending.deadline }, 'network change pending: the agent rolls it back unless confirmed by its deadline');
      return { kind: 'pending', revision: pending.revision, remainingMs: state.remainingMs };
    }
    await restoreConfirmedState(stateDir, log);
    const store = new ConfigStore({ db, schema: CONFIG_SCHEMA, check: plannerProblems, now });
    const result = commitRollback(db, store, pending, BOOT_ACTOR);
    dropConfirmedState(stateDir);
    log.warn({ revision: pending.revision, paths: pending.paths, deadline: pending.deadline, why: state.why, rollbackRevision: result.revision }, 'expired network change rolled back');
    return { kind: 'rolledBack', revision: pending.revision, rollbackRevision: result.revision };
  } finally {
    db.close();
  }
}
