// Config revisions and their audit log in the database. Each commit stores the whole validated
// config as a new revision together with one audit entry per changed field, in one transaction.
// The effective config is the newest revision that validates against the schema this agent
// runs with; a newer revision that does not (edited by hand, or written by a firmware with
// another schema) is reported in `fallback` instead of stopping the agent, so the composition root
// can raise 'config.invalid' and keep running on the last good one.
// The schema is a dependency, so the store serves any schema (tests use one with a secret field),
// and so are the rules beyond its fields' kinds, which hold for a stored revision as for a commit.
import type { Db } from './database.ts';
import type { FieldError } from './fields.ts';
import {
  changedFields, defaults, mergeChange, validate, type ConfigCheck, type ConfigOf, type DeepPartial, type FieldChange, type Group, type Validation,
} from './schema.ts';

/** What the audit log shows instead of a secret field's values (gemSpec_Kon TIP1-A_5005). */
export const SECRET_MARK = '[changed]';

export interface ConfigStoreDeps<S extends Group> {
  db: Db;
  schema: S;
  check?: ConfigCheck<S>;
  now?: () => Date;
}

export interface LoadedConfig<C> {
  config: C;
  /** The revision `config` comes from; 0 for the defaults (nothing valid stored yet). */
  revision: number;
  /** Present when a newer stored revision was refused: which one, and why. */
  fallback?: { revision: number; errors: FieldError[] };
}

/** Which step of a network change with rollback an audit entry records (src/agent/pending/). */
export type AuditStep = 'pending' | 'confirm' | 'rollback';

export interface AuditEntry {
  revision: number;
  /** ISO time of the commit. */
  at: string;
  actor: string;
  path: string;
  /** JSON values; SECRET_MARK for secret fields. */
  old: unknown;
  new: unknown;
  /** Absent for an ordinary commit. */
  step?: AuditStep;
}

export interface CommitResult {
  /** The new revision, or the current one when nothing was written. */
  revision: number;
  /** The changed fields as entered in the audit log (secrets masked); empty for a no-op. */
  changes: AuditEntry[];
}

export class ConfigValidationError extends Error {
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[]) {
    super(`invalid configuration: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
    this.name = 'ConfigValidationError';
    this.errors = errors;
  }
}

interface RevisionRow {
  revision: number;
  config: string;
}

interface AuditRow {
  revision: number;
  at: string;
  actor: string;
  path: string;
  old_value: string;
  new_value: string;
  step: AuditStep | null;
}

export class ConfigStore<S extends Group> {
  private readonly db: Db;
  private readonly schema: S;
  private readonly check: ConfigCheck<S> | undefined;
  private readonly now: () => Date;

  constructor(deps: ConfigStoreDeps<S>) {
    this.db = deps.db;
    this.schema = deps.schema;
    this.check = deps.check;
    this.now = deps.now ?? (() => new Date());
  }

  /** The effective config: the newest stored revision that validates, else the defaults. */
  load(): LoadedConfig<ConfigOf<S>> {
    let refused: LoadedConfig<ConfigOf<S>>['fallback'];
    // Row by row with get(), newest first: an iterate() iterator aborts the process on Node 24 when
    // the garbage collector finalizes it, as a statement does (database.ts, keepStatements).
    const older = this.db.prepare('SELECT revision, config FROM config_revisions WHERE revision < ? ORDER BY revision DESC LIMIT 1');
    const next = (below: number) => older.get(below) as RevisionRow | undefined;
    for (let row = next(Number.MAX_SAFE_INTEGER); row; row = next(row.revision)) {
      const result = this.parse(row);
      if (result.ok) {
        return { config: result.config, revision: row.revision, ...(refused ? { fallback: refused } : {}) };
      }
      refused ??= { revision: row.revision, errors: result.errors };
    }
    return { config: defaults(this.schema), revision: 0, ...(refused ? { fallback: refused } : {}) };
  }

  /**
   * Applies a change (any subset of fields; lists replace whole) to the effective config and
   * stores the result as a new revision. The whole resulting config is validated first: on any
   * error a ConfigValidationError lists every problem and nothing is written. The change is
   * checked at run time too, so callers may pass parsed form or API input.
   * A change that alters no field writes nothing, unless the effective config is a fallback:
   * then committing stores it as the newest revision, which ends the fallback.
   */
  commit(change: DeepPartial<ConfigOf<S>>, actor: string, step?: AuditStep): CommitResult {
    if (actor.trim() === '') throw new TypeError('a config commit needs an actor');
    return this.db.transaction((): CommitResult => {
      const current = this.load();
      const { config, fields } = this.preview(change, current.config);
      const at = this.now().toISOString();
      if (fields.length === 0 && current.fallback === undefined) return { revision: current.revision, changes: [] };

      const { newest } = this.db.prepare('SELECT coalesce(max(revision), 0) AS newest FROM config_revisions').get() as { newest: number };
      const revision = newest + 1;
      this.db
        .prepare('INSERT INTO config_revisions (revision, committed_at, actor, config) VALUES (?, ?, ?, ?)')
        .run(revision, at, actor, JSON.stringify(config));
      const insert = this.db.prepare(
        'INSERT INTO config_audit (revision, at, actor, path, old_value, new_value, step) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const changes = fields.map((f): AuditEntry => {
        const secret = f.field.secret === true;
        const entry = { revision, at, actor, path: f.path, old: secret ? SECRET_MARK : f.old, new: secret ? SECRET_MARK : f.new, ...(step ? { step } : {}) };
        insert.run(revision, at, actor, entry.path, JSON.stringify(entry.old), JSON.stringify(entry.new), step ?? null);
        return entry;
      });
      return { revision, changes };
    }).immediate();
  }

  /**
   * What committing `change` would do to the effective config (or to `base`), without writing:
   * the resulting config and the fields it alters, with their real values (secrets too, for the
   * caller that must restore them). Throws ConfigValidationError as commit() does.
   */
  preview(change: DeepPartial<ConfigOf<S>>, base: ConfigOf<S> = this.load().config): { config: ConfigOf<S>; fields: FieldChange[] } {
    const result = validate(this.schema, mergeChange(base, change), this.check);
    if (!result.ok) throw new ConfigValidationError(result.errors);
    return { config: result.config, fields: changedFields(this.schema, base, result.config) };
  }

  /** Audit entries, newest first. */
  audit(options: { limit?: number } = {}): AuditEntry[] {
    const rows = this.db
      .prepare('SELECT revision, at, actor, path, old_value, new_value, step FROM config_audit ORDER BY id DESC LIMIT ?')
      .all(options.limit ?? 100) as AuditRow[];
    return rows.map((r) => ({
      revision: r.revision, at: r.at, actor: r.actor, path: r.path, old: JSON.parse(r.old_value), new: JSON.parse(r.new_value), ...(r.step ? { step: r.step } : {}),
    }));
  }

  private parse(row: RevisionRow): Validation<ConfigOf<S>> {
    let data: unknown;
    try {
      data = JSON.parse(row.config);
    } catch (error) {
      return { ok: false, errors: [{ path: '(config)', message: `is not valid JSON: ${(error as Error).message}` }] };
    }
    return validate(this.schema, data, this.check);
  }
}
