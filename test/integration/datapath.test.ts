// The flow matrix of ARCHITECTURE.md §2 against the real agent and tunnel in the lab: each allowed
// flow passes, each forbidden one is dropped and counted under its reason (`nft list counters`),
// DNS and DHCP on the box's LAN side work as the practice sees them, terminals that are not
// registered yet show up in `tibox devices terminals` (by their open SICCT port, by their DHCP
// request), and with the tunnel down no TI packet leaves the WAN port. TCP probes tell the
// verdicts apart: `open` passed, `refused` passed to a port where nothing listens (a TCP RST),
// `timeout` was dropped. The lab's `other` host plays the devices the box must not trust; the
// practice router plays the WAN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCapture, type Capture } from '../lab/capture.ts';
import { Lab } from '../lab/lab.ts';
import { watchForLeaks } from '../lab/leakWatch.ts';
import { PLAN } from '../lab/topology.ts';
import { processRunner, startProcess, type ProcessHandle } from '../../src/core/runner.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { defaultConfig } from '../../src/agent/store/index.ts';
import type { TerminalCandidate } from '../../src/lan/inventory/index.ts';
import type { WhyReport } from '../../src/firewall/index.ts';
import { withoutCounterSince } from './tableText.ts';
import { waitFor } from './waitFor.ts';

const here = join(fileURLToPath(import.meta.url), '..');
const tibox = join(here, '..', '..', 'bin', 'tibox');
/** Listens on and probes TCP/UDP ports inside a namespace (see its header). */
const peer = join(here, 'firewallPeer.ts');
/** udhcpc hook that prints the lease offered instead of applying it. */
const dhcpReport = join(here, 'dnsmasq', 'udhcpc-report.sh');

const { tiSegment, practiceLan, boxWan, ti } = PLAN;
/** An address in the LAN half that nobody registered: the `other` host takes it. */
const UNREGISTERED = '10.77.12.20';
const UNREGISTERED_CETP = PLAN.pvsCetpPort + 1;
const connector = (port: number) => `tcp:${ti.connector}:${port}`;

describe('data path: the flow matrix with the real agent and tunnel', () => {
  let lab: Lab;
  let socketPath: string;
  const listeners: ProcessHandle[] = [];
  const captures: Capture[] = [];

  const cli = async (...args: string[]) => (await processRunner.run(tibox, ['--socket', socketPath, ...args])).stdout;
  const status = async () => JSON.parse(await cli('status', '--json')) as AgentStatus;
  const ip = (ns: string, ...args: string[]) => lab.netns.ip(ns, ...args);
  const macOf = async (ns: string, dev: string) => (JSON.parse((await ip(ns, '-j', 'link', 'show', dev)).stdout) as { address: string }[])[0]?.address as string;
  const linkLocal = async (ns: string, dev: string) =>
    (JSON.parse((await ip(ns, '-j', '-6', 'addr', 'show', 'dev', dev, 'scope', 'link')).stdout) as { addr_info: { local: string }[] }[])[0]?.addr_info[0]?.local as string;

  const reachesConnector = async () => {
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '1', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 3_000);
    expect(stdout).toContain('<ConnectorServices');
  };

  /** Each target's verdict from `ns`: TCP `open`, `refused` or `timeout` (an errno for a local error); UDP `sent`. */
  const probe = async (ns: string, targets: readonly string[], source?: string): Promise<Record<string, string>> => {
    const options = ['--timeout', '1000', ...(source ? ['--source', source] : [])];
    return JSON.parse((await lab.exec(ns, process.execPath, [peer, 'probe', ...options, ...targets])).stdout) as Record<string, string>;
  };
  const verdicts = (targets: readonly string[], verdict: string) => Object.fromEntries(targets.map((t) => [t, verdict]));

  /** Starts firewallPeer.ts listeners in `ns` and waits until they listen. */
  const listen = async (ns: string, targets: readonly string[]) => {
    let ready = false;
    listeners.push(startProcess(process.execPath, [peer, 'listen', ...targets], { netns: ns, onStdoutLine: (line) => (ready ||= line === 'ready') }));
    await waitFor(() => expect(ready).toBe(true), 5_000, 20);
  };

  const nft = async (...args: string[]) => JSON.parse((await lab.exec(lab.names.box, 'nft', ['-j', ...args])).stdout) as { nftables: Record<string, { name: string; handle: number; packets: number }>[] };
  /** The kernel's handle of the tibox table: each ruleset load replaces the table, and with it every counter. */
  const tableHandle = async () => (await nft('list', 'tables')).nftables.find((item) => item.table?.name === 'tibox')?.table?.handle;
  /** The firewall's drop counters: packets per reason. */
  const counters = async (): Promise<Record<string, number>> =>
    Object.fromEntries((await nft('list', 'counters', 'table', 'inet', 'tibox')).nftables.flatMap((item) => (item.counter ? [[item.counter.name, item.counter.packets]] : [])));
  /**
   * Runs `blocked` and expects at least `packets` drops counted as `reason`, and none as the
   * reasons in `not`. A ruleset load meanwhile (the agent's answer to some change) starts the
   * counters from zero: then `blocked` runs once more.
   */
  const dropsAs = async (reason: string, blocked: () => Promise<void>, options: { packets?: number; not?: string[] } = {}) => {
    for (let attempt = 1; ; attempt++) {
      const table = await tableHandle();
      const before = await counters();
      await blocked();
      const after = await counters();
      if ((await tableHandle()) !== table && attempt < 3) continue;
      const grew = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
      expect(grew(reason), `drops counted as ${reason}`).toBeGreaterThanOrEqual(options.packets ?? 1);
      for (const name of options.not ?? []) expect(grew(name), `drops counted as ${name}`).toBe(0);
      return;
    }
  };

  const capture = async (ns: string, dev: string, filter: string) => {
    const started = await startCapture(join(lab.dir, `capture-${captures.length}.txt`), ns, dev, filter);
    captures.push(started);
    return started;
  };
  /** busybox nslookup for an A record from `ns`: the addresses answered, and the whole output (a failed lookup exits with 1). */
  const lookup = async (ns: string, name: string, server: string) => {
    const { stdout, stderr } = await processRunner.run('busybox', ['nslookup', '-type=a', name, server], { netns: ns, okCodes: [1], timeoutMs: 10_000 });
    const answer = stdout.split(/\nName:/).slice(1).join('\n');
    return { addresses: [...answer.matchAll(/^Address:\s+(\S+)$/gm)].map((m) => m[1]), output: stdout + stderr };
  };
  /** One DHCP exchange with the MAC of `ns`'s eth0: the lease line of udhcpc-report.sh, or undefined. */
  const dhcp = async (ns: string) => {
    const { stdout } = await processRunner.run('busybox', ['udhcpc', '-i', 'eth0', '-n', '-q', '-t', '3', '-T', '1', '-s', dhcpReport], {
      netns: ns, okCodes: [1], timeoutMs: 10_000,
    });
    return stdout.split('\n').find((line) => line.startsWith('lease '));
  };

  /** The box's IPv4 addresses on `dev` (`a.b.c.d/len`), those with a lifetime (DHCP leases) marked ` dynamic`. */
  const boxAddresses = async (dev: string) => {
    const links = JSON.parse((await ip(lab.names.box, '-j', '-4', 'addr', 'show', 'dev', dev)).stdout) as { addr_info: { local: string; prefixlen: number; dynamic?: boolean }[] }[];
    return (links[0]?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}${a.dynamic ? ' dynamic' : ''}`);
  };
  /** The box's practice-LAN address by DHCP from the practice router. */
  const leased = async () => (await boxAddresses('lan0')).find((a) => a.endsWith(' dynamic'))?.split('/')[0] as string;
  /** The firewall's set of the box's own LAN-port addresses, as nft lists it. */
  const boxLan = async () => (await lab.exec(lab.names.box, 'nft', ['list', 'set', 'inet', 'tibox', 'box_lan'])).stdout;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    ({ socketPath } = await lab.startAgent());
    await lab.importProfile();
    // The PVS host takes CETP events on its registered port; the port next to it is not registered.
    await listen(lab.names.pvs, [`tcp:0.0.0.0:${PLAN.pvsCetpPort}`, `tcp:0.0.0.0:${UNREGISTERED_CETP}`]);
    await waitFor(reachesConnector, 15_000);
    // The box's practice-LAN lease comes a moment after the import; the firewall follows it.
    await waitFor(async () => {
      const lease = await leased();
      expect(lease).toBeDefined();
      expect(await boxLan()).toContain(lease);
    }, 10_000, 200);
  });
  afterAll(async () => {
    await Promise.all(captures.map((c) => c.stop()));
    for (const listener of listeners) {
      listener.kill();
      await listener.exited;
    }
    await lab?.destroy();
  });

  it('puts the LAN side in place itself: the LAN half and the fallback on lan0, a DHCP lease, the terminal bridge', async () => {
    // The practice-LAN address of the plan is the lab's own (links.ts); the rest is the agent's:
    // the LAN half's gateway, the configured fallback and the practice router's lease.
    const agents = [`${tiSegment.lanGateway}/${tiSegment.len}`, defaultConfig().interfaces.lanFallback, expect.stringMatching(/^192\.168\.1\.1\d\d\/24 dynamic$/)];
    expect(await boxAddresses('lan0')).toEqual(expect.arrayContaining([`${practiceLan.box}/24`, ...agents]));
    expect(await boxAddresses('br-term')).toEqual([`${tiSegment.terminalGateway}/${tiSegment.len}`]);
    expect((await ip(lab.names.box, 'link', 'show', 'term0')).stdout).toContain('master br-term');
  });

  it('carries the registered PVS host to the connector through the tunnel (HTTPS)', async () => {
    await reachesConnector();
    expect((await status()).tunnel.traffic.packetsIn).toBeGreaterThan(0);
  });

  it('lets the connector reach the terminal on SICCT 4742 and the PVS host on its registered CETP port, nothing else', async () => {
    const from = (targets: string[]) => probe(lab.names.core, targets, ti.connector);
    const allowed = [`tcp:${tiSegment.terminal}:4742`, `tcp:${tiSegment.pvs}:${PLAN.pvsCetpPort}`];
    expect(await from(allowed)).toEqual(verdicts(allowed, 'open'));
    // The PVS host listens on the port next to its CETP port, the terminal has nothing on 22:
    // passed, one would be open and the other refused.
    const blocked = [`tcp:${tiSegment.pvs}:${UNREGISTERED_CETP}`, `tcp:${tiSegment.terminal}:22`];
    await dropsAs('from_tunnel', async () => expect(await from(blocked)).toEqual(verdicts(blocked, 'timeout')), { packets: 2 });
  });

  it('answers DNS on the LAN side: TI names through the tunnel, other names refused and never sent to the TI DNS', async () => {
    const tiDns = await capture(lab.names.core, 'br-dc', 'udp port 53');
    expect((await lookup(lab.names.pvs, ti.connectorName, tiSegment.lanGateway)).addresses).toEqual([ti.connector]);
    const publicName = await lookup(lab.names.pvs, 'www.example.com', tiSegment.lanGateway);
    expect(publicName).toMatchObject({ addresses: [], output: expect.stringContaining("can't find www.example.com: REFUSED") });
    // Asked after the public name: once it has reached the TI DNS, anything sent before it would have too.
    expect((await lookup(lab.names.pvs, 'kim.telematik-test', tiSegment.lanGateway)).addresses).toEqual([ti.service]);
    await waitFor(() => expect(tiDns.packets().some((line) => line.includes('A? kim.telematik-test.'))).toBe(true), 3_000);
    const queries = await tiDns.stop();
    expect(queries.some((line) => line.includes(`${tiSegment.lanGateway}.`) && line.includes(`A? ${ti.connectorName}.`))).toBe(true);
    expect(queries.filter((line) => line.includes('example.com'))).toEqual([]);
  });

  it('lets the LAN side through to the web UI port (nothing listens yet: refused, not dropped) and drops other ports', async () => {
    const webUi = `tcp:${tiSegment.lanGateway}:443`;
    expect(await probe(lab.names.pvs, [webUi], tiSegment.pvs)).toEqual({ [webUi]: 'refused' });
    const practice = [`tcp:${practiceLan.box}:443`, `tcp:${await leased()}:443`];
    expect(await probe(lab.names.other, practice)).toEqual(verdicts(practice, 'refused'));
    expect(await probe(lab.names.term, [`tcp:${tiSegment.terminalGateway}:443`])).toEqual({ [`tcp:${tiSegment.terminalGateway}:443`]: 'refused' });
    const others = [`tcp:${tiSegment.lanGateway}:22`, `tcp:${tiSegment.lanGateway}:8080`];
    await dropsAs('service', async () => expect(await probe(lab.names.pvs, others, tiSegment.pvs)).toEqual(verdicts(others, 'timeout')), { packets: 2 });
  });

  it('serves a practice-LAN lease that arrives later, and forgets it once it is gone', async () => {
    const { box, other } = lab.names;
    // As the box's DHCP client puts a new lease on the port: with its lifetime.
    const lease = '192.168.1.77';
    const webUi = `tcp:${lease}:443`;
    await ip(box, 'addr', 'add', `${lease}/24`, 'dev', 'lan0', 'valid_lft', '120', 'preferred_lft', '120');
    try {
      await waitFor(async () => expect(await probe(other, [webUi])).toEqual({ [webUi]: 'refused' }), 3_000);
    } finally {
      await ip(box, 'addr', 'del', `${lease}/24`, 'dev', 'lan0');
    }
    // Once gone it is no longer the box's own: a host that gets it next is not taken for a spoofer.
    await waitFor(async () => expect(await boxLan()).not.toContain(lease), 3_000);
  });

  it('drops an unregistered LAN host with a TI-segment address on its way to the TI', async () => {
    const { other } = lab.names;
    await ip(other, 'addr', 'add', `${UNREGISTERED}/${tiSegment.len}`, 'dev', 'eth0');
    for (const prefix of ti.prefixes) await ip(other, 'route', 'add', prefix, 'via', tiSegment.lanGateway);
    // It also answers on the SICCT port: the next test finds it as a terminal.
    await listen(other, [`tcp:${UNREGISTERED}:4742`]);
    await dropsAs('unregistered', async () => expect(await probe(other, [connector(443)], UNREGISTERED)).toEqual({ [connector(443)]: 'timeout' }));
  });

  it('lists that host as a card terminal not registered yet, found by its open SICCT port', async () => {
    const mac = await macOf(lab.names.other, 'eth0');
    await waitFor(async () => {
      const candidates = JSON.parse(await cli('devices', 'terminals', '--json')) as TerminalCandidate[];
      expect(candidates).toContainEqual(expect.objectContaining({ mac, address: UNREGISTERED, interface: 'lan0', evidence: ['sicct-port'] }));
    }, 5_000, 200);
  });

  it('keeps that host out 1 s after someone flushed the ruleset, put a table in front of ours or a rule into it', async () => {
    const { other, box } = lab.names;
    const ours = async () => (await lab.exec(box, 'nft', ['-s', 'list', 'table', 'inet', 'tibox'])).stdout;
    const loaded = await ours();
    const faults: [string, string[], string?][] = [
      // What Debian's own /etc/nftables.conf begins with.
      ['flush ruleset', ['flush', 'ruleset']],
      ['a table in front of ours that accepts everything', ['-f', '-'], 'table inet foreign {\n  chain forward { type filter hook forward priority -100; policy accept; }\n}\n'],
      ['a rule put into our table', ['insert', 'rule', 'inet', 'tibox', 'forward', 'accept']],
    ];
    try {
      for (const [what, args, input] of faults) {
        await lab.exec(box, 'nft', args, 10_000, input);
        await new Promise((r) => setTimeout(r, 1_000));
        expect(await probe(other, [connector(443)], UNREGISTERED), what).toEqual({ [connector(443)]: 'timeout' });
        // A table restored after a flush counts anew: only the counters' since may differ.
        expect(withoutCounterSince(await ours()), what).toBe(withoutCounterSince(loaded));
        expect((await status()).subsystems.find((s) => s.name === 'firewall')?.state, what).toBe('running');
      }
    } finally {
      await lab.exec(box, 'nft', ['delete', 'table', 'inet', 'foreign']).catch(() => undefined);
    }
  });

  it('lists a terminal that asked the box for an address and got none, found by its DHCP request', async () => {
    const { term } = lab.names;
    // A second terminal on the same port: a macvlan with a MAC nobody registered.
    const mac = '02:00:5e:10:00:99';
    await ip(term, 'link', 'add', 'link', 'eth0', 'name', 'kt99', 'address', mac, 'type', 'macvlan', 'mode', 'bridge');
    try {
      await ip(term, 'link', 'set', 'kt99', 'up');
      const { stdout } = await processRunner.run('busybox', [
        'udhcpc', '-i', 'kt99', '-n', '-q', '-t', '1', '-T', '1', '-x', 'hostname:KT-0099', '-V', 'ORGA6141', '-s', dhcpReport,
      ], { netns: term, okCodes: [1], timeoutMs: 10_000 });
      expect(stdout).not.toMatch(/^lease /m);
      await waitFor(async () => {
        const candidates = JSON.parse(await cli('devices', 'terminals', '--json')) as TerminalCandidate[];
        const found = candidates.find((c) => c.mac === mac);
        expect(found).toMatchObject({ hostname: 'KT-0099', vendorClass: 'ORGA6141', evidence: ['dhcp'] });
        expect(found?.address).toBeUndefined();
      }, 5_000, 200);
    } finally {
      await ip(term, 'link', 'del', 'kt99');
    }
  });

  it("drops the registered PVS host's TI address sent from another MAC", async () => {
    const { other, box } = lab.names;
    // `other` sends as the PVS host, but must never claim its address in ARP: that would turn the
    // box's neighbour entry for the PVS host to the wrong MAC.
    await lab.exec(other, 'sysctl', ['-q', '-w', 'net.ipv4.conf.eth0.arp_ignore=8']);
    await ip(other, 'neigh', 'replace', tiSegment.lanGateway, 'lladdr', await macOf(box, 'lan0'), 'dev', 'eth0', 'nud', 'permanent');
    await ip(other, 'addr', 'add', `${tiSegment.pvs}/32`, 'dev', 'eth0');
    // The kernel writes the drop log of a namespace other than the first only when told to; the box
    // is the first on a real box.
    const logAllNetns = (await processRunner.run('sysctl', ['-n', 'net.netfilter.nf_log_all_netns'])).stdout.trim();
    await processRunner.run('sysctl', ['-q', '-w', 'net.netfilter.nf_log_all_netns=1']);
    try {
      const before = JSON.parse(await cli('fw', 'why', 'PVS reception', '--json')) as WhyReport;
      await dropsAs('wrong_mac', async () => expect(await probe(other, [connector(443)], tiSegment.pvs)).toEqual({ [connector(443)]: 'timeout' }), {
        not: ['unregistered'],
      });
      // `tibox fw why` tells it from the PVS host's own counter and the drop log.
      const otherMac = await macOf(other, 'eth0');
      await waitFor(async () => {
        const why = JSON.parse(await cli('fw', 'why', 'PVS reception', '--json')) as WhyReport;
        expect(why.counters?.dropped.packets).toBeGreaterThan(before.counters?.dropped.packets ?? 0);
        expect(why.drops[0]).toMatchObject({ reason: 'wrong_mac', in: 'lan0', src: tiSegment.pvs, srcMac: otherMac, dst: PLAN.ti.connector, dport: 443 });
      }, 5_000, 200);
    } finally {
      await processRunner.run('sysctl', ['-q', '-w', `net.netfilter.nf_log_all_netns=${logAllNetns}`]);
      await ip(other, 'addr', 'del', `${tiSegment.pvs}/32`, 'dev', 'eth0');
      await ip(other, 'neigh', 'del', tiSegment.lanGateway, 'dev', 'eth0');
      await lab.exec(other, 'sysctl', ['-q', '-w', 'net.ipv4.conf.eth0.arp_ignore=0']);
    }
    await reachesConnector();
  });

  it('routes nothing from the LAN to the internet, from a TI or a practice address', async () => {
    const { pvs } = lab.names;
    const internet = `tcp:${PLAN.uplink.inet}:80`;
    await ip(pvs, 'route', 'add', `${PLAN.uplink.inet}/32`, 'via', tiSegment.lanGateway);
    try {
      await dropsAs('not_ti', async () => {
        expect(await probe(pvs, [internet], tiSegment.pvs)).toEqual({ [internet]: 'timeout' });
        expect(await probe(pvs, [internet], practiceLan.pvs)).toEqual({ [internet]: 'timeout' });
      }, { packets: 2 });
    } finally {
      await ip(pvs, 'route', 'del', `${PLAN.uplink.inet}/32`);
    }
  });

  it('routes nothing from the WAN into the LAN', async () => {
    const { router } = lab.names;
    const routes = [tiSegment.prefix, `${practiceLan.pvs}/32`];
    for (const prefix of routes) await ip(router, 'route', 'add', prefix, 'via', boxWan.box);
    try {
      const inside = [`tcp:${tiSegment.pvs}:${PLAN.pvsCetpPort}`, `tcp:${tiSegment.terminal}:4742`, `tcp:${practiceLan.pvs}:${PLAN.pvsCetpPort}`];
      await dropsAs('from_wan', async () => expect(await probe(router, inside)).toEqual(verdicts(inside, 'timeout')), { packets: 3 });
    } finally {
      for (const prefix of routes) await ip(router, 'route', 'del', prefix);
    }
  });

  it('answers nothing on the WAN port: a TCP and UDP scan over IPv4 and IPv6 finds every port closed', async () => {
    const { router, box } = lab.names;
    const boxV6 = await linkLocal(box, 'wan0');
    const hosts = [boxWan.box, `[${boxV6}%boxwan]`];
    const tcp = hosts.flatMap((h) => [22, 53, 80, 443, 500, 4500, 4742, 8080, 8443].map((port) => `tcp:${h}:${port}`));
    const udp = hosts.flatMap((h) => [53, 67, 123, 500, 1900, 4500, 4742, 5353].map((port) => `udp:${h}:${port}`));
    // The router learns the box's link-layer addresses first: a datagram sent while neighbour
    // discovery is still under way may be dropped before it reaches the link, and then the
    // capture could not count it as crossing.
    await lab.exec(router, 'ping', ['-c', '1', '-W', '1', boxWan.box]).catch(() => undefined);
    await lab.exec(router, 'ping', ['-6', '-c', '1', '-W', '1', `${boxV6}%boxwan`]).catch(() => undefined);
    const wan = await capture(router, 'boxwan', `(ip and host ${boxWan.router} and host ${boxWan.box}) or (ip6 and host ${boxV6})`);
    await dropsAs('from_wan', async () => {
      expect(await probe(router, [...tcp, ...udp])).toEqual({ ...verdicts(tcp, 'timeout'), ...verdicts(udp, 'sent') });
    }, { packets: tcp.length + udp.length });
    const packets = await wan.stop();
    // The scan crossed the link, and the box sent nothing back: no RST, no ICMP port unreachable.
    // Its own neighbour discovery and router solicitations (the kernel repeats those now and
    // then) answer nothing.
    const fromBox = (line: string) => line.includes(`: ${boxWan.box}.`) || line.includes(`: ${boxWan.box} >`) || line.includes(`: ${boxV6}`);
    expect(packets.filter((line) => !fromBox(line)).length).toBeGreaterThanOrEqual(tcp.length + udp.length);
    expect(packets.filter((line) => fromBox(line) && !/neighbor (solicitation|advertisement)|router solicitation/.test(line))).toEqual([]);
  });

  it("gives the card terminal its static lease from the box, and a practice client only the practice router's", async () => {
    const { term, other } = lab.names;
    const terminalSide = await capture(term, 'eth0', 'udp src port 67');
    const practiceSide = await capture(other, 'eth0', 'udp src port 67');
    expect(await dhcp(term)).toMatch(new RegExp(`^lease ip=${tiSegment.terminal} mask=${tiSegment.len} router=${tiSegment.terminalGateway} .*serverid=${tiSegment.terminalGateway} `));
    expect(await dhcp(other)).toMatch(/^lease ip=192\.168\.1\.1\d\d mask=24 router=192\.168\.1\.1 .*serverid=192\.168\.1\.1 /);
    // Every DHCP answer each client saw came from its own server.
    const servers = (packets: string[]) => new Set(packets.map((line) => / (\d+\.\d+\.\d+\.\d+)\.67 > /.exec(line)?.[1]));
    expect(servers(await terminalSide.stop())).toEqual(new Set([tiSegment.terminalGateway]));
    expect(servers(await practiceSide.stop())).toEqual(new Set([practiceLan.router]));
  });

  it('sends no TI packet out of the WAN port while the tunnel is down: the PVS host is told at once', async () => {
    const { pvs } = lab.names;
    // The watch proves first that it sees a TI packet in clear; the TI traffic is the test's own.
    const leaks = await watchForLeaks(lab, 'tunnel-down', { traffic: false });
    await cli('tunnel', 'down');
    await waitFor(async () => expect((await status()).tunnel.state).toBe('disabled'), 5_000);
    // Unreachable, said by the box (ICMP host unreachable, rate-limited by the kernel): no waiting for a timeout.
    await waitFor(async () => expect(await probe(pvs, [connector(443)], tiSegment.pvs)).toEqual({ [connector(443)]: 'EHOSTUNREACH' }), 3_000);
    await lab.exec(pvs, 'ping', ['-c', '5', '-i', '0.1', '-W', '1', '-I', tiSegment.pvs, ti.connector], 5_000).catch(() => undefined);
    // A TI name never asked before (the TI DNS would answer it with the service's address): no answer.
    expect((await lookup(pvs, 'down.kim.telematik-test', tiSegment.lanGateway)).addresses).toEqual([]);
    expect((await leaks.stop()).leaks).toEqual([]);
  });
});
