// The dnsmasq subsystem against a fake of its service (FakeComponent) and a real run directory:
// which files it writes, when it has dnsmasq restarted and when a SIGHUP is enough, what a new
// agent does with a dnsmasq an earlier one left, what it says while dnsmasq is away, and what it
// does with dnsmasq's log. (The real dnsmasq is in test/integration/dnsmasq.test.ts.)
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Health } from '../../../../src/core/health.ts';
import { createLogger } from '../../../../src/core/log.ts';
import {
  Dnsmasq, dnsmasqCommand, dnsmasqFiles, renderDnsmasq, type DhcpRequest, type DnsmasqDesired, type DnsmasqTimings, type TerminalDhcp,
} from '../../../../src/lan/dnsmasq/index.ts';
import { waitFor } from '../../../integration/waitFor.ts';
import { FakeComponent } from '../../core/fakeComponent.ts';
import { SEGMENT, withChanges } from './fixtures.ts';

const nullLog = () => createLogger({ destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
const dhcp = SEGMENT.dhcp as TerminalDhcp;
const FAST: Partial<DnsmasqTimings> = { watchMs: 10, downGraceMs: 50, logPollMs: 10 };
const LEASE_CHANGE = withChanges({ dhcp: { ...dhcp, leaseSeconds: 3_600 } });

describe('Dnsmasq subsystem', () => {
  let root: string;
  let runDir: string;
  let service: FakeComponent;
  let health: Health;
  /** Each health change as the subsystem's state and the warning's detail at that moment. */
  let healthLog: string[];
  let dnsmasq: Dnsmasq;
  let requests: DhcpRequest[];
  let takeRequest: (request: DhcpRequest) => void;
  const files = () => dnsmasqFiles(runDir);
  /** Inode and text of each rendered file: an atomic rewrite changes the inode even for equal text. */
  const onDisk = () => Object.fromEntries((['config', 'dhcpHosts', 'servers'] as const).map((f) => [f, `${statSync(files()[f]).ino} ${readFileSync(files()[f], 'utf8').length}`]));
  const newEvents = (before: number) => service.events.slice(before);
  const build = () => new Dnsmasq({ runDir, component: service, health, log: nullLog(), onDhcpRequest: (request) => takeRequest(request), timings: FAST });

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'tibox-dnsmasq-'));
    runDir = join(root, 'dnsmasq');
    // Its service started it before the agent wrote anything.
    service = new FakeComponent(dnsmasqCommand(files()), { since: 0 });
    healthLog = [];
    requests = [];
    takeRequest = (request) => requests.push(request);
    health = new Health((warnings) => healthLog.push(`${dnsmasq.status().state}: ${warnings.map((w) => `${w.code} ${w.detail}`).join() || 'clear'}`));
    dnsmasq = build();
    await dnsmasq.start(AbortSignal.timeout(1_000));
  });

  afterEach(async () => {
    await dnsmasq.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes the rendered files into a 0755 run directory and has the dnsmasq that ran before restarted on them', async () => {
    await dnsmasq.apply(SEGMENT);
    const rendered = renderDnsmasq(SEGMENT, files());
    expect(service.events).toEqual(['SIGTERM 1000', 'start 1001']);
    expect([readFileSync(files().config, 'utf8'), readFileSync(files().dhcpHosts, 'utf8'), readFileSync(files().servers, 'utf8')])
      .toEqual([rendered.config, rendered.dhcpHosts, rendered.servers]);
    expect(statSync(runDir).mode & 0o777).toBe(0o755);
    expect(dnsmasq.status()).toMatchObject({ name: 'dnsmasq', state: 'running' });
  });

  it('does nothing when applied again with the same state: no signal, no file written', async () => {
    await dnsmasq.apply(SEGMENT);
    const [events, disk] = [service.events.length, onDisk()];
    await dnsmasq.apply(structuredClone(SEGMENT));
    expect(newEvents(events)).toEqual([]);
    expect(onDisk()).toEqual(disk);
  });

  it('rewrites only the hosts file for a new terminal and sends SIGHUP to the same dnsmasq', async () => {
    await dnsmasq.apply(SEGMENT);
    const [events, disk] = [service.events.length, onDisk()];
    await dnsmasq.apply(withChanges({ dhcp: { ...dhcp, terminals: [...dhcp.terminals, { name: 'labor', mac: '02:00:5e:10:00:42', address: '10.77.12.42' }] } }));
    expect(newEvents(events)).toEqual(['SIGHUP 1001']);
    expect(onDisk()).toMatchObject({ config: disk.config, servers: disk.servers });
    expect(onDisk().dhcpHosts).not.toBe(disk.dhcpHosts);
    expect(readFileSync(files().dhcpHosts, 'utf8')).toContain('\n# labor\n02:00:5e:10:00:42,id:*,10.77.12.42\n');
  });

  it('rewrites only the servers file for a new resolver and sends SIGHUP', async () => {
    await dnsmasq.apply(SEGMENT);
    const [events, disk] = [service.events.length, onDisk()];
    await dnsmasq.apply(withChanges({ upstreams: ['192.168.178.1'] }));
    expect(newEvents(events)).toEqual(['SIGHUP 1001']);
    expect(onDisk()).toMatchObject({ config: disk.config, dhcpHosts: disk.dhcpHosts });
    expect(readFileSync(files().servers, 'utf8')).toContain('\nserver=192.168.178.1\n');
  });

  it('has dnsmasq restarted when the main config changes', async () => {
    await dnsmasq.apply(SEGMENT);
    const events = service.events.length;
    await dnsmasq.apply(LEASE_CHANGE);
    expect(newEvents(events)).toEqual(['SIGTERM 1001', 'start 1002']);
    expect(readFileSync(files().config, 'utf8')).toContain(',static,255.255.255.224,3600\n');
  });

  it('refuses bad input with a clear error and changes nothing', async () => {
    await dnsmasq.apply(SEGMENT);
    const [events, disk] = [service.events.length, onDisk()];
    const bad: DnsmasqDesired = withChanges({ dhcp: { ...dhcp, terminals: [{ name: 'empfang', mac: '02:00:5E:10:00:41', address: '10.77.12.41' }] } });
    await expect(dnsmasq.apply(bad)).rejects.toMatchObject({ code: 'TIBOX_DNSMASQ_INVALID_FIELD', details: { field: 'dhcp.terminals[0].mac' } });
    expect(newEvents(events)).toEqual([]);
    expect(onDisk()).toEqual(disk);
    expect(dnsmasq.status().state).toBe('running');
  });

  it('a new agent restarts nothing that serves its config, and still tells it to re-read its files once', async () => {
    await dnsmasq.apply(SEGMENT);
    await dnsmasq.stop();
    const events = service.events.length;
    dnsmasq = build();
    await dnsmasq.start(AbortSignal.timeout(1_000));
    await dnsmasq.apply(SEGMENT);
    await dnsmasq.apply(SEGMENT);
    expect(newEvents(events)).toEqual(['SIGHUP 1001']);
  });

  it('a new agent has dnsmasq restarted when its config was written after it started (the agent before was killed in between)', async () => {
    await dnsmasq.apply(SEGMENT);
    await dnsmasq.stop();
    // The killed agent wrote the new config and died before it could end dnsmasq.
    const started = service.running?.since ?? 0;
    writeFileSync(files().config, renderDnsmasq(LEASE_CHANGE, files()).config);
    utimesSync(files().config, new Date(started + 1_000), new Date(started + 1_000));
    const events = service.events.length;
    dnsmasq = build();
    await dnsmasq.start(AbortSignal.timeout(1_000));
    await dnsmasq.apply(LEASE_CHANGE);
    expect(newEvents(events)).toEqual(['SIGTERM 1001', 'start 1002']);
  });

  it('writes the files while dnsmasq is away, signals nothing, and warns once it stays away', async () => {
    await dnsmasq.apply(SEGMENT);
    service.crash();
    const events = service.events.length;
    await dnsmasq.apply(withChanges({ upstreams: ['192.168.178.1'] }));
    expect(newEvents(events)).toEqual([]);
    expect(readFileSync(files().servers, 'utf8')).toContain('\nserver=192.168.178.1\n');
    expect(dnsmasq.status()).toMatchObject({ state: 'degraded', detail: expect.stringMatching(/^dnsmasq is not running \(for \d+ s\); its service starts it again$/) });
    await waitFor(() => expect(dnsmasq.status().state).toBe('failed'), 1_000, 5);
    expect(healthLog).toEqual([expect.stringMatching(/^failed: dnsmasq\.down dnsmasq is not running \(for \d+ s\); its service starts it again$/)]);
    service.revive();
    await waitFor(() => expect(dnsmasq.status().state).toBe('running'), 1_000, 5);
    expect(healthLog.at(-1)).toBe('running: clear');
  });

  it('says so when its service starts no new dnsmasq after a config change', async () => {
    await dnsmasq.apply(SEGMENT);
    service.restarts = false;
    await expect(dnsmasq.apply(LEASE_CHANGE)).rejects.toMatchObject({
      code: 'TIBOX_DNSMASQ_NOT_STARTED', message: expect.stringContaining('its service started no new one within 10000 ms'),
    });
    await waitFor(() => expect(healthLog.at(-1)).toMatch(/^failed: dnsmasq\.down /), 1_000, 5);
  });

  it('hands each DHCP request its log file gets to onDhcpRequest, from where the file ended at start', async () => {
    await dnsmasq.apply(SEGMENT);
    await dnsmasq.stop();
    // Lines from before this agent started are an earlier agent's.
    appendFileSync(files().log, 'Dec  7 03:52:55 dnsmasq-dhcp[1001]: 1 DHCPDISCOVER(br-term) 02:00:5e:10:00:97 ignored\n');
    dnsmasq = build();
    await dnsmasq.start(AbortSignal.timeout(1_000));
    const lines = [
      'Dec  7 03:52:56 dnsmasq-dhcp[1001]: 2971280700 available DHCP subnet: 10.77.12.32/255.255.255.224',
      'Dec  7 03:52:56 dnsmasq-dhcp[1001]: 2971280700 vendor class: ORGA6141',
      'Dec  7 03:52:56 dnsmasq-dhcp[1001]: 2971280700 client provides name: KT-99',
      'Dec  7 03:52:56 dnsmasq-dhcp[1001]: 2971280700 DHCPDISCOVER(br-term) 02:00:5e:10:00:99 ignored',
      'Dec  7 03:52:56 dnsmasq-dhcp[1001]: 2454742852 vendor class: CCT',
    ];
    appendFileSync(files().log, `${lines.join('\n')}\n`);
    await waitFor(() => expect(requests).toEqual([{ mac: '02:00:5e:10:00:99', vendorClass: 'ORGA6141', hostname: 'KT-99' }]), 1_000, 5);
  });

  it('reads on when onDhcpRequest throws: a throw on the timer would end the agent', async () => {
    await dnsmasq.apply(SEGMENT);
    takeRequest = () => {
      throw new Error('not taken');
    };
    const ignored = (mac: string) => `Dec  7 03:52:56 dnsmasq-dhcp[1001]: 1 DHCPDISCOVER(br-term) ${mac} ignored\n`;
    appendFileSync(files().log, ignored('02:00:5e:10:00:98'));
    await new Promise((r) => setTimeout(r, 50));
    takeRequest = (request) => requests.push(request);
    appendFileSync(files().log, ignored('02:00:5e:10:00:99'));
    await waitFor(() => expect(requests).toEqual([{ mac: '02:00:5e:10:00:99' }]), 1_000, 5);
  });

  it('leaves dnsmasq running on stop(): it is not the agent\'s', async () => {
    await dnsmasq.apply(SEGMENT);
    const events = service.events.length;
    await dnsmasq.stop();
    expect(newEvents(events)).toEqual([]);
    expect(service.running?.pid).toBe(1001);
    expect(dnsmasq.status().state).toBe('stopped');
  });

  it('has dnsmasq serve nothing on apply(null), and does nothing on a second apply(null)', async () => {
    await dnsmasq.apply(SEGMENT);
    await dnsmasq.apply(null);
    expect(service.events.slice(2)).toEqual(['SIGTERM 1001', 'start 1002']);
    expect(readFileSync(files().config, 'utf8')).toContain('\nport=0\n');
    expect(readFileSync(files().config, 'utf8')).not.toContain('dhcp-range');
    expect(dnsmasq.status()).toMatchObject({ state: 'running', detail: 'nothing to serve' });
    await dnsmasq.apply(null);
    expect(service.events).toHaveLength(4);
  });
});
