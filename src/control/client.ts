// The calling side of the control API (protocol.ts), used by the `tibox` CLI and the web UI.
// Each call opens its own connection, so a CLI process exits as soon as its work is done.
import { request, type IncomingMessage } from 'node:http';
// errors.ts, not the core's index: the web UI loads this client and nothing else of the core it does not need.
import { TiboxError } from '../core/errors.ts';
import { ACTIONS_PREFIX, ACTOR_HEADER, DOWNLOADS_PREFIX, EVENTS_PATH, STATUS_PATH, type AgentChange, type ErrorBody } from './protocol.ts';

/** The agent answered with an error; code and message are the agent's, from its catalogue. */
export class ControlApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'ControlApiError';
    this.code = body.code;
    this.status = status;
    this.details = body.details;
  }
}

export interface ControlClientOptions {
  /** Milliseconds for a whole call, connect to last byte. Default 30 s. */
  timeoutMs?: number;
  /**
   * The web UI user every action is asked for; only the web UI's socket takes it (the
   * administrators' socket refuses it). See actingFor().
   */
  actor?: string;
}

/**
 * A client of the control socket. `Status` is the shape of what GET /v1/status answers: the agent
 * composes it from its subsystems (src/agent/status.ts), which this layer does not know.
 */
export class ControlClient<Status = unknown> {
  private readonly socketPath: string;
  private readonly timeoutMs: number;
  private readonly actor: string | undefined;

  constructor(socketPath: string, options: ControlClientOptions = {}) {
    this.socketPath = socketPath;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.actor = options.actor;
  }

  /** A client on the same socket whose actions are asked for web UI user `user`. */
  actingFor(user: string): ControlClient<Status> {
    return new ControlClient<Status>(this.socketPath, { timeoutMs: this.timeoutMs, actor: user });
  }

  async status(): Promise<Status> {
    return (await this.call('GET', STATUS_PATH)) as Status;
  }

  /**
   * Follows the agent's event stream: calls `onChange` with each line's change ('hello' first),
   * and resolves when the agent ends the stream or `signal` aborts it. The timeout covers the
   * connection and the first line only: the stream then stays open as long as the agent runs.
   */
  watch(onChange: (change: AgentChange) => void, signal: AbortSignal): Promise<void> {
    const socketPath = this.socketPath;
    return new Promise((resolve, reject) => {
      const req = request({ socketPath, path: EVENTS_PATH, method: 'GET', headers: { Accept: 'application/x-ndjson' }, agent: false, signal }, (res) => {
        if (res.statusCode !== 200) {
          clearTimeout(timer);
          res.resume();
          reject(new TiboxError('TIBOX_CONTROL_BAD_RESPONSE', { reason: `HTTP ${res.statusCode ?? 0} for the event stream` }));
          return;
        }
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          clearTimeout(timer);
          pending += chunk;
          let end: number;
          while ((end = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, end);
            pending = pending.slice(end + 1);
            const change = parseChange(line);
            if (change) onChange(change);
          }
        });
        res.once('end', () => resolve());
        res.once('close', () => resolve());
        res.once('error', () => resolve());
      });
      const timer = setTimeout(() => req.destroy(new TiboxError('TIBOX_CONTROL_TIMEOUT', { timeoutMs: this.timeoutMs })), this.timeoutMs);
      req.once('error', (error) => {
        clearTimeout(timer);
        if (signal.aborted) resolve();
        else reject(error instanceof TiboxError ? error : connectionError(error, socketPath));
      });
      req.end();
    });
  }

  /**
   * Opens a download (GET /v1/downloads/<name>): resolves with the answer to read as a stream once
   * the agent has begun it, rejects as action() does otherwise. The timeout covers the start only:
   * a large file takes as long as the reader takes it.
   */
  download(name: string, signal?: AbortSignal): Promise<IncomingMessage> {
    const socketPath = this.socketPath;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = this.actor === undefined ? {} : { [ACTOR_HEADER]: this.actor };
      const req = request({ socketPath, path: DOWNLOADS_PREFIX + encodeURIComponent(name), method: 'GET', headers, agent: false, ...(signal ? { signal } : {}) }, (res) => {
        clearTimeout(timer);
        if (res.statusCode === 200) {
          resolve(res);
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => {
          try {
            unwrap(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
            reject(new TiboxError('TIBOX_CONTROL_BAD_RESPONSE', { reason: `HTTP ${res.statusCode ?? 0} for a download` }));
          } catch (error) {
            reject(error);
          }
        });
      });
      const timer = setTimeout(() => req.destroy(new TiboxError('TIBOX_CONTROL_TIMEOUT', { timeoutMs: this.timeoutMs })), this.timeoutMs);
      req.once('error', (error) => {
        clearTimeout(timer);
        reject(error instanceof TiboxError ? error : connectionError(error, socketPath));
      });
      req.end();
    });
  }

  /** Runs a named action; args are sent as JSON. Throws ControlApiError when the action fails. */
  async action(name: string, args: unknown = {}): Promise<unknown> {
    return await this.call('POST', ACTIONS_PREFIX + encodeURIComponent(name), JSON.stringify(args));
  }

  /**
   * Resolves with the answer's `result`. Throws TiboxError TIBOX_AGENT_NOT_RUNNING,
   * TIBOX_CONTROL_ACCESS_DENIED, TIBOX_CONTROL_TIMEOUT or TIBOX_CONTROL_BAD_RESPONSE for trouble
   * on the way, and ControlApiError for an error the agent answered with.
   */
  private call(method: string, path: string, body?: string): Promise<unknown> {
    const socketPath = this.socketPath;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { Accept: 'application/json' };
      if (this.actor !== undefined && method === 'POST') headers[ACTOR_HEADER] = this.actor;
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = Buffer.byteLength(body);
      }
      const req = request({ socketPath, path, method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', fail);
        res.once('end', () => {
          clearTimeout(timer);
          try {
            resolve(unwrap(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy();
      }, this.timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(timedOut ? new TiboxError('TIBOX_CONTROL_TIMEOUT', { timeoutMs: this.timeoutMs }) : connectionError(error, socketPath));
      };
      req.once('error', fail);
      req.end(body);
    });
  }
}

/** Every change the stream names, as keys so the compiler finds one added to AgentChange and missing here. */
const CHANGES = Object.keys({ hello: true, tunnel: true, health: true, config: true, devices: true, check: true, reset: true } satisfies Record<AgentChange, true>) as AgentChange[];

/** A line of the event stream; undefined for anything this client does not know. */
function parseChange(line: string): AgentChange | undefined {
  try {
    const event = (JSON.parse(line) as { event?: unknown }).event;
    return CHANGES.find((change) => change === event);
  } catch {
    return undefined;
  }
}

function connectionError(error: Error, path: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED') return new TiboxError('TIBOX_AGENT_NOT_RUNNING', { path });
  if (code === 'EACCES') return new TiboxError('TIBOX_CONTROL_ACCESS_DENIED', { path });
  return error;
}

function unwrap(status: number, text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TiboxError('TIBOX_CONTROL_BAD_RESPONSE', { reason: `HTTP ${status} with a body that is not JSON` });
  }
  if (typeof parsed === 'object' && parsed !== null) {
    if (status === 200 && 'result' in parsed) return parsed.result;
    if ('error' in parsed && isErrorBody(parsed.error)) throw new ControlApiError(status, parsed.error);
  }
  throw new TiboxError('TIBOX_CONTROL_BAD_RESPONSE', { reason: `HTTP ${status} without a result or an error` });
}

function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string' && 'message' in value && typeof value.message === 'string';
}
