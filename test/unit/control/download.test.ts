// Downloads over the control socket: a file several times the request limit streams through whole,
// and the client reads it as it comes; an unknown name is refused in words; a source that fails
// half-way cuts the transfer, so the reader never takes it for a whole file; the source learns who
// reads it: the web UI's user on its socket (where one must be named), local-cli on the other.
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { ControlApiError, ControlClient } from '../../../src/control/client.ts';
import type { Downloads } from '../../../src/control/handler.ts';
import { MAX_BODY_BYTES } from '../../../src/control/protocol.ts';
import { controlServerPerTest, memoryLogger, passwdFile } from './helpers.ts';

const bed = controlServerPerTest();

const LINE = `${'x'.repeat(99)}\n`;
/** A generator of `count` pages of 1000 lines each (100 kB a page). */
function* pages(count: number, failAt?: number): Generator<string> {
  for (let page = 0; page < count; page++) {
    if (page === failAt) throw new Error('the database went away');
    yield LINE.repeat(1000);
  }
}

async function start(downloads: Downloads, webui = false) {
  const logger = memoryLogger();
  const socket = webui ? { webui: { user: 'tibox-web', passwdFile: await passwdFile(bed.dir, true) } } : {};
  const socketPath = await bed.start({ log: logger.log, downloads, ...socket });
  return { client: new ControlClient(socketPath, { timeoutMs: 2_000 }), logger };
}

function readAll(res: IncomingMessage): Promise<{ bytes: number; complete: boolean }> {
  return new Promise((resolve) => {
    let bytes = 0;
    res.on('data', (chunk: Buffer) => (bytes += chunk.length));
    res.once('end', () => resolve({ bytes, complete: true }));
    res.once('error', () => resolve({ bytes, complete: false }));
    res.once('aborted', () => resolve({ bytes, complete: false }));
  });
}

describe('control API downloads', () => {
  it('streams a file of several times the request limit whole, as text', async () => {
    const { client } = await start(new Map([['security-log', () => pages(40)]]));
    const res = await client.download('security-log');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const read = await readAll(res);
    expect(read).toEqual({ bytes: 40 * 1000 * LINE.length, complete: true });
    expect(read.bytes).toBeGreaterThan(3 * MAX_BODY_BYTES);
  });

  it('refuses a name it does not know, in words', async () => {
    const { client } = await start(new Map([['security-log', () => pages(1)]]));
    const refused = await client.download('passwords').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ControlApiError);
    expect((refused as ControlApiError).code).toBe('TIBOX_NOT_FOUND');
  });

  it('cuts the transfer when its source fails half-way, and logs why', async () => {
    const { client, logger } = await start(new Map([['security-log', () => pages(30, 20)]]));
    const read = await readAll(await client.download('security-log'));
    expect(read.complete).toBe(false);
    expect(logger.lines().some((l) => l.msg === 'download failed')).toBe(true);
  });

  it('tells the source who reads: local-cli, or the web UI user the web UI names; none named there is refused', async () => {
    const readers: string[] = [];
    const source = (actor: string) => {
      readers.push(actor);
      return pages(1);
    };
    const cli = await start(new Map([['security-log', source]]));
    await readAll(await cli.client.download('security-log'));
    await bed.stop();
    const webui = await start(new Map([['security-log', source]]), true);
    await readAll(await webui.client.actingFor('admin').download('security-log'));
    const unnamed = await webui.client.download('security-log').catch((error: unknown) => error);
    expect((unnamed as ControlApiError).code).toBe('TIBOX_CONTROL_ACTOR_MISSING');
    expect(readers).toEqual(['local-cli', 'webui:admin']);
  });
});
