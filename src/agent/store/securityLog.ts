// The box's security log as one text file for download: every web UI login attempt, every config
// change with its pending, confirm and rollback steps, every device change and every other audited
// action, oldest first, one line each. Read in pages of rows, each page in one statement: an open
// better-sqlite3 iterator would keep the connection busy while the download waits for the
// client, and refuse the agent's own writes meanwhile.
import type { Db } from './database.ts';

/** Rows read per page. */
export const SECURITY_LOG_PAGE = 500;

export interface SecurityLogRow {
  at: string;
  kind: 'login' | 'config' | 'device' | 'action';
  id: number;
  who: string;
  what: string;
}

/** The four audit tables as one, in the order of time; secret config values are stored masked already. */
const ROWS = `
  SELECT at, 'login' AS kind, id, user AS who, CASE ok WHEN 1 THEN 'login succeeded' ELSE 'login failed' END || ' from ' || source AS what FROM webui_logins
  UNION ALL
  SELECT at, 'config', id, actor, 'config ' || path || ': ' || old_value || ' -> ' || new_value || coalesce(' (' || step || ')', '') FROM config_audit
  UNION ALL
  SELECT at, 'device', id, actor, 'device ' || action || ' #' || device_id || ': ' || coalesce(new_value, old_value, '') FROM device_audit
  UNION ALL
  SELECT at, 'action', id, actor, action || ' ' || detail FROM action_audit`;

/** One line of the file: time, who, what; control characters a value may carry are escaped. */
export function securityLogLine(row: Pick<SecurityLogRow, 'at' | 'who' | 'what'>): string {
  return `${row.at}\t${escape(row.who)}\t${escape(row.what)}\n`;
}

/** The log's lines, a page of rows at a time. */
export function* securityLog(db: Db, pageSize = SECURITY_LOG_PAGE): Generator<string> {
  const statement = db.prepare(`SELECT at, kind, id, who, what FROM (${ROWS}) WHERE (at, kind, id) > (?, ?, ?) ORDER BY at, kind, id LIMIT ?`);
  let after: [string, string, number] = ['', '', 0];
  for (;;) {
    const rows = statement.all(...after, pageSize) as SecurityLogRow[];
    if (rows.length > 0) yield rows.map(securityLogLine).join('');
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = [last.at, last.kind, last.id];
  }
}

function escape(text: string): string {
  return text.replace(/[\p{Cc}]/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
