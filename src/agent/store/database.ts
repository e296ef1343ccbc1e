// Opens the agent's SQLite database and brings it to this agent's schema (migrations.ts).
// The file holds the whole config, secrets included, so it is created owner-only (0600);
// SQLite gives its -wal and -shm files the same mode.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { checkSchema, migrate, type MigrationResult } from './migrations.ts';

export type Db = Database.Database;

export const DATABASE_FILE = 'tibox.db';
/** How long a statement waits for another connection's write lock before it fails. */
export const BUSY_TIMEOUT_MS = 5_000;

export interface OpenedDatabase {
  db: Db;
  /** What opening changed, for the log: migrations applied now, and ids left by a newer firmware. */
  migration: MigrationResult;
}

/**
 * Opens `<dataDir>/tibox.db`, creating it when absent, and migrates it. The directory must exist.
 * Throws DatabaseVersionError (after closing the file) for a database of an unknown major.
 */
export function openDatabase(dataDir: string): OpenedDatabase {
  const path = join(dataDir, DATABASE_FILE);
  // Create the file with its final mode before SQLite does, which would use the umask (0644).
  closeSync(openSync(path, 'a', 0o600));
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  // WAL: the web UI's reads never wait for the agent's writes. FULL: a committed config change
  // survives a power cut, which matters more than speed at a handful of writes a day. Pragmas go
  // through exec(): db.pragma() prepares a statement of its own that becomes garbage (see below).
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  return prepare(db);
}

/**
 * The existing `<dataDir>/tibox.db`, read-only, for a data partition that takes no writes (mounted
 * read-only, failing): the agent keeps the stored configuration and devices instead of defaults.
 * SQLite cannot open a WAL database read-only where it cannot create the `-shm` file, so the file
 * is read into memory, marked as a rollback-journal database (header bytes 18 and 19), and opened
 * read-only there: every write fails as it would on the partition. What a crash left in the `-wal`
 * file only is not seen. Throws when the file is missing, unreadable or not of this agent's schema.
 */
export function openDatabaseReadOnly(dataDir: string): OpenedDatabase {
  const bytes = readFileSync(join(dataDir, DATABASE_FILE));
  bytes[18] = 1;
  bytes[19] = 1;
  const db = new Database(bytes, { readonly: true });
  keepStatements(db);
  try {
    checkSchema(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, migration: { applied: [], unknown: [] } };
}

/**
 * An in-memory database with the same schema, for when the real one cannot be used (unknown
 * major, unreadable data partition): the agent keeps running on defaults and says so as health.
 * Nothing written to it survives the process.
 */
export function openMemoryDatabase(): OpenedDatabase {
  return prepare(new Database(':memory:'));
}

function prepare(db: Db): OpenedDatabase {
  keepStatements(db);
  try {
    db.exec('PRAGMA foreign_keys = ON');
    return { db, migration: migrate(db) };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * better-sqlite3 12 on Node 24 aborts the whole process when the garbage collector finalizes a
 * Statement at certain moments (Statement::~Statement calls RemoveEnvironmentCleanupHook with no
 * environment: "Assertion failed: (env) != nullptr"); the iterators of iterate() do the same. So
 * no statement of ours ever becomes garbage: prepare() hands out one statement per SQL text, kept
 * as long as the database, and closing the database finalizes them. Our SQL texts are constants,
 * so the cache stays small. db.pragma() and iterate() bypass this and are not used.
 */
function keepStatements(db: Db): void {
  const prepareStatement = db.prepare.bind(db);
  const kept = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = kept.get(sql);
    if (!statement) kept.set(sql, (statement = prepareStatement(sql)));
    return statement;
  }) as Db['prepare'];
}
