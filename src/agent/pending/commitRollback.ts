// A pending change's rollback in the database, the same for the agent (at the deadline, or asked
// to) and the boot unit: the fields it changed return to their values before, as a new revision
// audited as step 'rollback', and the pending change is gone, in one transaction.
import { PendingStore, type CommitResult, type Config, type ConfigStore, type ConfigSchema, type Db, type DeepPartial, type PendingChange } from '../store/index.ts';

export function commitRollback(db: Db, store: ConfigStore<ConfigSchema>, change: PendingChange, actor: string): CommitResult {
  return db.transaction((): CommitResult => {
    const result = store.commit(change.previous as DeepPartial<Config>, actor, 'rollback');
    new PendingStore(db).remove();
    return result;
  }).immediate();
}
