// A change someone asked for that the database did not take (read-only, full or failing storage):
// unlike a history, it is not kept in memory, so the caller must learn it was not saved, in the
// catalogue's words rather than SQLite's ("disk I/O error").
import Database from 'better-sqlite3';
import { TiboxError } from '../../core/index.ts';

/** SQLite's primary result codes for storage that cannot be written; a constraint or a bug in our SQL is none of them. */
const STORAGE_FAULT = /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED|PERM)(_|$)/;

/** `error` as TIBOX_STORE_WRITE_FAILED where the storage failed, otherwise unchanged. */
export function asWriteFailure(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError) || !STORAGE_FAULT.test(error.code)) return error;
  return new TiboxError('TIBOX_STORE_WRITE_FAILED', { reason: `${error.message}, ${error.code}` }, { sqliteCode: error.code });
}
