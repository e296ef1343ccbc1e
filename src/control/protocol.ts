// The wire contract of the control API, shared by server and client. HTTP/1.1 over the control
// socket, JSON both ways:
//   GET  /v1/status          -> { result: the agent's status (AgentStatus, src/agent/status.ts) }
//   GET  /v1/events          -> a stream of lines, one JSON object each ({ "event": <name> }), that
//                               stays open: 'hello' at once, then one line whenever the agent's state
//                               changed ('tunnel', 'health', 'config', 'devices', 'check'); read the status again;
//                               'reset': the box was reset to the factory state, end every web UI session
//   GET  /v1/downloads/<name> -> the file named, streamed as text/plain: what may be larger than
//                               the request limit below (the security log); the answer's size is
//                               not limited, nor held whole in memory on either side
//   POST /v1/actions/<name>  body: the action's arguments as JSON (empty body: {})
//                            -> { result: <whatever the action returns, null for nothing> }
// On the web UI's socket every action request names the acting web UI user in the X-Tibox-Actor
// header, and the agent audits the action as `webui:<user>`; the administrators' socket takes no
// such header and audits every caller as `local-cli`.
// Every failure answers with the error's HTTP status and { error: { code, message, details? } },
// the code taken from the catalogue in src/core/errors.ts.

export const STATUS_PATH = '/v1/status';
export const ACTIONS_PREFIX = '/v1/actions/';
export const EVENTS_PATH = '/v1/events';
export const DOWNLOADS_PREFIX = '/v1/downloads/';

/** What the event stream names: the first line, then what changed. */
export type AgentChange = 'hello' | 'tunnel' | 'health' | 'config' | 'devices' | 'check' | 'reset';

/** One line of the event stream. */
export interface EventLine {
  event: AgentChange;
}

/** The header in which the web UI names its acting user (HTTP header names are case-insensitive). */
export const ACTOR_HEADER = 'x-tibox-actor';

/** A web UI user name as the agent accepts it in ACTOR_HEADER. */
export const WEBUI_USER_NAME = /^[a-z][a-z0-9._-]{0,31}$/;

/** The web UI's one account. */
export const WEBUI_ADMIN = 'admin';

/** The agent's answer to `webui.login`, what the web UI decides a session by. */
export interface WebuiLoginResult {
  ok: boolean;
  /** Still the box's initial password: the web UI lets the user do nothing but change it. */
  mustChange: boolean;
  /** When the password was last changed (null: never); the web UI ends sessions older than this. */
  passwordChangedAt: string | null;
  /** For a successful login: the failed attempts for this user since its previous login, and when that was. */
  failedSince?: number;
  previousLogin?: string | null;
}

/** The actor recorded for requests on the administrators' socket. */
export const CLI_ACTOR = 'local-cli';

/** The actor recorded for an action the web UI asked for on behalf of `user`. */
export function webuiActor(user: string): string {
  return `webui:${user}`;
}

/** Largest request body the server reads; a larger one is answered with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Largest settings backup file: a config and a few hundred devices take some tens of kB. The agent
 * refuses a larger one, and the web UI and the CLI refuse it before they send it.
 */
export const MAX_BACKUP_BYTES = 512 * 1024;

/** What confirms `system.factoryReset` on a box without a serial number; with one, the serial does. */
export const FACTORY_RESET_WORD = 'RESET';

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export type ControlResponse = { result: unknown } | { error: ErrorBody };
