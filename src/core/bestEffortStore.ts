// Database work that must not fail its caller. The histories support reads (the tunnel's, the
// terminals' reachability) matter less than the tunnel and the probes that record them, so a
// read-only, full or failing database must not stop either. A failure is logged once per store
// and kind (its SQLite or errno code), not once per event, until that store's next success; a
// failed write raises 'database.notWritable', which the next write that succeeds clears. The
// caller keeps in memory what could not be written (memoryBackedHistory.ts).
import type { Health } from './health.ts';
import type { Logger } from './log.ts';

export interface BestEffortStoreDeps {
  health: Pick<Health, 'raise' | 'clear'>;
  log: Logger;
}

type Operation = 'write' | 'read';

const FAILED: Record<Operation, string> = {
  write: 'database write failed; kept in memory only (the same failure is logged again once a write has succeeded)',
  read: 'database read failed; answered from memory (the same failure is logged again once a read has succeeded)',
};

export class BestEffortStore {
  private readonly deps: BestEffortStoreDeps;
  /** The failures logged since their store's last success of the same operation, as `operation store kind`. */
  private readonly logged = new Set<string>();

  constructor(deps: BestEffortStoreDeps) {
    this.deps = deps;
  }

  /** Runs `write` on `store` (a name for the log); says whether it succeeded, never throws. */
  write(store: string, write: () => void): boolean {
    try {
      write();
    } catch (error) {
      this.failed('write', store, error);
      this.deps.health.raise('database.notWritable', describe(error));
      return false;
    }
    this.succeeded('write', store);
    this.deps.health.clear('database.notWritable');
    return true;
  }

  /** Runs `read` on `store`; undefined where it failed, never throws. */
  read<T>(store: string, read: () => T): T | undefined {
    let result: T;
    try {
      result = read();
    } catch (error) {
      this.failed('read', store, error);
      return undefined;
    }
    this.succeeded('read', store);
    return result;
  }

  private failed(operation: Operation, store: string, error: unknown): void {
    const key = `${operation} ${store} ${kindOf(error)}`;
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.deps.log.warn({ err: error, store }, FAILED[operation]);
  }

  private succeeded(operation: Operation, store: string): void {
    const prefix = `${operation} ${store} `;
    const cleared = [...this.logged].filter((key) => key.startsWith(prefix));
    if (cleared.length === 0) return;
    for (const key of cleared) this.logged.delete(key);
    this.deps.log.info({ store }, `database ${operation} succeeded again`);
  }
}

/** SqliteError and Node's system errors carry a code (SQLITE_READONLY, EIO); anything else goes by its name. */
function kindOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : typeof error;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const kind = kindOf(error);
  return kind === message ? message : `${message} (${kind})`;
}
