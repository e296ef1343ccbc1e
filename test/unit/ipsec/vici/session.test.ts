// ViciSession against the fake charon: typed commands, charon's failures as errors, streamed
// listings and control-log, and reconnecting across a charon restart with subscriptions restored.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ViciClosedError, ViciCommandError, ViciProtocolError, ViciUnknownCommandError } from '../../../../src/ipsec/vici/errors.ts';
import { viciMessage } from '../../../../src/ipsec/vici/message.ts';
import { ViciSession } from '../../../../src/ipsec/vici/session.ts';
import { FakeCharon, text } from './fakeCharon.ts';
import { logSpy } from './logSpy.ts';

let charon: FakeCharon;
let session: ViciSession;
let log: ReturnType<typeof logSpy>;

beforeEach(async () => {
  charon = new FakeCharon();
  await charon.listen();
  charon.handlers.set('version', () => ({ daemon: 'charon-systemd', version: '5.9.8', sysname: 'Linux', release: '6.1', machine: 'x86_64' }));
  for (const command of ['load-conn', 'unload-conn', 'load-cert', 'load-key', 'load-shared', 'clear-creds']) {
    charon.handlers.set(command, () => ({ success: 'yes' }));
  }
  log = logSpy();
  session = new ViciSession({ socketPath: charon.path, log, reconnectMinMs: 10, reconnectMaxMs: 40 });
  const connected = once(session, 'connected');
  session.start();
  await connected;
});

afterEach(async () => {
  await session.stop();
  await charon.dispose();
});

describe('ViciSession commands', () => {
  it('version and stats come back typed', async () => {
    charon.handlers.set('stats', () => viciMessage({
      uptime: { running: '5 minutes', since: 'Jan 01 00:00:00 2025' },
      ikesas: { total: 2, 'half-open': 1 },
      plugins: ['kernel-libipsec', 'vici'],
    }));
    expect(await session.version()).toEqual({ daemon: 'charon-systemd', version: '5.9.8', sysname: 'Linux', release: '6.1', machine: 'x86_64' });
    expect(await session.stats()).toEqual({ since: 'Jan 01 00:00:00 2025', ikeSas: 2, halfOpenIkeSas: 1, plugins: ['kernel-libipsec', 'vici'] });
  });

  it('sends credentials and connections as charon expects them', async () => {
    await session.clearCreds();
    await session.loadCert({ type: 'X509', flag: 'CA', data: Buffer.from([0x30, 0x82, 0x01]) });
    await session.loadKey({ type: 'ecdsa', data: '-----BEGIN EC PRIVATE KEY-----' });
    await session.loadShared({ type: 'IKE', data: 'secret', owners: ['box', 'gw'] });
    await session.loadConn('dc1', viciMessage({ remote_addrs: ['192.0.2.1'], children: { ti: { start_action: 'none' } } }));
    await session.unloadConn('dc1');
    expect(charon.transcript).toEqual([
      'request clear-creds',
      'request load-cert type=X509 flag=CA data=0x308201',
      'request load-key type=ecdsa data=-----BEGIN EC PRIVATE KEY-----',
      'request load-shared type=IKE data=secret owners[box,gw]',
      'request load-conn dc1{remote_addrs[192.0.2.1] children{ti{start_action=none}}}',
      'request unload-conn name=dc1',
    ]);
  });

  it('success = no becomes ViciCommandError with charon errmsg', async () => {
    charon.handlers.set('unload-conn', () => ({ success: 'no', errmsg: "connection 'x' not found" }));
    const error = await session.unloadConn('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ViciCommandError);
    expect(error).toMatchObject({ code: 'VICI_COMMAND_FAILED', command: 'unload-conn', errmsg: "connection 'x' not found" });
  });

  it('a success value other than yes/no is a protocol error', async () => {
    charon.handlers.set('clear-creds', () => ({ success: 'maybe' }));
    await expect(session.clearCreds()).rejects.toThrow(ViciProtocolError);
  });

  it('CMD_UNKNOWN becomes ViciUnknownCommandError', async () => {
    await expect(session.rekey({ ike: 'dc1' })).rejects.toThrow("charon does not know the command 'rekey'");
    await expect(session.rekey({ ike: 'dc1' })).rejects.toThrow(ViciUnknownCommandError);
  });

  it('get-conns, list-conns and list-sas give names and sections', async () => {
    charon.handlers.set('get-conns', () => ({ conns: ['dc1', 'dc2'] }));
    charon.handlers.set('list-conns', (_args, client) => {
      client.event('list-conn', { dc1: { version: 'IKEv2' } });
      client.event('list-conn', { dc2: { version: 'IKEv2' } });
      return {};
    });
    charon.handlers.set('list-sas', (_args, client) => {
      client.event('list-sa', { dc1: { state: 'ESTABLISHED', 'child-sas': { 'ti-1': { state: 'INSTALLED' } } } });
      return {};
    });
    expect(await session.getConns()).toEqual(['dc1', 'dc2']);
    expect((await session.listConns()).map((c) => `${c.name}: ${text(c.section)}`)).toEqual(['dc1: version=IKEv2', 'dc2: version=IKEv2']);
    expect((await session.listSas({ ike: 'dc1', noblock: true })).map((c) => `${c.name}: ${text(c.section)}`))
      .toEqual(['dc1: state=ESTABLISHED child-sas{ti-1{state=INSTALLED}}']);
    expect(charon.transcript.filter((l) => l.startsWith('request'))).toEqual([
      'request get-conns', 'request list-conns', 'request list-sas ike=dc1 noblock=yes',
    ]);
  });

  it('initiate hands charon its timeout and returns the control-log; a failure carries it', async () => {
    let ok = true;
    charon.handlers.set('initiate', (_args, client) => {
      client.event('control-log', { group: 'IKE', level: '1', msg: 'initiating IKE_SA dc1[1] to 192.0.2.1' });
      return ok ? { success: 'yes' } : { success: 'no', errmsg: 'establishing CHILD_SA failed' };
    });
    expect(await session.initiate({ child: 'ti', ike: 'dc1', timeoutMs: 5000 })).toEqual({ log: ['[IKE] initiating IKE_SA dc1[1] to 192.0.2.1'] });
    ok = false;
    const error = await session.initiate({ child: 'ti', timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ errmsg: 'establishing CHILD_SA failed', log: ['[IKE] initiating IKE_SA dc1[1] to 192.0.2.1'] });
    expect(charon.transcript.filter((l) => l.startsWith('request'))).toEqual([
      'request initiate child=ti ike=dc1 timeout=5000',
      'request initiate child=ti timeout=5000',
    ]);
  });

  it('terminate and rekey send their targets', async () => {
    charon.handlers.set('terminate', () => ({ success: 'yes', matches: '1', terminated: '1' }));
    charon.handlers.set('rekey', () => ({ success: 'yes', matches: '1' }));
    expect(await session.terminate({ ike: 'dc1', force: true, timeoutMs: 1000 })).toEqual({ log: [] });
    expect(await session.rekey({ child: 'ti', reauth: true })).toEqual({ matches: 1 });
    expect(charon.transcript.filter((l) => l.startsWith('request'))).toEqual([
      'request terminate ike=dc1 force=yes timeout=1000',
      'request rekey child=ti reauth=yes',
    ]);
  });
});

describe('ViciSession events and reconnect', () => {
  it('parses ike-updown and child-updown for their listeners', async () => {
    const seen: string[] = [];
    await session.subscribe('ike-updown', (e) => seen.push(`ike ${e.ike} ${e.up ? 'up' : 'down'} ${text(e.sa)}`));
    await session.subscribe('child-updown', (e) => seen.push(`child ${e.ike} ${e.up ? 'up' : 'down'}`));
    charon.emit('ike-updown', { up: 'yes', dc1: { state: 'ESTABLISHED' } });
    charon.emit('child-updown', { dc1: { 'child-sas': {} } });
    await sleep(20);
    expect(seen).toEqual(['ike dc1 up state=ESTABLISHED', 'child dc1 down']);
  });

  it('a malformed event is logged, not lost', async () => {
    await session.subscribe('ike-updown', () => undefined);
    charon.emit('ike-updown', { up: 'yes' });
    await sleep(20);
    expect(log.lines).toEqual(['warn vici subscriber threw on an event (ike-updown)']);
  });

  it('unsubscribing the last listener unregisters the event', async () => {
    const off1 = await session.subscribe('log', () => undefined);
    const off2 = await session.subscribe('log', () => undefined);
    await off1();
    expect(charon.transcript).toEqual(['register log']);
    await off2();
    expect(charon.transcript).toEqual(['register log', 'unregister log']);
  });

  it('reconnects after a charon restart, restores subscriptions first, then says connected', async () => {
    const seen: string[] = [];
    await session.subscribe('ike-updown', (e) => seen.push(`${e.ike} ${e.up}`));
    await session.subscribe('log', (e) => seen.push(e.msg));

    const disconnected = once(session, 'disconnected');
    await charon.stop();
    const [reason] = (await disconnected) as [Error];
    expect(reason.message).toBe('vici: charon closed the connection');
    expect(session.isConnected).toBe(false);
    await expect(session.version()).rejects.toThrow(ViciClosedError);
    await sleep(100); // a few failed attempts against the missing socket

    charon.transcript.length = 0;
    const connected = once(session, 'connected');
    await charon.listen();
    await connected;
    expect(charon.transcript).toEqual(['register ike-updown', 'register log']);
    charon.emit('ike-updown', { up: 'yes', dc1: {} });
    charon.emit('log', { group: 'IKE', level: '1', msg: 'back' });
    await sleep(20);
    expect(seen).toEqual(['dc1 true', 'back']);
    expect((await session.version()).version).toBe('5.9.8');
    expect(log.lines).toEqual(['warn vici: connection to charon lost, reconnecting', 'warn vici: cannot connect to charon, retrying']);
  });

  it('a subscription made while disconnected is registered on the next connection', async () => {
    const disconnected = once(session, 'disconnected');
    await charon.stop();
    await disconnected;
    const seen: string[] = [];
    await session.subscribe('child-rekey', (e) => seen.push(e.ike));
    const connected = once(session, 'connected');
    await charon.listen();
    await connected;
    charon.emit('child-rekey', { dc2: {} });
    await sleep(20);
    expect(seen).toEqual(['dc2']);
  });

  it('stop() closes without a disconnected event and ends reconnecting', async () => {
    const events: string[] = [];
    session.on('disconnected', () => events.push('disconnected'));
    session.on('connected', () => events.push('connected'));
    await session.stop();
    await sleep(50);
    expect(events).toEqual([]);
    expect(session.isConnected).toBe(false);
    expect(charon.clients.size).toBe(0);
  });

  it('stop() while charon is down ends the retry loop at once', async () => {
    const disconnected = once(session, 'disconnected');
    await charon.stop();
    await disconnected;
    const started = Date.now();
    await session.stop();
    expect(Date.now() - started).toBeLessThan(100);
    await charon.listen();
    await sleep(80);
    expect(charon.clients.size).toBe(0);
  });
});
