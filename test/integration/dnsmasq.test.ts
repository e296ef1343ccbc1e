// The dnsmasq subsystem with the real dnsmasq, run as its own service by the lab's supervisor as
// systemd runs it on the box, in namespaces this test creates (topology in dnsmasq/topology.ts):
// static leases for registered terminals only, DHCP never on the practice LAN, TI names through
// the "tunnel" from the box's TI address, nothing else unless configured, SIGHUP for terminals and
// resolvers, a restart for the main config, a new agent that takes over without a restart, and
// each DHCP request (an ignored one too) handed to onDhcpRequest with what its client sent.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Health } from '../../src/core/health.ts';
import { createLogger } from '../../src/core/log.ts';
import { processRunner } from '../../src/core/runner.ts';
import { Dnsmasq, dnsmasqCommand, dnsmasqFiles, renderDnsmasq, type DhcpRequest, type DnsmasqDesired, type TerminalDhcp } from '../../src/lan/dnsmasq/index.ts';
import { Supervised } from '../lab/supervisor.ts';
import { ADDR, DnsmasqTopology, NAMES } from './dnsmasq/topology.ts';
import { waitFor } from './waitFor.ts';

// A name as people register it: quotes, '#' and commas mean something to dnsmasq, except in a comment.
const TERMINAL = { name: 'Empfang "vorne" #1, Ärztin', mac: '02:00:5e:10:00:40', address: '10.77.12.40' };
const SECOND = { name: 'labor', mac: '02:00:5e:10:00:41', address: '10.77.12.41' };
const UNREGISTERED_MAC = '02:00:5e:10:00:99';

const DESIRED: DnsmasqDesired = {
  listen: [ADDR.lanGateway, ADDR.terminalGateway],
  lanPort: 'lan0',
  tiDns: { servers: [ADDR.tiDns], domains: ['telematik', 'telematik-test', 'splitdns.ti-dienste.de'], source: ADDR.lanGateway },
  upstreams: [],
  dhcp: { bridge: 'br-term', prefix: '10.77.12.32/27', gateway: ADDR.terminalGateway, leaseSeconds: 3_600, terminals: [TERMINAL] },
};
const dhcp = DESIRED.dhcp as TerminalDhcp;
const lease = (address: string, seconds = 3_600) =>
  `lease ip=${address} mask=27 router=${ADDR.terminalGateway} dns=${ADDR.terminalGateway} serverid=${ADDR.terminalGateway} lease=${seconds}`;

describe('dnsmasq in namespaces', () => {
  let dir: string;
  let runDir: string;
  let topology: DnsmasqTopology;
  let dnsmasq: Dnsmasq;
  let service: Supervised;
  const health = new Health(() => undefined);
  const requests: DhcpRequest[] = [];
  const files = () => dnsmasqFiles(runDir);
  const pid = () => Number(readFileSync(files().pid, 'utf8').trim());
  const fromPvs = (name: string) => topology.lookup(topology.ns.pvs, name, ADDR.lanGateway);
  const build = () => new Dnsmasq({
    runDir,
    health,
    log: createLogger({ destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }) }),
    onDhcpRequest: (request) => requests.push(request),
    timings: { watchMs: 200, logPollMs: 100 },
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-dnsmasq-'));
    // dnsmasq drops root after its start; it still reads its hosts and servers files on SIGHUP.
    chmodSync(dir, 0o755);
    runDir = join(dir, 'run');
    topology = new DnsmasqTopology(dir);
    await topology.build();
    // Its service starts it before the agent has written a config: it exits and comes back.
    const [command, ...args] = dnsmasqCommand(files());
    service = new Supervised('dnsmasq', command, args, { netns: topology.ns.box, logFile: join(dir, 'dnsmasq-service.log'), restartDelayMs: 200 });
    await service.start();
    dnsmasq = build();
    await dnsmasq.start(AbortSignal.timeout(10_000));
    await dnsmasq.apply(DESIRED);
    await waitFor(() => expect(dnsmasq.status().state).toBe('running'), 10_000);
  });

  afterAll(async () => {
    await dnsmasq?.stop();
    await service?.stop();
    await topology?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads every variant of the rendered config (dnsmasq --test)', async () => {
    const variants: Record<string, DnsmasqDesired> = {
      segment: DESIRED,
      'no-bridge': { ...DESIRED, listen: [ADDR.lanGateway], dhcp: null },
      upstreams: { ...DESIRED, tiDns: { ...DESIRED.tiDns, servers: [ADDR.tiDns, '100.102.0.54'] }, upstreams: [ADDR.routerWan, '192.168.178.53'] },
    };
    for (const [name, desired] of Object.entries(variants)) {
      mkdirSync(join(dir, `test-${name}`));
      const variant = dnsmasqFiles(join(dir, `test-${name}`));
      const rendered = renderDnsmasq(desired, variant);
      writeFileSync(variant.config, rendered.config);
      writeFileSync(variant.dhcpHosts, rendered.dhcpHosts);
      writeFileSync(variant.servers, rendered.servers);
      const { stderr } = await processRunner.run('dnsmasq', ['--test', `--conf-file=${variant.config}`]);
      expect(stderr.trim()).toBe('dnsmasq: syntax check OK.');
    }
  });

  it('gives a registered terminal exactly its static lease; the practice router never hears of it', async () => {
    expect(await topology.dhcp(topology.ns.term, TERMINAL.mac, { hostname: 'ORGA6141-0040' })).toBe(lease(TERMINAL.address));
    expect(topology.logs.practiceDhcp()).not.toContain(TERMINAL.mac);
    // Reported with its address, the name it sent and busybox's own vendor class.
    const served = { mac: TERMINAL.mac, address: TERMINAL.address, hostname: 'ORGA6141-0040', vendorClass: expect.stringMatching(/^udhcp \d/) };
    await waitFor(() => expect(requests).toContainEqual(served), 5_000);
    // The lease file the inventory reads: expiry, MAC, address, the terminal's own host name, client ID.
    await waitFor(() => expect(readFileSync(files().leases, 'utf8')).toMatch(new RegExp(`^\\d+ ${TERMINAL.mac} ${TERMINAL.address} ORGA6141-0040 `, 'm')), 5_000);
  });

  it('gives an unregistered terminal nothing, and still reports its requests with the names it sent', async () => {
    expect(await topology.dhcp(topology.ns.term, UNREGISTERED_MAC, { hostname: 'KT-0099', vendorClass: 'ORGA6141' })).toBeUndefined();
    expect(readFileSync(files().log, 'utf8')).toContain(`DHCPDISCOVER(br-term) ${UNREGISTERED_MAC} ignored`);
    // udhcpc asked three times (-t 3).
    const ignored = { mac: UNREGISTERED_MAC, hostname: 'KT-0099', vendorClass: 'ORGA6141' };
    await waitFor(() => expect(requests.filter((r) => r.mac === UNREGISTERED_MAC)).toEqual([ignored, ignored, ignored]), 5_000);
  });

  it('never answers DHCP on the practice LAN, not even for a registered MAC; the practice router does', async () => {
    const capture = await topology.capture(topology.ns.box, 'lan0', 'udp and (port 67 or port 68)');
    const fromRouter = /^lease ip=192\.168\.1\.1\d\d mask=24 router=192\.168\.1\.1 dns=\S* serverid=192\.168\.1\.1 lease=3600$/;
    expect(await topology.dhcp(topology.ns.cli, '02:00:5e:20:00:01')).toMatch(fromRouter);
    expect(await topology.dhcp(topology.ns.cli, TERMINAL.mac)).toMatch(fromRouter);
    const packets = await capture.stop();
    // The box's LAN port saw the clients' requests (so the capture worked) and answered none.
    expect(packets.filter((line) => line.includes('0.0.0.0.68 > 255.255.255.255.67')).length).toBeGreaterThan(0);
    const boxMac = (await processRunner.run('cat', ['/sys/class/net/lan0/address'], { netns: topology.ns.box })).stdout.trim();
    expect(packets.filter((line) => line.includes(` ${boxMac} >`))).toEqual([]);
    expect(readFileSync(files().log, 'utf8')).not.toMatch(/lan0/);
  });

  it('resolves TI names for a PVS host through the TI DNS, asked from the box\'s TI address, private answers included', async () => {
    for (const [name, address] of Object.entries(NAMES.ti)) {
      expect((await fromPvs(name)).addresses, name).toEqual([address]);
    }
    expect(topology.logs.tiDns()).toContain(`query[A] kim.telematik from ${ADDR.lanGateway}`);
    // The box's own dnsmasq logs no queries.
    expect(readFileSync(files().log, 'utf8')).not.toContain('query[');
  });

  it('refuses a public name and asks no upstream about it', async () => {
    const result = await fromPvs('public.example');
    expect(result.addresses).toEqual([]);
    expect(result.output).toContain("server can't find public.example: REFUSED");
    // A later TI query shows up in the TI DNS's log; the public one before it never did, anywhere.
    await fromPvs('kim.telematik');
    await waitFor(() => expect(topology.logs.tiDns().match(/query\[A\] kim\.telematik/g)?.length).toBe(2), 5_000);
    expect(topology.logs.tiDns() + topology.logs.resolver()).not.toContain('public.example');
  });

  it('answers DNS only on its TI addresses, not on its practice-LAN or WAN address', async () => {
    const unanswered = /no servers could be reached/;
    expect((await topology.lookup(topology.ns.pvs, 'kim.telematik', ADDR.boxPractice)).output).toMatch(unanswered);
    expect((await topology.lookup(topology.ns.router, 'kim.telematik', ADDR.boxWan)).output).toMatch(unanswered);
    // The terminal gateway answers a host on the terminal bridge (given an address by hand here).
    await processRunner.run('ip', ['addr', 'add', '10.77.12.50/27', 'dev', 'eth0'], { netns: topology.ns.term });
    expect((await topology.lookup(topology.ns.term, 'kim.telematik', ADDR.terminalGateway)).addresses).toEqual([NAMES.ti['kim.telematik']]);
  });

  it('serves the LAN-half gateway again, without a restart, after the address went away and came back', async () => {
    const before = pid();
    const box = (...args: string[]) => processRunner.run('ip', ['addr', ...args, `${ADDR.lanGateway}/27`, 'dev', 'lan0'], { netns: topology.ns.box });
    await box('del');
    await box('add');
    // The address is both where PVS hosts ask and the source of the queries to the TI DNS.
    await waitFor(async () => expect((await fromPvs('kim.telematik')).addresses).toEqual([NAMES.ti['kim.telematik']]), 15_000);
    expect(pid()).toBe(before);
  });

  it('serves a newly registered terminal after a SIGHUP, the same dnsmasq still running', async () => {
    const before = pid();
    await dnsmasq.apply({ ...DESIRED, dhcp: { ...dhcp, terminals: [TERMINAL, SECOND] } });
    expect(pid()).toBe(before);
    await waitFor(() => expect(readFileSync(files().log, 'utf8')).toMatch(/read \S+dhcp-hosts\n[\s\S]*read \S+dhcp-hosts/), 5_000);
    expect(await topology.dhcp(topology.ns.term, SECOND.mac)).toBe(lease(SECOND.address));
  });

  it('asks a configured resolver for public names after a SIGHUP; rebind protection drops its private answers, not the TI ones', async () => {
    const before = pid();
    await dnsmasq.apply({ ...DESIRED, dhcp: { ...dhcp, terminals: [TERMINAL, SECOND] }, upstreams: [ADDR.routerWan] });
    expect(pid()).toBe(before);
    await waitFor(async () => expect((await fromPvs('public.example')).addresses).toEqual([NAMES.public['public.example']]), 5_000);
    expect((await fromPvs('rebind.example')).addresses).toEqual([]);
    expect(readFileSync(files().log, 'utf8')).toContain('possible DNS-rebind attack detected: rebind.example');
    expect((await fromPvs('dienst.telematik-test')).addresses).toEqual([NAMES.ti['dienst.telematik-test']]);
    expect(topology.logs.resolver()).not.toMatch(/telematik|ti-dienste/);
  });

  it('restarts dnsmasq for a change of the main config', async () => {
    const before = pid();
    await dnsmasq.apply({ ...DESIRED, dhcp: { ...dhcp, leaseSeconds: 7_200 } });
    expect(pid()).not.toBe(before);
    expect(await topology.dhcp(topology.ns.term, TERMINAL.mac)).toBe(lease(TERMINAL.address, 7_200));
  });

  it('is started again by its service after it was killed, and the subsystem sees it serve again', async () => {
    const before = pid();
    process.kill(before, 'SIGKILL');
    await waitFor(() => expect([pid() !== before, dnsmasq.status().state]).toEqual([true, 'running']), 10_000);
    expect(health.list()).toEqual([]);
    expect((await fromPvs('kim.telematik')).addresses).toEqual([NAMES.ti['kim.telematik']]);
  });

  it('outlives the agent: a new agent takes over the dnsmasq that serves its config, without a restart', async () => {
    const before = pid();
    await dnsmasq.stop();
    expect(pid()).toBe(before);
    dnsmasq = build();
    await dnsmasq.start(AbortSignal.timeout(10_000));
    await dnsmasq.apply({ ...DESIRED, dhcp: { ...dhcp, leaseSeconds: 7_200 } });
    expect(pid()).toBe(before);
    expect(dnsmasq.status().state).toBe('running');
    // Still the one dnsmasq of this config.
    const { stdout } = await processRunner.run('pgrep', ['-f', '-x', `dnsmasq --keep-in-foreground --conf-file=${files().config}`]);
    expect(stdout.trim().split('\n')).toEqual([String(before)]);
    expect((await fromPvs('kim.telematik')).addresses).toEqual([NAMES.ti['kim.telematik']]);
  });

  it('serves nothing on apply(null), and keeps running', async () => {
    const last = pid();
    await dnsmasq.apply(null);
    expect(pid()).not.toBe(last);
    expect(dnsmasq.status()).toMatchObject({ state: 'running', detail: 'nothing to serve' });
    expect((await fromPvs('kim.telematik')).addresses).toEqual([]);
    expect(readFileSync(files().config, 'utf8')).toContain('\nport=0\n');
  });
});
