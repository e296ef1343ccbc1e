// The wire contract of the control API, shared by server and client. HTTP/1.1 over the control
// socket, JSON both ways:
//   GET  /v1/status          -> { result: the agent's status (AgentStatus, src/agent/status.ts) }
//   POST /v1/actions/<name>  body: the action's arguments as JSON (empty body: {})
//                            -> { result: <whatever the action returns, null for nothing> }
// Every failure answers with the error's HTTP status and { error: { code, message, details? } },
// the code taken from the catalogue in src/core/errors.ts.

export const STATUS_PATH = '/v1/status';
export const ACTIONS_PREFIX = '/v1/actions/';

/** Largest request body the server reads; a larger one is answered with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export type ControlResponse = { result: unknown } | { error: ErrorBody };
