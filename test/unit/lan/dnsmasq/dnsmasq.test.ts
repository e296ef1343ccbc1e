// The dnsmasq subsystem against a fake dnsmasq (fakeDnsmasq.ts) and a real run directory: which
// files it writes, when it restarts and when a SIGHUP is enough, and how it restarts a dnsmasq
// that dies, and what it does with dnsmasq's output. (The real dnsmasq is in
// test/integration/dnsmasq.test.ts.)
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Health } from '../../../../src/core/health.ts';
import { createLogger } from '../../../../src/core/log.ts';
import {
  Dnsmasq, dnsmasqFiles, renderDnsmasq, type DhcpRequest, type DnsmasqDesired, type DnsmasqTimings, type TerminalDhcp,
} from '../../../../src/lan/dnsmasq/index.ts';
import { waitFor } from '../../../integration/waitFor.ts';
import { FakeDnsmasq } from './fakeDnsmasq.ts';
import { SEGMENT, withChanges } from './fixtures.ts';

const nullLog = () => createLogger({ destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
const dhcp = SEGMENT.dhcp as TerminalDhcp;
const FAST: Partial<DnsmasqTimings> = { readyTimeoutMs: 1_000, stopGraceMs: 200, restartMinMs: 20, restartMaxMs: 80, stableAfterMs: 10_000 };

describe('Dnsmasq subsystem', () => {
  let root: string;
  let runDir: string;
  let fake: FakeDnsmasq;
  let health: Health;
  /** Each health change as the subsystem's state and the warning's detail at that moment. */
  let healthLog: string[];
  let dnsmasq: Dnsmasq;
  let requests: DhcpRequest[];
  let takeRequest: (request: DhcpRequest) => void;
  const files = () => dnsmasqFiles(runDir);
  const start = (pid: number) => `start ${pid} --keep-in-foreground --conf-file=${files().config} --log-facility=-`;
  /** Inode and text of each rendered file: an atomic rewrite changes the inode even for equal text. */
  const onDisk = () => Object.fromEntries((['config', 'dhcpHosts', 'servers'] as const).map((f) => [f, `${statSync(files()[f]).ino} ${readFileSync(files()[f], 'utf8').length}`]));
  const newEvents = (before: number) => fake.events.slice(before);

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'tibox-dnsmasq-'));
    runDir = join(root, 'dnsmasq');
    fake = new FakeDnsmasq();
    healthLog = [];
    requests = [];
    takeRequest = (request) => requests.push(request);
    health = new Health((warnings) => healthLog.push(`${dnsmasq.status().state}: ${warnings.map((w) => `${w.code} ${w.detail}`).join() || 'clear'}`));
    dnsmasq = new Dnsmasq({ runDir, startProcess: fake.start, health, log: nullLog(), onDhcpRequest: (request) => takeRequest(request), timings: FAST });
    await dnsmasq.start(AbortSignal.timeout(1_000));
  });

  afterEach(async () => {
    await dnsmasq.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes the rendered files into a 0755 run directory and starts dnsmasq on its own config', async () => {
    await dnsmasq.apply(SEGMENT);
    const rendered = renderDnsmasq(SEGMENT, files());
    expect(fake.events).toEqual([start(1000)]);
    expect([readFileSync(files().config, 'utf8'), readFileSync(files().dhcpHosts, 'utf8'), readFileSync(files().servers, 'utf8')])
      .toEqual([rendered.config, rendered.dhcpHosts, rendered.servers]);
    expect(statSync(runDir).mode & 0o777).toBe(0o755);
    expect(dnsmasq.status()).toMatchObject({ name: 'dnsmasq', state: 'running' });
  });

  it('does nothing when applied again with the same state: no signal, no start, no file written', async () => {
    await dnsmasq.apply(SEGMENT);
    const [events, disk] = [fake.events.length, onDisk()];
    await dnsmasq.apply(structuredClone(SEGMENT));
    expect(newEvents(events)).toEqual([]);
    expect(onDisk()).toEqual(disk);
  });

  it('rewrites only the hosts file for a new terminal and sends SIGHUP to the same dnsmasq', async () => {
    await dnsmasq.apply(SEGMENT);
    const [events, disk] = [fake.events.length, onDisk()];
    await dnsmasq.apply(withChanges({ dhcp: { ...dhcp, terminals: [...dhcp.terminals, { name: 'labor', mac: '02:00:5e:10:00:42', address: '10.77.12.42' }] } }));
    expect(newEvents(events)).toEqual(['SIGHUP 1000']);
    expect(onDisk()).toMatchObject({ config: disk.config, servers: disk.servers });
    expect(onDisk().dhcpHosts).not.toBe(disk.dhcpHosts);
    expect(readFileSync(files().dhcpHosts, 'utf8')).toContain('\n# labor\n02:00:5e:10:00:42,id:*,10.77.12.42\n');
  });

  it('rewrites only the servers file for a new resolver and sends SIGHUP', async () => {
    await dnsmasq.apply(SEGMENT);
    const [events, disk] = [fake.events.length, onDisk()];
    await dnsmasq.apply(withChanges({ upstreams: ['192.168.178.1'] }));
    expect(newEvents(events)).toEqual(['SIGHUP 1000']);
    expect(onDisk()).toMatchObject({ config: disk.config, dhcpHosts: disk.dhcpHosts });
    expect(readFileSync(files().servers, 'utf8')).toContain('\nserver=192.168.178.1\n');
  });

  it('restarts dnsmasq when the main config changes', async () => {
    await dnsmasq.apply(SEGMENT);
    const events = fake.events.length;
    await dnsmasq.apply(withChanges({ dhcp: { ...dhcp, leaseSeconds: 3_600 } }));
    expect(newEvents(events)).toEqual(['SIGTERM 1000', start(1001)]);
    expect(readFileSync(files().config, 'utf8')).toContain(',static,255.255.255.224,3600\n');
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    await dnsmasq.apply(SEGMENT);
    const [events, disk] = [fake.events.length, onDisk()];
    const bad: DnsmasqDesired = withChanges({ dhcp: { ...dhcp, terminals: [{ name: 'empfang', mac: '02:00:5E:10:00:41', address: '10.77.12.41' }] } });
    await expect(dnsmasq.apply(bad)).rejects.toMatchObject({ code: 'TIBOX_DNSMASQ_INVALID_FIELD', details: { field: 'dhcp.terminals[0].mac' } });
    expect(newEvents(events)).toEqual([]);
    expect(onDisk()).toEqual(disk);
    expect(dnsmasq.status().state).toBe('running');
  });

  it('starts a dnsmasq that died again, pausing twice as long after each quick death, and says so in health', async () => {
    await dnsmasq.apply(SEGMENT);
    for (const pid of [1000, 1001, 1002, 1003]) {
      fake.crash(pid);
      // Serving again: started and ready (a death before ready would be a failed start).
      await waitFor(() => expect([fake.running(), dnsmasq.status().state]).toEqual([[pid + 1], 'running']), 1_000, 2);
    }
    const down = (ms: number) => `degraded: dnsmasq.down dnsmasq killed by SIGSEGV; next start in ${ms} ms`;
    expect(healthLog).toEqual([down(20), 'running: clear', down(40), 'running: clear', down(80), 'running: clear', down(80), 'running: clear']);
  });

  it('says why dnsmasq did not start, and keeps trying until it does', async () => {
    fake.mode = 'fail';
    await expect(dnsmasq.apply(SEGMENT)).rejects.toMatchObject({ code: 'TIBOX_DNSMASQ_NOT_STARTED' });
    await waitFor(() => expect(dnsmasq.status()).toMatchObject({
      state: 'failed',
      detail: expect.stringContaining('exited with code 2: dnsmasq: failed to create listening socket for 10.77.12.1: Address already in use; next start in'),
    }), 1_000, 2);
    fake.mode = 'serve';
    await waitFor(() => expect(dnsmasq.status().state).toBe('running'), 2_000, 5);
    expect(fake.running()).toHaveLength(1);
    expect(healthLog.at(-1)).toBe('running: clear');
  });

  it('hands each DHCP request in its log to onDhcpRequest and keeps every line in the log file', async () => {
    await dnsmasq.apply(SEGMENT);
    const lines = [
      'dnsmasq-dhcp[1000]: 2971280700 available DHCP subnet: 10.77.12.32/255.255.255.224',
      'dnsmasq-dhcp[1000]: 2971280700 vendor class: ORGA6141',
      'dnsmasq-dhcp[1000]: 2971280700 client provides name: KT-99',
      'dnsmasq-dhcp[1000]: 2971280700 DHCPDISCOVER(br-term) 02:00:5e:10:00:99 ignored',
      'dnsmasq-dhcp[1000]: 2454742852 vendor class: CCT',
    ];
    fake.log(1000, lines);
    expect(requests).toEqual([{ mac: '02:00:5e:10:00:99', vendorClass: 'ORGA6141', hostname: 'KT-99' }]);
    expect(readFileSync(files().log, 'utf8')).toBe(`${lines.join('\n')}\n`);
    // A new dnsmasq, a new log: nothing of the last one's open transactions is left.
    await dnsmasq.apply(withChanges({ dhcp: { ...dhcp, leaseSeconds: 3_600 } }));
    fake.log(1001, ['dnsmasq-dhcp[1001]: 2454742852 DHCPDISCOVER(br-term) 02:00:5e:10:00:98 ignored']);
    expect(requests.at(-1)).toEqual({ mac: '02:00:5e:10:00:98' });
    expect(readFileSync(files().log, 'utf8')).toBe('dnsmasq-dhcp[1001]: 2454742852 DHCPDISCOVER(br-term) 02:00:5e:10:00:98 ignored\n');
  });

  it('reads on when onDhcpRequest throws: the lines come on a pipe, where a throw would end the agent', async () => {
    await dnsmasq.apply(SEGMENT);
    takeRequest = () => {
      throw new Error('not taken');
    };
    const ignored = (mac: string) => `dnsmasq-dhcp[1000]: 1 DHCPDISCOVER(br-term) ${mac} ignored`;
    expect(() => fake.log(1000, [ignored('02:00:5e:10:00:98')])).not.toThrow();
    takeRequest = (request) => requests.push(request);
    fake.log(1000, [ignored('02:00:5e:10:00:99')]);
    expect(requests).toEqual([{ mac: '02:00:5e:10:00:99' }]);
  });

  it('ends dnsmasq on stop() without a restart and keeps its files; start() runs it again', async () => {
    await dnsmasq.apply(SEGMENT);
    await dnsmasq.stop();
    expect(fake.events.slice(1)).toEqual(['SIGTERM 1000']);
    expect(dnsmasq.status().state).toBe('stopped');
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.running()).toEqual([]);
    expect(existsSync(files().config)).toBe(true);
    await dnsmasq.start(AbortSignal.timeout(1_000));
    expect(fake.events.slice(2)).toEqual([start(1001)]);
  });

  it('writes the files of an apply before start() and runs dnsmasq only once started', async () => {
    await dnsmasq.stop();
    const events = fake.events.length;
    await dnsmasq.apply(SEGMENT);
    expect(newEvents(events)).toEqual([]);
    expect(existsSync(files().servers)).toBe(true);
    await dnsmasq.start(AbortSignal.timeout(1_000));
    expect(newEvents(events)).toEqual([start(1000)]);
  });

  it('ends dnsmasq and removes its files and directory on apply(null); a second apply(null) does nothing', async () => {
    await dnsmasq.apply(SEGMENT);
    await dnsmasq.apply(null);
    expect(fake.events.slice(1)).toEqual(['SIGTERM 1000']);
    expect(existsSync(runDir)).toBe(false);
    expect(dnsmasq.status()).toMatchObject({ state: 'running', detail: 'nothing to serve' });
    await dnsmasq.apply(null);
    expect(fake.events).toHaveLength(2);
  });
});
