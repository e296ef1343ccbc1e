import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { ControlApiError, ControlClient } from '../../../src/control/client.ts';
import type { AgentStatus } from '../../../src/agent/status.ts';
import { MAX_BODY_BYTES } from '../../../src/control/protocol.ts';
import { ControlServer, type ControlServerDeps } from '../../../src/control/server.ts';
import { TiboxError } from '../../../src/core/errors.ts';
import { groupFile, memoryLogger, passwdFile, SAMPLE_STATUS, tempDir, TIBOX_TEST_GID, WEBUI_TEST_UID } from './helpers.ts';

let dir: string;
let cleanup: () => Promise<void>;
const servers: ControlServer[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});

afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  await cleanup();
});

async function startServer(overrides: Partial<ControlServerDeps> = {}) {
  const logger = memoryLogger();
  const actions = new ControlActions();
  const server = new ControlServer({
    socketPath: join(dir, 'control.sock'),
    status: () => SAMPLE_STATUS,
    actions,
    log: logger.log,
    groupFile: await groupFile(dir, true),
    ...overrides,
  });
  servers.push(server);
  await server.start(AbortSignal.timeout(5_000));
  const client = new ControlClient<AgentStatus>(overrides.socketPath ?? join(dir, 'control.sock'), { timeoutMs: 2_000 });
  return { server, actions, client, logger };
}

/** The web UI's socket, beside the administrators' one, with user tibox-web in the passwd file. */
async function startWebuiServer() {
  const webuiSocket = join(dir, 'webui.sock');
  const started = await startServer({ socketPath: webuiSocket, webui: { user: 'tibox-web', passwdFile: await passwdFile(dir, true) } });
  return { ...started, webuiSocket };
}

/** A raw request, for bodies the client never sends. */
function raw(socketPath: string, method: string, path: string, body?: string, chunked = false, extra: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; json: unknown }>((resolve, reject) => {
    const headers = { ...(chunked || body === undefined ? {} : { 'Content-Length': Buffer.byteLength(body) }), ...extra };
    const req = request({ socketPath, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    if (chunked && body !== undefined) {
      // Written in pieces so the server sees no Content-Length and must count.
      for (let i = 0; i < body.length; i += 256 * 1024) req.write(body.slice(i, i + 256 * 1024));
      req.end();
    } else req.end(body);
  });
}

async function apiError(promise: Promise<unknown>): Promise<ControlApiError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ControlApiError);
  return error as ControlApiError;
}

describe("the web UI's socket", () => {
  it('is owned by the web UI\'s user with mode 0600, so no one else but root can open it', async () => {
    const { server } = await startWebuiServer();
    const st = statSync(join(dir, 'webui.sock'));
    expect([st.isSocket(), st.mode & 0o777, st.uid]).toEqual([true, 0o600, WEBUI_TEST_UID]);
    expect(server.name).toBe('control-webui');
  });

  it('is root-only (0600) and warns when the web UI\'s user does not exist', async () => {
    const { logger } = await startServer({ socketPath: join(dir, 'webui.sock'), webui: { user: 'tibox-web', passwdFile: await passwdFile(dir, false) } });
    const st = statSync(join(dir, 'webui.sock'));
    expect([st.mode & 0o777, st.uid]).toEqual([0o600, process.getuid?.()]);
    expect(logger.lines()).toContainEqual(expect.objectContaining({ level: 40, user: 'tibox-web' }));
  });

  it('runs an action as the web UI user the request names, and logs who', async () => {
    const { actions, client, logger } = await startWebuiServer();
    const seen: string[] = [];
    actions.register('test.change', (_args, { actor }) => void seen.push(actor));
    await client.actingFor('admin').action('test.change');
    await client.actingFor('praxis.nord-2').action('test.change');
    expect(seen).toEqual(['webui:admin', 'webui:praxis.nord-2']);
    expect(logger.lines()).toContainEqual(expect.objectContaining({ action: 'test.change', actor: 'webui:admin' }));
  });

  it('answers the status without an acting user', async () => {
    const { client } = await startWebuiServer();
    expect(await client.status()).toEqual(SAMPLE_STATUS);
  });

  it('refuses an action without an acting user or with one that is no user name, and runs nothing', async () => {
    const { actions, client, webuiSocket } = await startWebuiServer();
    let ran = false;
    actions.register('test.change', () => (ran = true));
    const missing = await apiError(client.action('test.change'));
    expect([missing.status, missing.code]).toEqual([400, 'TIBOX_CONTROL_ACTOR_MISSING']);
    for (const actor of ['', 'Admin', 'local cli', 'a'.repeat(33), 'webui:admin', '<script>']) {
      const res = await raw(webuiSocket, 'POST', '/v1/actions/test.change', '{}', false, { 'X-Tibox-Actor': actor });
      expect(res.status, actor).toBe(400);
      expect((res.json as { error: { code: string } }).error.code, actor).toMatch(/^TIBOX_CONTROL_ACTOR_(MISSING|INVALID)$/);
    }
    expect(ran).toBe(false);
  });
});

describe('ControlServer and ControlClient', () => {
  it('round-trips the status and reports itself running', async () => {
    const { server, client } = await startServer();
    expect(await client.status()).toEqual(SAMPLE_STATUS);
    expect(server.status()).toMatchObject({ name: 'control', state: 'running' });
  });

  it('gives the socket to group tibox with mode 0660', async () => {
    await startServer();
    const st = statSync(join(dir, 'control.sock'));
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o660);
    expect(st.gid).toBe(TIBOX_TEST_GID);
  });

  it('keeps the socket root-only (0600) and warns when group tibox does not exist', async () => {
    const { logger } = await startServer({ groupFile: await groupFile(dir, false) });
    expect(statSync(join(dir, 'control.sock')).mode & 0o777).toBe(0o600);
    expect(logger.lines()).toContainEqual(expect.objectContaining({ level: 40, group: 'tibox' }));
  });

  it('creates a missing parent directory with mode 0755', async () => {
    const socketPath = join(dir, 'run', 'tibox', 'control.sock');
    const { client } = await startServer({ socketPath });
    expect((await stat(join(dir, 'run', 'tibox'))).mode & 0o777).toBe(0o755);
    expect((await client.status()).version).toBe(SAMPLE_STATUS.version);
  });

  it('replaces a stale socket file that nobody answers on', async () => {
    // libuv unlinks the path it bound on close, so bind elsewhere and move the socket into place.
    const stale = createServer();
    await new Promise<void>((resolve) => stale.listen(join(dir, 'old.sock'), resolve));
    await rename(join(dir, 'old.sock'), join(dir, 'control.sock'));
    await new Promise((resolve) => stale.close(resolve));
    expect(statSync(join(dir, 'control.sock')).isSocket()).toBe(true);

    const { client } = await startServer();
    expect((await client.status()).version).toBe(SAMPLE_STATUS.version);
  });

  it('refuses to start while another agent answers on the socket, and leaves it serving', async () => {
    const { client } = await startServer();
    const second = new ControlServer({
      socketPath: join(dir, 'control.sock'),
      status: () => ({ ...SAMPLE_STATUS, version: 'second' }),
      actions: new ControlActions(),
      log: memoryLogger().log,
      groupFile: await groupFile(dir, true),
    });
    const error = await second.start(AbortSignal.timeout(5_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TiboxError);
    expect((error as TiboxError).code).toBe('TIBOX_CONTROL_SOCKET_IN_USE');
    expect(second.status().state).toBe('failed');
    expect((await client.status()).version).toBe(SAMPLE_STATUS.version);
  });

  it('refuses to replace a path that is not a socket', async () => {
    await writeFile(join(dir, 'control.sock'), 'not a socket');
    await expect(startServer()).rejects.toMatchObject({ code: 'TIBOX_CONTROL_SOCKET_NOT_SOCKET' });
  });

  it('removes the socket file on stop and can start again', async () => {
    const { server, client } = await startServer();
    await server.stop();
    expect(existsSync(join(dir, 'control.sock'))).toBe(false);
    expect(server.status().state).toBe('stopped');
    await server.start(AbortSignal.timeout(5_000));
    expect((await client.status()).version).toBe(SAMPLE_STATUS.version);
  });

  it('runs a registered action with its arguments, as actor local-cli', async () => {
    const { actions, client } = await startServer();
    const seen: unknown[] = [];
    actions.register('test.echo', (args, context) => {
      seen.push(context.actor);
      return { echoed: args };
    });
    actions.register('test.nothing', () => undefined);
    expect(await client.action('test.echo', { a: [1, 'zwei'] })).toEqual({ echoed: { a: [1, 'zwei'] } });
    expect(await client.action('test.nothing')).toBeNull();
    expect(seen).toEqual(['local-cli']);
  });

  it('refuses an acting user on the administrators\' socket, and runs nothing', async () => {
    const { actions, client } = await startServer();
    let ran = false;
    actions.register('test.change', () => (ran = true));
    const error = await apiError(client.actingFor('admin').action('test.change'));
    expect([error.status, error.code]).toEqual([400, 'TIBOX_CONTROL_ACTOR_REFUSED']);
    expect(error.message).toContain('local-cli');
    expect(ran).toBe(false);
  });

  it('answers an unknown action and an unknown route with 404 and their codes', async () => {
    const { client } = await startServer();
    const unknown = await apiError(client.action('tunnel.sideways', {}));
    expect([unknown.status, unknown.code, unknown.message]).toEqual([404, 'TIBOX_UNKNOWN_ACTION', 'unknown action "tunnel.sideways"']);

    const route = await raw(join(dir, 'control.sock'), 'GET', '/v2/nothing');
    expect(route).toMatchObject({ status: 404, json: { error: { code: 'TIBOX_NOT_FOUND' } } });
  });

  it('answers a wrong method with 405 and the allowed one', async () => {
    await startServer();
    const res = await raw(join(dir, 'control.sock'), 'POST', '/v1/status', '{}');
    expect(res).toMatchObject({ status: 405, headers: { allow: 'GET' }, json: { error: { code: 'TIBOX_METHOD_NOT_ALLOWED' } } });
  });

  it('answers malformed JSON with 400 and never runs the action', async () => {
    const { actions } = await startServer();
    let ran = false;
    actions.register('test.echo', () => (ran = true));
    const res = await raw(join(dir, 'control.sock'), 'POST', '/v1/actions/test.echo', '{"a": ');
    expect(res).toMatchObject({ status: 400, json: { error: { code: 'TIBOX_MALFORMED_JSON' } } });
    expect(ran).toBe(false);
  });

  it('answers a body over 1 MiB with 413, declared or counted', async () => {
    const { actions, client } = await startServer();
    actions.register('test.echo', (args) => args);
    const big = { blob: 'x'.repeat(MAX_BODY_BYTES) };
    const declared = await apiError(client.action('test.echo', big));
    expect([declared.status, declared.code, declared.details]).toEqual([413, 'TIBOX_BODY_TOO_LARGE', { limit: MAX_BODY_BYTES }]);

    const counted = await raw(join(dir, 'control.sock'), 'POST', '/v1/actions/test.echo', JSON.stringify(big), true);
    expect(counted).toMatchObject({ status: 413, json: { error: { code: 'TIBOX_BODY_TOO_LARGE' } } });

    const justFits = 'y'.repeat(MAX_BODY_BYTES - 2);
    expect(await client.action('test.echo', justFits)).toBe(justFits);
  });

  it('maps a TiboxError from an action to its status, code and details', async () => {
    const { actions, client } = await startServer();
    actions.register('test.refuse', () => {
      throw new TiboxError('TIBOX_BAD_REQUEST', { reason: 'profile is missing' }, { field: 'profile' });
    });
    const error = await apiError(client.action('test.refuse', {}));
    expect(error).toMatchObject({ status: 400, code: 'TIBOX_BAD_REQUEST', message: 'bad request: profile is missing', details: { field: 'profile' } });
  });

  it('maps any other throw to 500 action failed, and logs it', async () => {
    const { actions, client, logger } = await startServer();
    actions.register('test.crash', async () => {
      throw new Error('disk on fire');
    });
    const error = await apiError(client.action('test.crash', {}));
    expect(error).toMatchObject({ status: 500, code: 'TIBOX_ACTION_FAILED', message: 'action "test.crash" failed: disk on fire' });
    expect(logger.lines()).toContainEqual(expect.objectContaining({ level: 50, action: 'test.crash', actor: 'local-cli' }));
  });

  it('answers 500 when a result cannot be serialised', async () => {
    const { actions, client } = await startServer();
    actions.register('test.bigint', () => 1n);
    expect(await apiError(client.action('test.bigint'))).toMatchObject({ status: 500, code: 'TIBOX_INTERNAL' });
  });
});

describe('ControlClient failures', () => {
  it('says the agent is not running when there is no socket', async () => {
    const socketPath = join(dir, 'absent.sock');
    const error = await new ControlClient<AgentStatus>(socketPath).status().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TiboxError);
    expect(error).toMatchObject({
      code: 'TIBOX_AGENT_NOT_RUNNING',
      message: `the tibox agent is not running (no control socket at ${socketPath})`,
    });
  });

  it('says the agent is not running when nobody listens on the socket file', async () => {
    const stale = createServer();
    await new Promise<void>((resolve) => stale.listen(join(dir, 'old.sock'), resolve));
    await mkdir(join(dir, 'moved'));
    await rename(join(dir, 'old.sock'), join(dir, 'moved', 'control.sock'));
    await new Promise((resolve) => stale.close(resolve));
    await expect(new ControlClient<AgentStatus>(join(dir, 'moved', 'control.sock')).status()).rejects.toMatchObject({ code: 'TIBOX_AGENT_NOT_RUNNING' });
  });

  it('gives up after its timeout', async () => {
    const { actions } = await startServer();
    let release = () => {};
    actions.register('test.hang', () => new Promise<void>((resolve) => (release = resolve)));
    const client = new ControlClient<AgentStatus>(join(dir, 'control.sock'), { timeoutMs: 100 });
    await expect(client.action('test.hang')).rejects.toMatchObject({ code: 'TIBOX_CONTROL_TIMEOUT' });
    release();
  });
});
