// The DDI connection and downloads against the lab's DDI server on loopback: mutual TLS with the
// management CA only, answers that are errors, too large or cut off, and downloads resumed with
// Range after a cut and checked against their sha256.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  DdiConnection,
  DdiError,
  downloadArtifact,
  MAX_CONTROLLER_BASE_BYTES,
  parseControllerBase,
  parseDeploymentBase,
  partFile,
  type Artifact,
} from '../../../../src/updater/ddi/index.ts';
import { CONTROLLER_ID, startLoopbackDdi, type LoopbackDdi } from './labServer.ts';

let ddi: LoopbackDdi;
let connection: DdiConnection;
const payload = randomBytes(300_000);

beforeAll(async () => {
  ddi = await startLoopbackDdi();
  connection = new DdiConnection({ tls: ddi.tls, address: '127.0.0.1', timeoutMs: 5_000 });
});
afterAll(async () => {
  connection?.close();
  await ddi?.close();
});

const poll = (conn = connection) => conn.call('poll', 'GET', ddi.base, { maxBytes: MAX_CONTROLLER_BASE_BYTES });

async function failure(promise: Promise<unknown>): Promise<DdiError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DdiError);
  return error as DdiError;
}

describe('DDI connection', () => {
  it('polls over mutual TLS, with an ETag that saves the body next time', async () => {
    const first = await poll();
    expect(first.status).toBe(200);
    expect(parseControllerBase(first.body).configData).toBe(`${ddi.base}/configData`);
    const etag = String(first.headers.etag);
    const again = await connection.call('poll', 'GET', ddi.base, { maxBytes: MAX_CONTROLLER_BASE_BYTES, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('refuses a server certificate from a foreign CA, and connects again once it is the lab one', async () => {
    await ddi.admin.useIdentity('foreign');
    const fresh = new DdiConnection({ tls: ddi.tls, address: '127.0.0.1' });
    try {
      const error = await failure(poll(fresh));
      expect(error.code).toBe('DDI_CONNECTION');
      expect(error.message).toMatch(/^ddi poll: .*(self-signed|unable to verify|local issuer)/);
      await ddi.admin.useIdentity('lab');
      expect((await poll(fresh)).status).toBe(200);
    } finally {
      fresh.close();
    }
  });

  it('is refused by the server as another controller than its certificate says', async () => {
    const other = new DdiConnection({ tls: ddi.otherTls, address: '127.0.0.1' });
    try {
      const error = await failure(poll(other));
      expect(error.message).toBe('ddi poll: the server answered 403 ({"message":"the client certificate (CN box-0002.boxes.tibox.test) is not controller box-0001.boxes.tibox.test"})');
    } finally {
      other.close();
    }
  });

  it('reports 429 with its Retry-After, and 500', async () => {
    await ddi.admin.setFaults({ status: { code: 429, count: 1, retryAfter: '3' } });
    const busy = await failure(poll());
    expect(busy).toMatchObject({ code: 'DDI_HTTP', status: 429, retryAfterMs: 3000 });
    await ddi.admin.setFaults({ status: { code: 500, count: 1 } });
    expect(await failure(poll())).toMatchObject({ code: 'DDI_HTTP', status: 500, retryAfterMs: undefined });
    expect((await poll()).status).toBe(200);
  });

  it('stops reading an oversized answer at the limit, and a malformed one is refused by the parser', async () => {
    await ddi.admin.setFaults({ badJson: { kind: 'oversized', count: 1 } });
    expect((await failure(poll())).message).toMatch(/^ddi poll: the body has \d+ bytes, more than the limit of 65536$/);
    await ddi.admin.setFaults({ badJson: { kind: 'malformed', count: 1 } });
    expect(() => parseControllerBase(Buffer.alloc(0))).toThrow(DdiError);
    const malformed = await poll();
    expect(() => parseControllerBase(malformed.body)).toThrow(/^ddi controller base: not JSON/);
  });

  it('gives up on an aborted call at once', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    expect((await failure(connection.call('poll', 'GET', ddi.base, { maxBytes: 1000, signal: controller.signal }))).code).toBe('DDI_ABORTED');
  });
});

describe('DDI downloads', () => {
  let artifact: Artifact;

  beforeAll(async () => {
    const file = join(ddi.dir, 'bundle.raucb');
    writeFileSync(file, payload);
    const actionId = await ddi.admin.assign({ controllerId: CONTROLLER_ID, chunks: [{ part: 'os', version: '2.0.0', name: 'tibox', artifacts: [{ filename: 'bundle.raucb', path: file }] }] });
    const answer = await connection.call('deployment', 'GET', `${ddi.base}/deploymentBase/${actionId}`, { maxBytes: 256 * 1024 });
    const found = parseDeploymentBase(answer.body).chunks[0]?.artifacts[0];
    if (!found) throw new Error('no artifact');
    artifact = found;
  });

  it('resumes a download cut at byte 100000 with a Range request and checks its sha256', async () => {
    const target = join(ddi.dir, 'resumed.raucb');
    await ddi.admin.setFaults({ cutDownloadAt: 100_000 });
    const since = (await ddi.admin.requests()).length;
    const cut = await failure(downloadArtifact(connection, artifact, target));
    expect(cut.message).toBe('ddi download of bundle.raucb: ended after 100000 of 300000 bytes');
    expect(statSync(partFile(target)).size).toBe(100_000);
    expect(existsSync(target)).toBe(false);

    const progress: number[] = [];
    await downloadArtifact(connection, artifact, target, { onProgress: (p) => progress.push(p.resumedFrom) });
    expect(readFileSync(target).equals(payload)).toBe(true);
    expect(existsSync(partFile(target))).toBe(false);
    expect(new Set(progress)).toEqual(new Set([100_000]));
    const downloads = (await ddi.admin.requests(since)).filter((r) => r.path.includes('/artifacts/'));
    expect(downloads.map((r) => [r.status, r.range])).toEqual([[200, undefined], [206, 'bytes=100000-']]);
  });

  it('gives up on a stalled download after the per-call timeout, keeps what came, and resumes from there', async () => {
    const target = join(ddi.dir, 'stalled.raucb');
    const quick = new DdiConnection({ tls: ddi.tls, address: '127.0.0.1', timeoutMs: 300 });
    try {
      await ddi.admin.setFaults({ stallDownloadAt: 20_000 });
      const stalled = await failure(downloadArtifact(quick, artifact, target));
      expect(stalled.code).toBe('DDI_TRUNCATED');
      expect((stalled.cause as DdiError).message).toBe('ddi download of bundle.raucb: no answer within 300 ms');
      expect(statSync(partFile(target)).size).toBe(20_000);
      await downloadArtifact(quick, artifact, target);
      expect(readFileSync(target).equals(payload)).toBe(true);
    } finally {
      quick.close();
    }
  });

  it('discards a download whose sha256 is not the announced one', async () => {
    const target = join(ddi.dir, 'altered.raucb');
    const error = await failure(downloadArtifact(connection, { ...artifact, sha256: 'f'.repeat(64) }, target));
    expect(error.code).toBe('DDI_HASH_MISMATCH');
    expect(existsSync(target)).toBe(false);
    expect(existsSync(partFile(target))).toBe(false);
  });

  it('starts over when the part on disk is longer than the artifact', async () => {
    const target = join(ddi.dir, 'overlong.raucb');
    writeFileSync(partFile(target), Buffer.alloc(artifact.size + 1));
    await downloadArtifact(connection, artifact, target);
    expect(readFileSync(target).equals(payload)).toBe(true);
  });
});

describe('DDI connection moved to another address', () => {
  it('sends each request to the address of its way, and drops a request still on the way left', async () => {
    // The server on a second address, as the lab's on its address in the core and on the internet's.
    await ddi.server.listenAlso(ddi.server.port, '127.0.0.2');
    const moving = new DdiConnection({ tls: ddi.tls, address: '127.0.0.1', timeoutMs: 60_000 });
    try {
      const since = (await ddi.admin.requests()).length;
      await poll(moving);
      moving.connectTo('127.0.0.2');
      await poll(moving);
      await poll(moving);
      moving.connectTo('127.0.0.2');
      await poll(moving);
      moving.connectTo('127.0.0.1');
      await poll(moving);
      expect((await ddi.admin.requests(since)).map((r) => r.localAddress)).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.2', '127.0.0.2', '127.0.0.1']);

      // A download that hangs on the old way ends as a broken line, not by its timeout.
      const file = join(ddi.dir, 'moving.raucb');
      writeFileSync(file, payload);
      const actionId = await ddi.admin.assign({ controllerId: CONTROLLER_ID, chunks: [{ part: 'os', version: '2.0.1', name: 'tibox', artifacts: [{ filename: 'moving.raucb', path: file }] }] });
      const answer = await moving.call('deployment', 'GET', `${ddi.base}/deploymentBase/${actionId}`, { maxBytes: 256 * 1024 });
      const artifact = parseDeploymentBase(answer.body).chunks[0]?.artifacts[0];
      if (!artifact) throw new Error('no artifact');
      await ddi.admin.setFaults({ stallDownloadAt: 10_000 });
      const hanging = failure(downloadArtifact(moving, artifact, join(ddi.dir, 'moving-copy.raucb')));
      await new Promise((resolve) => setTimeout(resolve, 200));
      moving.connectTo('127.0.0.2');
      const error = await hanging;
      expect(error.code).toBe('DDI_TRUNCATED');
      expect((error.cause as DdiError).code).toBe('DDI_CONNECTION');
      await downloadArtifact(moving, artifact, join(ddi.dir, 'moving-copy.raucb'));
      const downloads = (await ddi.admin.requests(since)).filter((r) => r.path.includes('/artifacts/'));
      expect(downloads.map((r) => [r.localAddress, r.range])).toEqual([['127.0.0.1', undefined], ['127.0.0.2', 'bytes=10000-']]);
    } finally {
      moving.close();
    }
  });
});
