// The tibox table against the real nftables and kernel, in namespaces this test makes and removes.
// Loading: `nft -c` then `nft -f` through the Firewall subsystem for 1, 100 and 1000 registered
// hosts, with another table beside it that must stay untouched, and bad input refused with the
// running table unchanged. Traffic: a box namespace between a practice LAN, a WAN and a stand-in
// for the tunnel (a veth named ipsec0, as kernel-libipsec's device; this kernel has no ESP), with
// listeners on the ports the firewall must keep closed, so a closed port means a drop.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.ts';
import { processRunner, startProcess, type ProcessHandle } from '../../src/core/runner.ts';
import { Firewall, NftLoader, renderRuleset, type FirewallDesired } from '../../src/firewall/index.ts';
import { Netns } from '../lab/netns.ts';
import { ONE_PVS_ONE_TERMINAL, PVS, WITHOUT_TERMINAL_BRIDGE, withPvsHosts } from '../unit/firewall/firewallDesired.ts';
import { waitFor } from './waitFor.ts';
import { NO_HEALTH, NO_MONITOR } from '../unit/firewall/fakeNft.ts';

const peer = join(fileURLToPath(import.meta.url), '..', 'firewallPeer.ts');
const id = `tfw${randomBytes(2).toString('hex')}`;
const ns = { load: `${id}-load`, box: `${id}-box`, lan: `${id}-lan`, wan: `${id}-wan`, ti: `${id}-ti` };
const netns = new Netns(processRunner);
const log = createLogger({ level: 'silent' });
/** Where the Firewall saves what the kernel took, for the boot. */
const stateDir = mkdtempSync(join(tmpdir(), 'tibox-fw-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const nft = async (where: string, ...args: string[]) => (await processRunner.run('nft', args, { netns: where })).stdout;
const json = async (where: string, ...args: string[]) => JSON.parse(await nft(where, '-j', ...args)) as { nftables: Record<string, Record<string, unknown>>[] };

/** The packets each named drop counter has counted. */
async function counters(where: string): Promise<Record<string, number>> {
  const { nftables } = await json(where, 'list', 'counters', 'table', 'inet', 'tibox');
  return Object.fromEntries(nftables.flatMap((item) => (item.counter ? [[String(item.counter.name), Number(item.counter.packets)]] : [])));
}

describe('loading the tibox table', () => {
  const other = `table inet other {
  set keep {
    type ipv4_addr
    elements = { 192.0.2.1 }
  }
  chain input {
    type filter hook input priority 10; policy accept;
    ip saddr @keep counter accept
  }
}
`;
  let firewall: Firewall;
  let loader: NftLoader;
  let otherBefore: string;

  beforeAll(async () => {
    await netns.add(ns.load);
    await processRunner.run('nft', ['-f', '-'], { netns: ns.load, input: other });
    otherBefore = await nft(ns.load, 'list', 'table', 'inet', 'other');
    loader = new NftLoader(processRunner, ns.load);
    firewall = new Firewall({ monitor: NO_MONITOR, health: NO_HEALTH, nft: loader, stateDir: join(stateDir, 'load'), log });
  });
  afterAll(async () => {
    await netns.remove(ns.load);
  });

  /** Rules per chain, from the kernel's own listing. */
  const rulesPerChain = async () => {
    const { nftables } = await json(ns.load, 'list', 'table', 'inet', 'tibox');
    const count: Record<string, number> = {};
    for (const item of nftables) if (item.rule) count[String(item.rule.chain)] = (count[String(item.rule.chain)] ?? 0) + 1;
    return count;
  };

  const ruleCounts = new Map<number, Record<string, number>>();

  it.each([1, 100, 1000])('loads %i registered hosts', async (hosts) => {
    const started = Date.now();
    await firewall.apply(withPvsHosts(hosts));
    expect(Date.now() - started).toBeLessThan(5_000);
    const { nftables } = await json(ns.load, 'list', 'set', 'inet', 'tibox', 'hosts');
    expect((nftables.find((item) => item.set)?.set?.elem as unknown[] | undefined)?.length).toBe(hosts);
    ruleCounts.set(hosts, await rulesPerChain());
  });

  it('has the same rules for 1, 100 and 1000 hosts: they live in sets', () => {
    expect(ruleCounts.get(1)?.forward).toBeGreaterThan(0);
    expect(ruleCounts.get(100)).toEqual(ruleCounts.get(1));
    expect(ruleCounts.get(1000)).toEqual(ruleCounts.get(1));
  });

  it('leaves the other table untouched', async () => {
    expect(await nft(ns.load, 'list', 'table', 'inet', 'other')).toBe(otherBefore);
  });

  it('refuses a bad desired state and keeps the running table', async () => {
    const before = await nft(ns.load, 'list', 'table', 'inet', 'tibox');
    await expect(firewall.apply({ ...ONE_PVS_ONE_TERMINAL, hosts: [{ ...PVS, cetpPorts: [70_000] }] })).rejects.toMatchObject({ code: 'TIBOX_FIREWALL_INVALID' });
    expect(await nft(ns.load, 'list', 'table', 'inet', 'tibox')).toBe(before);
  });

  it('keeps the running table when nft refuses the text, whole: nothing of it is loaded', async () => {
    const before = await nft(ns.load, 'list', 'table', 'inet', 'tibox');
    // Valid up to its last chain, which jumps to a chain that does not exist.
    const broken = renderRuleset(ONE_PVS_ONE_TERMINAL).replace(/}\n$/, '  chain broken {\n    jump nowhere\n  }\n}\n');
    await expect(loader.load(broken)).rejects.toThrow(/nft -c -f - exited with 1/);
    expect(await nft(ns.load, 'list', 'table', 'inet', 'tibox')).toBe(before);
    // Even without the check, `nft -f` is one transaction: its `delete table` does not happen either.
    await expect(processRunner.run('nft', ['-f', '-'], { netns: ns.load, input: broken })).rejects.toThrow(/exited with 1/);
    expect(await nft(ns.load, 'list', 'table', 'inet', 'tibox')).toBe(before);
    expect(await nft(ns.load, 'list', 'table', 'inet', 'other')).toBe(otherBefore);
  });

  it('apply(null) brings back the baseline', async () => {
    await firewall.apply(null);
    expect(await rulesPerChain()).toEqual({ input: 6 });
  });
});

describe('traffic through the box', () => {
  const desired: FirewallDesired = {
    ...ONE_PVS_ONE_TERMINAL,
    interfaces: WITHOUT_TERMINAL_BRIDGE,
    tiPrefixes: ['100.64.0.0/10'],
    gateways: ['198.51.100.10'],
    managementOverInternet: { address: '203.0.113.1', port: 443 },
    hosts: [PVS],
  };
  const BOX_TCP = [22, 53, 80, 443, 4742, 8080];
  const BOX_UDP = [53, 67, 123, 500, 4500, 4742];
  const heard = { box: [] as string[], lan: [] as string[], wan: [] as string[], ti: [] as string[] };
  const listeners: ProcessHandle[] = [];
  let boxFirewall: Firewall;

  const listen = async (where: keyof typeof heard, specs: string[]) => {
    let ready = false;
    listeners.push(
      startProcess(process.execPath, [peer, 'listen', ...specs], {
        netns: ns[where],
        onStdoutLine: (line) => (line === 'ready' ? (ready = true) : heard[where].push(line)),
      }),
    );
    await waitFor(() => expect(ready).toBe(true), 5_000, 20);
  };
  const probe = async (from: keyof typeof ns, specs: string[], source?: string) => {
    const args = [peer, 'probe', ...(source ? ['--source', source] : []), ...specs];
    return JSON.parse((await processRunner.run(process.execPath, args, { netns: ns[from] })).stdout) as Record<string, string>;
  };
  /** What a probe of `specs` gave, each alike. */
  const all = (specs: string[], result: string) => Object.fromEntries(specs.map((spec) => [spec, result]));
  /** Runs `act`, then says how much each drop counter grew. */
  const dropsDuring = async (act: () => Promise<void>) => {
    const before = await counters(ns.box);
    await act();
    const after = await counters(ns.box);
    return Object.fromEntries(Object.entries(after).filter(([name, n]) => n > (before[name] ?? 0)).map(([name, n]) => [name, n - (before[name] ?? 0)]));
  };

  beforeAll(async () => {
    for (const name of [ns.box, ns.lan, ns.wan, ns.ti]) await netns.add(name);
    await netns.veth(ns.box, 'lan0', ns.lan, 'eth0');
    await netns.veth(ns.box, 'wan0', ns.wan, 'eth0');
    await netns.veth(ns.box, 'ipsec0', ns.ti, 'eth0');
    const ip = (where: string, ...args: string[]) => netns.ip(where, ...args);
    // The box: practice-LAN address and LAN-half gateway on lan0, WAN behind the router, the TI
    // prefixes into the tunnel stand-in; it routes IPv4 and IPv6, so only the firewall stops them.
    await ip(ns.box, 'addr', 'add', '192.168.1.2/24', 'dev', 'lan0');
    await ip(ns.box, 'addr', 'add', '10.77.12.1/27', 'dev', 'lan0');
    await ip(ns.box, 'addr', 'add', 'fd00:1::1/64', 'dev', 'lan0', 'nodad');
    await ip(ns.box, 'addr', 'add', '192.168.178.2/24', 'dev', 'wan0');
    await ip(ns.box, 'addr', 'add', 'fd00:2::2/64', 'dev', 'wan0', 'nodad');
    await ip(ns.box, 'addr', 'add', '169.254.77.1/30', 'dev', 'ipsec0');
    await ip(ns.box, 'route', 'add', 'default', 'via', '192.168.178.1');
    await ip(ns.box, 'route', 'add', '100.64.0.0/10', 'via', '169.254.77.2', 'dev', 'ipsec0');
    await netns.enableForwarding(ns.box);
    await netns.sysctl(ns.box, 'net.ipv6.conf.all.forwarding', '1');
    // The PVS host: its registered MAC, a practice address, its TI address and an unregistered one.
    await ip(ns.lan, 'link', 'set', 'eth0', 'address', PVS.mac);
    await ip(ns.lan, 'addr', 'add', '192.168.1.20/24', 'dev', 'eth0');
    await ip(ns.lan, 'addr', 'add', '10.77.12.10/27', 'dev', 'eth0');
    await ip(ns.lan, 'addr', 'add', '10.77.12.11/27', 'dev', 'eth0');
    await ip(ns.lan, 'addr', 'add', 'fd00:1::10/64', 'dev', 'eth0', 'nodad');
    await ip(ns.lan, 'route', 'add', '100.64.0.0/10', 'via', '10.77.12.1', 'src', '10.77.12.10');
    await ip(ns.lan, 'route', 'add', '203.0.113.0/24', 'via', '192.168.1.2');
    await ip(ns.lan, 'route', 'add', 'default', 'via', 'fd00:1::1');
    // The WAN: the practice router, an internet address and a gateway behind it.
    await ip(ns.wan, 'addr', 'add', '192.168.178.1/24', 'dev', 'eth0');
    await ip(ns.wan, 'addr', 'add', 'fd00:2::1/64', 'dev', 'eth0', 'nodad');
    await ip(ns.wan, 'addr', 'add', '203.0.113.1/32', 'dev', 'lo');
    await ip(ns.wan, 'addr', 'add', '198.51.100.10/32', 'dev', 'lo');
    await ip(ns.wan, 'route', 'add', '192.168.1.0/24', 'via', '192.168.178.2');
    await ip(ns.wan, 'route', 'add', '10.77.12.0/26', 'via', '192.168.178.2');
    await ip(ns.wan, 'route', 'add', 'fd00:1::/64', 'via', 'fd00:2::2');
    // The TI side of the tunnel stand-in: the connector's address.
    await ip(ns.ti, 'addr', 'add', '169.254.77.2/30', 'dev', 'eth0');
    await ip(ns.ti, 'addr', 'add', '100.64.10.10/32', 'dev', 'lo');
    await ip(ns.ti, 'route', 'add', '10.77.12.0/26', 'via', '169.254.77.1', 'src', '100.64.10.10');

    await listen('box', [...BOX_TCP.map((p) => `tcp:0.0.0.0:${p}`), ...BOX_UDP.map((p) => `udp:0.0.0.0:${p}`)]);
    await listen('lan', ['tcp:0.0.0.0:80', 'tcp:0.0.0.0:7001', 'tcp:0.0.0.0:7002']);
    await listen('wan', ['tcp:0.0.0.0:80', 'tcp:[::]:53', 'tcp:0.0.0.0:443']);
    await listen('ti', ['tcp:0.0.0.0:443']);
    boxFirewall = new Firewall({ monitor: NO_MONITOR, health: NO_HEALTH, nft: new NftLoader(processRunner, ns.box), stateDir: join(stateDir, 'box'), log });
    await boxFirewall.apply(desired);
  });
  afterAll(async () => {
    for (const listener of listeners) listener.kill('SIGKILL');
    for (const name of [ns.box, ns.lan, ns.wan, ns.ti]) await netns.remove(name);
  });

  it('lets a registered host reach a TI address from its own MAC, and counts both directions for it', async () => {
    const before = (await counters(ns.box)).device_1_accepted ?? 0;
    expect(await probe('lan', ['tcp:100.64.10.10:443'], '10.77.12.10')).toEqual({ 'tcp:100.64.10.10:443': 'open' });
    // A TCP handshake and close: at least SYN, ACK, FIN out and SYN-ACK, FIN back.
    expect(((await counters(ns.box)).device_1_accepted ?? 0) - before).toBeGreaterThanOrEqual(5);
  });

  it('lets the connector reach the registered CETP port, and nothing else in the practice or the box', async () => {
    const closed = ['tcp:10.77.12.10:7002', 'tcp:10.77.12.10:80', 'tcp:10.77.12.1:443', 'tcp:10.77.12.1:22'];
    const drops = await dropsDuring(async () => {
      expect(await probe('ti', ['tcp:10.77.12.10:7001', ...closed])).toEqual({ 'tcp:10.77.12.10:7001': 'open', ...all(closed, 'timeout') });
    });
    expect(drops.from_tunnel).toBeGreaterThanOrEqual(closed.length);
    // Two of them were meant for the PVS host; the box's own ports concern no device.
    expect(drops.device_1_dropped).toBeGreaterThanOrEqual(2);
  });

  it('drops an unregistered TI address', async () => {
    const drops = await dropsDuring(async () => {
      expect(await probe('lan', ['tcp:100.64.10.10:443'], '10.77.12.11')).toEqual({ 'tcp:100.64.10.10:443': 'timeout' });
    });
    expect(drops.unregistered).toBeGreaterThan(0);
    // Sent from the registered host's MAC: counted for it, so `fw why` can say it used a wrong address.
    expect(drops.device_1_dropped).toBe(drops.unregistered);
  });

  it('never routes the LAN to the internet, from a practice address or a TI address', async () => {
    const before = heard.wan.length;
    const drops = await dropsDuring(async () => {
      const results = await Promise.all(['192.168.1.20', '10.77.12.10'].map((source) => probe('lan', ['tcp:203.0.113.1:80'], source)));
      expect(results).toEqual([{ 'tcp:203.0.113.1:80': 'timeout' }, { 'tcp:203.0.113.1:80': 'timeout' }]);
    });
    expect(drops.not_ti).toBeGreaterThanOrEqual(2);
    expect(heard.wan.length).toBe(before);
    // The way itself is open: the box reaches the management endpoint there.
    expect(await probe('box', ['tcp:203.0.113.1:443'])).toEqual({ 'tcp:203.0.113.1:443': 'open' });
  });

  it("lets the box's own TCP out of the WAN only to the management endpoint and to DNS", async () => {
    const refused = ['tcp:203.0.113.1:80', 'tcp:198.51.100.10:443'];
    const drops = await dropsDuring(async () => {
      expect(await probe('box', ['tcp:203.0.113.1:443', 'tcp:203.0.113.1:53', ...refused])).toEqual({
        'tcp:203.0.113.1:443': 'open',
        'tcp:203.0.113.1:53': 'open',
        ...all(refused, 'timeout'),
      });
    });
    expect(drops.wan_tcp).toBeGreaterThanOrEqual(refused.length);
  });

  it('opens no box port to the WAN side and lets nothing from there into the LAN', async () => {
    const boxAddresses = ['192.168.178.2', '192.168.1.2', '10.77.12.1'];
    const tcp = [...boxAddresses.flatMap((a) => BOX_TCP.map((p) => `tcp:${a}:${p}`)), 'tcp:192.168.1.20:80', 'tcp:10.77.12.10:7001'];
    const udp = boxAddresses.flatMap((a) => BOX_UDP.map((p) => `udp:${a}:${p}`));
    const [boxHeard, lanHeard] = [heard.box.length, heard.lan.length];
    const drops = await dropsDuring(async () => {
      expect(await probe('wan', [...tcp, ...udp])).toEqual({ ...all(tcp, 'timeout'), ...all(udp, 'sent') });
      await new Promise((r) => setTimeout(r, 200));
    });
    expect(heard.box.slice(boxHeard)).toEqual([]);
    expect(heard.lan.slice(lanHeard)).toEqual([]);
    expect(drops.from_wan).toBeGreaterThanOrEqual(tcp.length + udp.length);
  });

  it('takes IKE from a gateway, and the LAN side gets only its services', async () => {
    const boxHeard = heard.box.length;
    await probe('wan', ['udp:192.168.178.2:500'], '198.51.100.10');
    const drops = await dropsDuring(async () => {
      expect(await probe('lan', ['tcp:192.168.1.2:443', 'tcp:192.168.1.2:22', 'tcp:10.77.12.1:53', 'udp:192.168.1.2:53'], '192.168.1.20')).toEqual({
        'tcp:192.168.1.2:443': 'open',
        'tcp:192.168.1.2:22': 'timeout',
        'tcp:10.77.12.1:53': 'open',
        'udp:192.168.1.2:53': 'sent',
      });
    });
    await waitFor(() => expect(heard.box.slice(boxHeard).sort()).toEqual([
      'tcp 443 from 192.168.1.20',
      'tcp 53 from 192.168.1.20',
      'udp 500 from 198.51.100.10',
      'udp 53 from 192.168.1.20',
    ]), 2_000, 20);
    expect(drops.service).toBeGreaterThan(0);
  });

  it('forwards no IPv6', async () => {
    const drops = await dropsDuring(async () => {
      expect(await probe('lan', ['tcp:[fd00:2::1]:53'])).toEqual({ 'tcp:[fd00:2::1]:53': 'timeout' });
    });
    expect(drops.ipv6).toBeGreaterThan(0);
    // The way itself is open: the box's own lookups reach DNS there over IPv6.
    expect(await probe('box', ['tcp:[fd00:2::1]:53'])).toEqual({ 'tcp:[fd00:2::1]:53': 'open' });
  });

  it('sends no TI packet in clear when its route points to the WAN', async () => {
    // The WAN side answers for the connector's address too: a packet let through would connect.
    await netns.ip(ns.wan, 'addr', 'add', '100.64.10.10/32', 'dev', 'lo');
    await netns.ip(ns.box, 'route', 'replace', '100.64.0.0/10', 'via', '192.168.178.1', 'dev', 'wan0');
    const before = heard.wan.length;
    try {
      const drops = await dropsDuring(async () => {
        expect(await probe('lan', ['tcp:100.64.10.10:443'], '10.77.12.10')).toEqual({ 'tcp:100.64.10.10:443': 'timeout' });
      });
      expect(drops.cleartext).toBeGreaterThan(0);
      expect(heard.wan.slice(before)).toEqual([]);
    } finally {
      await netns.ip(ns.box, 'route', 'replace', '100.64.0.0/10', 'via', '169.254.77.2', 'dev', 'ipsec0');
      await netns.ip(ns.wan, 'addr', 'del', '100.64.10.10/32', 'dev', 'lo');
    }
  });

  it('keeps every counter and its start time over a device change, which reloads the whole table', async () => {
    expect(await probe('lan', ['tcp:100.64.10.10:443'], '10.77.12.10')).toEqual({ 'tcp:100.64.10.10:443': 'open' });
    const listed = async () => (await json(ns.box, 'list', 'counters', 'table', 'inet', 'tibox')).nftables.flatMap((item) => (item.counter ? [item.counter] : []));
    const before = await listed();
    const handle = async () => (await json(ns.box, 'list', 'tables')).nftables.find((item) => item.table?.name === 'tibox')?.table?.handle;
    const table = await handle();
    await boxFirewall.apply({ ...desired, hosts: [{ ...PVS, name: 'Empfang renamed', cetpPorts: [7001, 7002] }] });
    expect(await handle()).not.toBe(table);
    const after = await listed();
    expect(after.map((c) => c.name)).toEqual(before.map((c) => c.name));
    for (const counter of before) {
      const now = after.find((c) => c.name === counter.name);
      expect(Number(now?.packets), String(counter.name)).toBeGreaterThanOrEqual(Number(counter.packets));
      expect(now?.comment, String(counter.name)).toBe(counter.comment);
    }
    expect(before.find((c) => c.name === 'device_1_accepted')?.comment).toMatch(/, since \d{4}-\d\d-\d\dT/);
    expect(Number(after.find((c) => c.name === 'device_1_accepted')?.packets)).toBeGreaterThan(0);
    await boxFirewall.apply(desired);
  });

  it('drops the registered TI address from another MAC', async () => {
    await netns.ip(ns.lan, 'link', 'set', 'eth0', 'address', '02:00:5e:10:00:99');
    try {
      const drops = await dropsDuring(async () => {
        expect(await probe('lan', ['tcp:100.64.10.10:443'], '10.77.12.10')).toEqual({ 'tcp:100.64.10.10:443': 'timeout' });
      });
      expect(drops.wrong_mac).toBeGreaterThan(0);
      expect(drops.device_1_dropped).toBe(drops.wrong_mac);
    } finally {
      await netns.ip(ns.lan, 'link', 'set', 'eth0', 'address', PVS.mac);
      await netns.ip(ns.box, 'neigh', 'flush', 'dev', 'lan0');
    }
    expect(await probe('lan', ['tcp:100.64.10.10:443'], '10.77.12.10')).toEqual({ 'tcp:100.64.10.10:443': 'open' });
  });
});
