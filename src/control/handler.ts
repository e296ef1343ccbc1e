// Request handling of the control API (routes in protocol.ts): reads and parses the body within
// its limit, dispatches to the status provider or the action registry, and turns every failure
// into the catalogue's status and code. Nothing thrown here escapes to the HTTP server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TiboxError, type Logger, type ControlActions } from '../core/index.ts';
import { ACTIONS_PREFIX, ACTOR_HEADER, CLI_ACTOR, DOWNLOADS_PREFIX, EVENTS_PATH, MAX_BODY_BYTES, STATUS_PATH, WEBUI_USER_NAME, webuiActor, type AgentChange, type ControlResponse, type EventLine } from './protocol.ts';

/**
 * Who is at the other end of a socket. Node offers no SO_PEERCRED, so the server cannot tell which
 * local user connected: the socket's owner, group and mode decide who may connect at all, and so
 * which of the two a request comes from. Only the web UI may speak for one of its users.
 */
export type SocketCaller = 'cli' | 'webui';

export interface HandlerDeps {
  /** What GET /v1/status answers: the agent's status, which this layer passes on as it is. */
  status: () => unknown;
  actions: ControlActions;
  log: Logger;
  caller: SocketCaller;
  /** Subscribes to the agent's changes for GET /v1/events; returns the function that unsubscribes. */
  changes?: Subscribe;
  /** The files GET /v1/downloads/<name> streams, by name: each call gives the file's text in pieces. */
  downloads?: Downloads;
}

/** The files streamed on request, each given the actor who asked for it (to audit the reading). */
export type Downloads = ReadonlyMap<string, (actor: string) => Iterable<string> | AsyncIterable<string>>;

/** Calls `listener` with each change of the agent's state until the returned function is called. */
export type Subscribe = (listener: (change: AgentChange) => void) => () => void;

export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (deps.changes && req.method === 'GET' && new URL(req.url ?? '/', 'http://control').pathname === EVENTS_PATH) {
      streamChanges(deps.changes, req, res);
      return;
    }
    const path = new URL(req.url ?? '/', 'http://control').pathname;
    if (deps.downloads && req.method === 'GET' && path.startsWith(DOWNLOADS_PREFIX)) {
      const source = deps.downloads.get(decodeName(path.slice(DOWNLOADS_PREFIX.length)));
      if (source) {
        // Who reads a file is resolved as for an action, and a refusal is answered as one.
        let actor: string;
        try {
          actor = actorOf(deps.caller, req.headers[ACTOR_HEADER]);
        } catch (error) {
          req.resume();
          const tibox = asTiboxError(error, deps.log);
          send(res, tibox.status, { error: { code: tibox.code, message: tibox.message } });
          return;
        }
        deps.log.info({ download: path.slice(DOWNLOADS_PREFIX.length), actor }, 'control download');
        streamDownload(() => source(actor), req, res, deps.log);
        return;
      }
    }
    route(deps, req)
      .then((result) => send(res, 200, { result: result ?? null }))
      .catch((error: unknown) => {
        const tibox = asTiboxError(error, deps.log);
        if (tibox.code === 'TIBOX_METHOD_NOT_ALLOWED') res.setHeader('Allow', String(tibox.details));
        const plain = { code: tibox.code, message: tibox.message };
        try {
          send(res, tibox.status, { error: tibox.details === undefined ? plain : { ...plain, details: tibox.details } });
        } catch {
          // Details that cannot be serialised are dropped rather than the answer.
          send(res, tibox.status, { error: plain });
        }
      });
  };
}

async function route(deps: HandlerDeps, req: IncomingMessage): Promise<unknown> {
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://control').pathname;
  if (path === STATUS_PATH) {
    allow(method, path, 'GET');
    return await deps.status();
  }
  if (path.startsWith(ACTIONS_PREFIX)) {
    allow(method, path, 'POST');
    const name = decodeName(path.slice(ACTIONS_PREFIX.length));
    const actor = actorOf(deps.caller, req.headers[ACTOR_HEADER]);
    const args = parseJson(await readBody(req, MAX_BODY_BYTES));
    deps.log.info({ action: name, actor }, 'control action');
    try {
      return await deps.actions.run(name, args, { actor });
    } catch (error) {
      if (error instanceof TiboxError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      deps.log.error({ action: name, actor, err: error }, 'control action failed');
      throw new TiboxError('TIBOX_ACTION_FAILED', { action: name, reason });
    }
  }
  throw new TiboxError('TIBOX_NOT_FOUND', { method, path });
}

/**
 * The event stream: 'hello' at once, so the caller knows it is subscribed, then a line per change
 * until the caller hangs up or the server closes the connection.
 */
function streamChanges(subscribe: Subscribe, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' });
  const write = (event: AgentChange) => res.write(`${JSON.stringify({ event } satisfies EventLine)}\n`);
  write('hello');
  const unsubscribe = subscribe(write);
  res.once('close', unsubscribe);
  req.resume();
}

/**
 * A file, written piece by piece as the client takes it. A failure half-way cuts the connection,
 * so the client sees an incomplete transfer rather than a file that looks whole.
 */
function streamDownload(source: () => Iterable<string> | AsyncIterable<string>, req: IncomingMessage, res: ServerResponse, log: Logger): void {
  req.resume();
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  void (async () => {
    for await (const piece of source()) {
      if (res.destroyed) return;
      if (!res.write(piece)) await drained(res);
    }
    res.end();
  })().catch((error: unknown) => {
    log.error({ err: error, path: req.url }, 'download failed');
    res.destroy();
  });
}

/** Resolves when the response takes more, or when the client has gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The actor an action is audited as: the web UI's user as it names it, or local-cli. */
function actorOf(caller: SocketCaller, header: string | string[] | undefined): string {
  if (caller === 'cli') {
    if (header !== undefined) throw new TiboxError('TIBOX_CONTROL_ACTOR_REFUSED', { actor: CLI_ACTOR });
    return CLI_ACTOR;
  }
  if (header === undefined || header === '') throw new TiboxError('TIBOX_CONTROL_ACTOR_MISSING', {});
  const user = Array.isArray(header) ? header.join(',') : header;
  if (!WEBUI_USER_NAME.test(user)) throw new TiboxError('TIBOX_CONTROL_ACTOR_INVALID', { actor: user.slice(0, 64) });
  return webuiActor(user);
}

function allow(method: string, path: string, allowed: string): void {
  if (method !== allowed) throw new TiboxError('TIBOX_METHOD_NOT_ALLOWED', { method, path, allowed }, allowed);
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'the action name is not valid percent-encoding' });
  }
}

/** The body, refused with 413 as soon as it is declared or seen to exceed the limit. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new TiboxError('TIBOX_BODY_TOO_LARGE', { limit }, { limit });
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Stop keeping the body; the HTTP server discards the rest after the 413 is sent.
      req.off('data', onData);
      req.off('end', onEnd);
      reject(tooLarge());
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.once('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TiboxError('TIBOX_MALFORMED_JSON', { reason: (error as Error).message });
  }
}

function asTiboxError(error: unknown, log: Logger): TiboxError {
  if (error instanceof TiboxError) return error;
  log.error({ err: error }, 'control request failed');
  return new TiboxError('TIBOX_INTERNAL', { reason: error instanceof Error ? error.message : String(error) });
}

/** Throws before writing anything when the body is not JSON-serialisable (a BigInt, a cycle). */
function send(res: ServerResponse, status: number, body: ControlResponse): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
