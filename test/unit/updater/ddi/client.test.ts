// The DDI client against the lab's DDI server on loopback: configData, a deployment downloaded
// through a cut and checked, feedback at every step, a cancel during the download and after it,
// an altered artifact and a deployment it cannot read, each reported to the server.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { DdiClient, DdiConnection, MIN_POLL_MS, type DdiStatus } from '../../../../src/updater/ddi/index.ts';
import { CONTROLLER_ID, startLoopbackDdi, type LoopbackDdi } from './labServer.ts';

let ddi: LoopbackDdi;
let connection: DdiConnection;
let client: DdiClient;
let serial = 0;
const log = { info: () => {}, warn: () => {} };

beforeAll(async () => {
  ddi = await startLoopbackDdi();
  connection = new DdiConnection({ tls: ddi.tls, address: '127.0.0.1', timeoutMs: 3_000 });
  client = new DdiClient({
    connection,
    base: ddi.base,
    downloadDir: join(ddi.dir, 'downloads'),
    attributes: () => new Map([['serial', 'TBX-00000001'], ['firmware', '0.1.0'], ['tunnel', 'up']]),
    log,
    wait: async () => {},
  });
});
afterEach(async () => {
  await ddi.admin.setFaults({});
});
afterAll(async () => {
  await client?.stop();
  connection?.close();
  await ddi?.close();
});

async function assign(bytes: Buffer): Promise<string> {
  const file = join(ddi.dir, `artifact-${++serial}`);
  mkdirSync(ddi.dir, { recursive: true });
  writeFileSync(file, bytes);
  return ddi.admin.assign({ controllerId: CONTROLLER_ID, chunks: [{ part: 'os', version: `1.${serial}`, name: 'tibox', artifacts: [{ filename: 'tibox.raucb', path: file }] }] });
}

const phase = (id: string) => vi.waitFor(() => {
  const action = client.status().action;
  expect(action?.id).toBe(id);
  expect(['downloaded', 'failed', 'canceled']).toContain(action?.phase);
  return action?.phase;
}, { timeout: 5_000 });

const executions = async (id: string) => (await ddi.admin.action(id)).feedback.map((f) => `${f.execution}/${f.finished}${f.progress ? ` ${f.progress.cnt}/${f.progress.of}` : ''}`);

describe('DDI client', () => {
  it('sends configData when the server asks, and only then', async () => {
    expect(await client.pollOnce()).toBeGreaterThanOrEqual(300_000);
    expect((await ddi.admin.target(CONTROLLER_ID)).configData).toEqual({ mode: 'merge', data: { serial: 'TBX-00000001', firmware: '0.1.0', tunnel: 'up' } });
    const since = (await ddi.admin.requests()).length;
    await client.pollOnce();
    expect((await ddi.admin.requests(since)).map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200']);
    await ddi.admin.requestConfigData(CONTROLLER_ID);
    await client.pollOnce();
    expect((await ddi.admin.target(CONTROLLER_ID)).configDataRequested).toBe(false);
  });

  it('asks with the ETag it has and gets no body while nothing changed', async () => {
    await client.pollOnce();
    const since = (await ddi.admin.requests()).length;
    await client.pollOnce();
    const [poll] = await ddi.admin.requests(since);
    expect(poll?.status).toBe(304);
    expect(poll?.ifNoneMatch).toMatch(/^".+"$/);
  });

  it('downloads a deployment through a cut, checks it, and reports each step', async () => {
    const bytes = randomBytes(200_000);
    const id = await assign(bytes);
    await ddi.admin.setFaults({ cutDownloadAt: 50_000 });
    await client.pollOnce();
    expect(await phase(id)).toBe('downloaded');
    expect(readFileSync(join(ddi.dir, 'downloads', id, '0', 'tibox.raucb')).equals(bytes)).toBe(true);
    expect(await executions(id)).toEqual(['download/none 0/1', 'proceeding/none 1/1', 'downloaded/none 1/1']);
    const ranges = (await ddi.admin.requests()).filter((r) => r.path.includes('/artifacts/')).slice(-2).map((r) => r.range);
    expect(ranges).toEqual([undefined, 'bytes=50000-']);
    expect(client.status().action).toMatchObject({ id, phase: 'downloaded', bytes: { have: 200_000, size: 200_000 } });
  });

  it('does not start the action in hand again on the next poll', async () => {
    const since = (await ddi.admin.requests()).length;
    await client.pollOnce();
    expect((await ddi.admin.requests(since)).map((r) => r.method)).toEqual(['GET']);
  });

  it('accepts a cancel after the download, before any install, and removes the files', async () => {
    const id = client.status().action?.id ?? '';
    await ddi.admin.cancel(id);
    await client.pollOnce();
    const action = await ddi.admin.action(id);
    expect(action.state).toBe('canceled');
    expect(action.cancelFeedback.map((f) => `${f.execution}/${f.finished}`)).toEqual(['closed/success']);
    expect(existsSync(join(ddi.dir, 'downloads', id))).toBe(false);
    expect(client.status().action?.phase).toBe('canceled');
  });

  it('accepts a cancel while the download hangs, and stops it', async () => {
    const id = await assign(randomBytes(100_000));
    await ddi.admin.setFaults({ stallDownloadAt: 10_000 });
    await client.pollOnce();
    await vi.waitFor(() => expect(client.status().action?.bytes.have).toBe(10_000));
    await ddi.admin.cancel(id);
    await client.pollOnce();
    expect((await ddi.admin.action(id)).state).toBe('canceled');
    expect(client.status().action).toMatchObject({ id, phase: 'canceled' });
  });

  it('reports an artifact whose sha256 does not match as a failure and keeps nothing', async () => {
    const id = await assign(randomBytes(50_000));
    await ddi.admin.setFaults({ corruptDownload: true });
    await client.pollOnce();
    expect(await phase(id)).toBe('failed');
    const action = await ddi.admin.action(id);
    expect(action.state).toBe('failed');
    expect(action.feedback.at(-1)?.details[0]).toMatch(/^ddi download of tibox\.raucb: sha256 [0-9a-f]{64} is not the [0-9a-f]{64} the server announced; the file was discarded$/);
    expect(existsSync(join(ddi.dir, 'downloads', id))).toBe(false);
  });

  it('closes a deployment it cannot read as failed, naming what was wrong', async () => {
    const id = await assign(randomBytes(10));
    await ddi.admin.setFaults({ badJson: { kind: 'malformed', count: 1, resource: 'deployment' } });
    await client.pollOnce();
    const action = await ddi.admin.action(id);
    expect(action.state).toBe('failed');
    expect(action.feedback.map((f) => f.details[0])).toEqual([expect.stringMatching(/^ddi deployment base: not JSON/)]);
  });

  it('waits at least the interval and Retry-After after a refused poll, and counts failures', async () => {
    await ddi.admin.setFaults({ status: { code: 429, count: 2, retryAfter: '4000' } });
    const first = await client.pollOnce();
    expect(first).toBeGreaterThanOrEqual(4_000_000);
    const status: DdiStatus = client.status();
    expect(status.failures).toBe(1);
    expect(status.lastPoll).toMatchObject({ ok: false, error: expect.stringMatching(/^ddi poll: the server answered 429/) });
    await ddi.admin.setFaults({ status: { code: 503, count: 1 } });
    expect(await client.pollOnce()).toBeGreaterThanOrEqual(Math.max(MIN_POLL_MS, status.pollingSleepMs ?? 0));
    expect(client.status().failures).toBe(2);
    await client.pollOnce();
    expect(client.status()).toMatchObject({ failures: 0, lastPoll: { ok: true } });
  });
});

describe('DDI client poll loop', () => {
  // Waits for ever unless aborted: only kick() or stop() end a wait here.
  const untilAborted = (_ms: number, signal: AbortSignal) => new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));

  it('polls again at a kick after a poll that never reached the server, and not after one the server refused', async () => {
    const unreachable = new DdiClient({ connection, base: ddi.base.replace(/:\d+\//, ':1/'), downloadDir: join(ddi.dir, 'd1'), attributes: () => new Map(), log, wait: untilAborted });
    unreachable.start();
    await vi.waitFor(() => expect(unreachable.status().failures).toBe(1));
    unreachable.kick();
    await vi.waitFor(() => expect(unreachable.status().failures).toBe(2));
    await unreachable.stop();

    await ddi.admin.setFaults({ status: { code: 503, count: 5 } });
    const refused = new DdiClient({ connection, base: ddi.base, downloadDir: join(ddi.dir, 'd2'), attributes: () => new Map(), log, wait: untilAborted });
    refused.start();
    await vi.waitFor(() => expect(refused.status().failures).toBe(1));
    refused.kick();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(refused.status().failures).toBe(1);
    await refused.stop();
  });

  it('polls again at once when a kick came while a poll was still trying, and that poll never got through', async () => {
    // The server takes the connection and holds it, as a way that is opening holds a SYN, then drops it.
    const held: Socket[] = [];
    const server = createServer((socket) => (held.length === 0 ? held.push(socket) : socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const stalled = new DdiClient({ connection, base: ddi.base.replace(/:\d+\//, `:${port}/`), downloadDir: join(ddi.dir, 'd3'), attributes: () => new Map(), log, wait: (ms, signal) => (ms === 0 ? Promise.resolve() : untilAborted(ms, signal)) });
    try {
      stalled.start();
      await vi.waitFor(() => expect(held).toHaveLength(1));
      stalled.kick();
      expect(stalled.status().failures).toBe(0);
      held[0]?.destroy();
      await vi.waitFor(() => expect(stalled.status().failures).toBe(2));
    } finally {
      await stalled.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('DDI client with a deployment handler', () => {
  let handled: DdiClient;
  let release: () => void = () => {};
  const seen: string[] = [];
  let held: string | undefined;

  beforeAll(() => {
    handled = new DdiClient({
      connection,
      base: ddi.base,
      downloadDir: join(ddi.dir, 'handled'),
      attributes: () => new Map([['serial', 'TBX-00000001']]),
      log,
      wait: async () => {},
      heldAction: () => held,
      deployments: async (action) => {
        seen.push(`${action.deployment.id}: ${action.files.map((f) => f.map((file) => readFileSync(file).length).join(',')).join(';')}`);
        action.setPhase('installing', 'writing the other slot');
        await action.report({ execution: 'proceeding', finished: 'none', details: ['installing'] });
        await new Promise<void>((resolve) => (release = resolve));
        await action.report({ execution: 'closed', finished: 'success', details: ['installed'] });
        return 'closed';
      },
    });
  });
  afterAll(async () => {
    release();
    await handled?.stop();
  });

  it('hands the downloaded files on, refuses a cancel while they install, and removes them once the action is closed', async () => {
    const id = await assign(randomBytes(30_000));
    await handled.pollOnce();
    await vi.waitFor(() => expect(handled.status().action).toMatchObject({ id, phase: 'installing', detail: 'writing the other slot' }));
    expect(seen).toEqual([`${id}: 30000`]);
    await ddi.admin.cancel(id);
    await handled.pollOnce();
    expect((await ddi.admin.action(id)).cancelFeedback.map((f) => `${f.execution}/${f.finished}: ${f.details.join()}`)).toEqual(['rejected/none: the install has started; it cannot be canceled']);
    release();
    await handled.idle();
    expect(handled.status().action).toMatchObject({ id, phase: 'finished' });
    expect(await executions(id)).toEqual(['download/none 0/1', 'proceeding/none 1/1', 'downloaded/none 1/1', 'proceeding/none', 'closed/success']);
    expect(existsSync(join(ddi.dir, 'handled', id))).toBe(false);
  });

  it('does not start again an action an earlier run rebooted into, refuses its cancel, and reports its outcome when told', async () => {
    const id = await assign(randomBytes(1_000));
    held = id;
    const since = (await ddi.admin.requests()).length;
    await handled.pollOnce();
    expect((await ddi.admin.requests(since)).map((r) => r.path).filter((p) => p.includes('deploymentBase'))).toEqual([]);
    await ddi.admin.cancel(id);
    await handled.pollOnce();
    expect((await ddi.admin.action(id)).cancelFeedback.map((f) => `${f.execution}/${f.finished}`)).toEqual(['rejected/none']);
    await handled.reportAction(id, { execution: 'closed', finished: 'failure', details: ['version 2.0.0 in slot B did not come up healthy'] });
    expect((await ddi.admin.action(id)).state).toBe('failed');
    held = undefined;
  });
});
