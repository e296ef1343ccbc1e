// ViciConnection against the fake charon: ordering, queueing, event demultiplexing, streamed
// commands, and how timeouts, aborts and closes end calls and subscriptions.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ViciConnection, type ViciSubscriber } from '../../../../src/ipsec/vici/connection.ts';
import {
  ViciAbortedError, ViciClosedError, ViciEncodeError, ViciProtocolError, ViciTimeoutError, ViciUnknownCommandError, ViciUnknownEventError,
} from '../../../../src/ipsec/vici/errors.ts';
import { viciMessage } from '../../../../src/ipsec/vici/message.ts';
import { FakeCharon, text } from './fakeCharon.ts';
import { logSpy } from './logSpy.ts';

let charon: FakeCharon;
let log: ReturnType<typeof logSpy>;
let conn: ViciConnection;

beforeEach(async () => {
  charon = new FakeCharon();
  await charon.listen();
  log = logSpy();
  // Echo answers after a delay that shrinks with n, so out-of-order handling would show.
  charon.handlers.set('echo', async (args) => {
    await sleep(30 - 10 * Number(args.get('n')));
    return args;
  });
  conn = await ViciConnection.connect(charon.path, { log });
});

afterEach(async () => {
  conn.close();
  await charon.dispose();
});

/** A subscriber that records events and the end as text. */
function recorder(): ViciSubscriber & { seen: string[] } {
  const seen: string[] = [];
  return { seen, event: (m, name) => seen.push(`${name}: ${text(m)}`), end: (reason) => seen.push(`end: ${reason.message}`) };
}

describe('ViciConnection', () => {
  it('queues concurrent commands: one in flight, each gets its own reply', async () => {
    const replies = await Promise.all([1, 2, 3].map((n) => conn.request('echo', viciMessage({ n }))));
    expect(replies.map(text)).toEqual(['n=1', 'n=2', 'n=3']);
    expect(charon.maxInFlight).toBe(1);
    expect(charon.transcript).toEqual(['request echo n=1', 'request echo n=2', 'request echo n=3']);
  });

  it('CMD_UNKNOWN rejects with ViciUnknownCommandError and leaves the connection usable', async () => {
    await expect(conn.request('nonesuch')).rejects.toThrow(ViciUnknownCommandError);
    expect(text(await conn.request('echo', viciMessage({ n: 0 })))).toBe('n=0');
  });

  it('an unencodable request rejects with ViciEncodeError, sends nothing, keeps the connection', async () => {
    await expect(conn.request('echo', viciMessage({ n: 'x'.repeat(70_000) }))).rejects.toThrow(ViciEncodeError);
    expect(conn.isClosed).toBe(false);
    expect(charon.transcript).toEqual([]);
  });

  it('delivers events to the subscribers of their name, also during a command', async () => {
    charon.handlers.set('busy', (_args, client) => {
      client.event('log', { msg: 'during' });
      client.event('ike-updown', { up: 'yes' });
      return { success: 'yes' };
    });
    const logs = recorder();
    const updown = recorder();
    await conn.subscribe('log', logs);
    await conn.subscribe('ike-updown', updown);
    expect(text(await conn.request('busy'))).toBe('success=yes');
    charon.emit('log', { msg: 'after' });
    await sleep(20);
    expect(logs.seen).toEqual(['log: msg=during', 'log: msg=after']);
    expect(updown.seen).toEqual(['ike-updown: up=yes']);
  });

  it('registers an event once for many subscribers and unregisters after the last', async () => {
    const a = recorder();
    const b = recorder();
    const offA = await conn.subscribe('log', a);
    const offB = await conn.subscribe('log', b);
    await offA();
    charon.emit('log', { msg: 'x' });
    await sleep(20);
    await offB();
    expect([a.seen, b.seen]).toEqual([[], ['log: msg=x']]);
    expect(charon.transcript).toEqual(['register log', 'unregister log']);
  });

  it('an unknown event rejects with ViciUnknownEventError', async () => {
    await expect(conn.subscribe('no-such-event', recorder())).rejects.toThrow(ViciUnknownEventError);
  });

  it('a streamed command collects its events until the response, and registers its event once for every later command', async () => {
    let call = 0;
    charon.handlers.set('list-sas', (_args, client) => {
      call++;
      client.event('list-sa', { [`gw${call}a`]: { state: 'ESTABLISHED' } });
      client.event('list-sa', { [`gw${call}b`]: { state: 'CONNECTING' } });
      return {};
    });
    const [first, second] = await Promise.all([conn.streamedRequest('list-sas', 'list-sa'), conn.streamedRequest('list-sas', 'list-sa')]);
    expect(first?.events.map(text)).toEqual(['gw1a{state=ESTABLISHED}', 'gw1b{state=CONNECTING}']);
    expect(second?.events.map(text)).toEqual(['gw2a{state=ESTABLISHED}', 'gw2b{state=CONNECTING}']);
    expect(charon.transcript).toEqual(['register list-sa', 'request list-sas', 'request list-sas']);
  });

  it('a streamed command leaves a standing subscription to its event registered', async () => {
    charon.handlers.set('initiate', (_args, client) => {
      client.event('control-log', { msg: 'hi' });
      return { success: 'yes' };
    });
    const standing = recorder();
    await conn.subscribe('control-log', standing);
    const { events } = await conn.streamedRequest('initiate', 'control-log');
    expect(events.map(text)).toEqual(['msg=hi']);
    expect(standing.seen).toEqual(['control-log: msg=hi']);
    expect(charon.transcript).toEqual(['register control-log', 'request initiate']);
  });

  it('a timeout in flight rejects, closes the connection, and fails what was queued', async () => {
    charon.handlers.set('hang', () => 'silent');
    const sub = recorder();
    await conn.subscribe('log', sub);
    const hung = conn.request('hang', undefined, { timeoutMs: 50 });
    const queued = conn.request('echo', viciMessage({ n: 0 }));
    await expect(hung).rejects.toThrow(ViciTimeoutError);
    await expect(queued).rejects.toThrow(ViciClosedError);
    expect(await conn.closed).toBeInstanceOf(ViciTimeoutError);
    expect(sub.seen).toEqual(['end: vici: command hang timed out after 50 ms']);
    await expect(conn.request('echo')).rejects.toThrow(/connection is closed/);
  });

  it('a call that times out while still queued is never sent and does not close the connection', async () => {
    const slow = conn.request('echo', viciMessage({ n: -10 })); // answers after 130 ms
    await expect(conn.request('echo', viciMessage({ n: 2 }), { timeoutMs: 20 })).rejects.toThrow(ViciTimeoutError);
    expect(text(await slow)).toBe('n=-10');
    expect(conn.isClosed).toBe(false);
    expect(charon.transcript).toEqual(['request echo n=-10']);
  });

  it('an abort in flight rejects with ViciAbortedError and closes the connection', async () => {
    charon.handlers.set('hang', () => 'silent');
    const abort = new AbortController();
    const hung = conn.request('hang', undefined, { signal: abort.signal });
    await sleep(10);
    abort.abort();
    await expect(hung).rejects.toThrow(ViciAbortedError);
    expect(conn.isClosed).toBe(true);
  });

  it('when charon goes away, pending calls reject and subscribers are told', async () => {
    charon.handlers.set('hang', () => 'silent');
    const sub = recorder();
    await conn.subscribe('ike-updown', sub);
    const pending = conn.request('hang');
    const queued = conn.request('echo');
    await sleep(10);
    await charon.stop();
    await expect(pending).rejects.toThrow(ViciClosedError);
    await expect(queued).rejects.toThrow(ViciClosedError);
    expect((await conn.closed).message).toBe('vici: charon closed the connection');
    expect(sub.seen).toEqual(['end: vici: charon closed the connection']);
  });

  it('malformed bytes from charon close the connection with the ViciProtocolError as cause', async () => {
    charon.handlers.set('garbage', (_args, client) => {
      client.raw(Buffer.from([0, 0, 0, 2, 1, 9])); // CMD_RESPONSE with unknown element type 9
      return 'silent';
    });
    const error = await conn.request('garbage').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ViciClosedError);
    expect((error as Error).cause).toBeInstanceOf(ViciProtocolError);
    expect(await conn.closed).toBeInstanceOf(ViciProtocolError);
  });

  it('a reply with nothing in flight is a protocol error', async () => {
    for (const client of charon.clients) client.raw(Buffer.from([0, 0, 0, 1, 5]));
    expect((await conn.closed).message).toMatch(/reply type 5 arrived with no request in flight/);
  });

  it('reports, never silently drops, an event nobody subscribed to and a throwing subscriber', async () => {
    for (const client of charon.clients) client.raw(Buffer.from([0, 0, 0, 5, 7, 3, ...Buffer.from('log')]));
    const good = recorder();
    await conn.subscribe('ike-updown', { event: () => { throw new Error('bug'); }, end: () => undefined });
    await conn.subscribe('ike-updown', good);
    charon.emit('ike-updown', {});
    await sleep(20);
    expect(good.seen).toEqual(['ike-updown: ']);
    expect(log.lines).toEqual(['warn vici event that was never registered, dropped (log)', 'warn vici subscriber threw on an event (ike-updown)']);
  });

  it('connecting to a socket that does not exist rejects with ViciClosedError', async () => {
    await expect(ViciConnection.connect(`${charon.path}.missing`, { log })).rejects.toThrow(ViciClosedError);
  });
});
