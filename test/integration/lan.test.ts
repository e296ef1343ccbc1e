// The LAN subsystem's adapters against the real kernel, in two namespaces this test creates: the
// box (lan0, wan0, term0, term1) and the practice side (the LAN bridge with the practice router's
// address, the router's port for the box's WAN, the far ends of the terminal ports). The
// adapters run in lanDriver.ts inside the box namespace: their netlink sockets are the process's.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRunner, startProcess, type ProcessHandle } from '../../src/core/runner.ts';
import type { HealthWarning } from '../../src/core/health.ts';
import { createLogger } from '../../src/core/log.ts';
import { PracticeDhcp, practiceDhcpCommand, type LanLinksDesired } from '../../src/lan/index.ts';
import { Supervised } from '../lab/supervisor.ts';
import { Netns } from '../lab/netns.ts';
import { waitFor } from './waitFor.ts';

const here = join(fileURLToPath(import.meta.url), '..');
const driver = join(here, 'lanDriver.ts');
const id = `tlan${randomBytes(2).toString('hex')}`;
const box = `${id}-box`;
const practice = `${id}-rtr`;
const netns = new Netns(processRunner);
const desired: LanLinksDesired = {
  lan: { port: 'lan0', addresses: ['10.77.12.1/27', '192.168.100.1/24'] },
  terminals: { bridge: 'br-term', ports: ['term0', 'term1'], addresses: ['10.77.12.33/27'] },
};

const ip = async (args: string[], ns = box) => (await processRunner.run('ip', args, { netns: ns })).stdout;
/** The IPv4 addresses of a link, `a.b.c.d/len` plus ` dynamic` for one with a lifetime, sorted. */
const addresses = async (dev: string) => {
  const [link] = JSON.parse(await ip(['-j', '-4', 'addr', 'show', 'dev', dev])) as { addr_info: { local: string; prefixlen: number; valid_life_time: number }[] }[];
  return (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}${a.valid_life_time === 4294967295 ? '' : ' dynamic'}`).sort();
};
const link = async (dev: string) => {
  const [l] = JSON.parse(await ip(['-j', '-d', 'link', 'show', 'dev', dev])) as { flags: string[]; master?: string; linkinfo?: { info_kind?: string } }[];
  return { up: l?.flags.includes('UP') ?? false, master: l?.master, kind: l?.linkinfo?.info_kind };
};
const links = async () => (JSON.parse(await ip(['-j', 'link', 'show'])) as { ifname: string }[]).map((l) => l.ifname).sort();

describe('LAN links and WAN-in-LAN in namespaces', () => {
  let dir: string;
  let stateDir: string;
  const running: ProcessHandle[] = [];

  const apply = async (want: LanLinksDesired | null) => {
    const { stdout } = await processRunner.run(process.execPath, [driver, 'apply', stateDir, JSON.stringify(want)], { netns: box });
    return JSON.parse(stdout) as { writes: string[]; status: { state: string; detail?: string } };
  };
  /** Starts a driver mode that serves until SIGTERM; resolves once it printed "ready". */
  const serve = async (name: string, args: string[]) => {
    const output = join(dir, `${name}.out`);
    const fd = openSync(output, 'w');
    const handle = startProcess(process.execPath, [driver, ...args], { netns: box, outputFd: fd });
    closeSync(fd);
    running.push(handle);
    await waitFor(() => expect(readFileSync(output, 'utf8')).toContain('ready'), 10_000);
    return { handle, output: () => readFileSync(output, 'utf8') };
  };
  const wanInLan = async () => {
    const { stdout } = await processRunner.run(process.execPath, [driver, 'wan-in-lan', 'lan0', 'wan0'], { netns: box, timeoutMs: 20_000 });
    return JSON.parse(stdout) as HealthWarning[];
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-lan-'));
    stateDir = join(dir, 'state');
    await netns.add(box);
    await netns.add(practice);
    await netns.ip(practice, 'link', 'add', 'br-lan', 'type', 'bridge');
    await netns.ip(practice, 'link', 'set', 'br-lan', 'up');
    await netns.address(practice, 'br-lan', '192.168.1.1/24');
    await netns.veth(practice, 'lan-box', box, 'lan0');
    await netns.ip(practice, 'link', 'set', 'lan-box', 'master', 'br-lan');
    await netns.veth(practice, 'boxwan', box, 'wan0');
    await netns.address(practice, 'boxwan', '192.168.178.1/24');
    await netns.address(box, 'wan0', '192.168.178.2/24');
    await netns.route(box, 'default', 'via', '192.168.178.1');
    // Terminal ports start down: the adapter brings them up.
    for (const n of ['0', '1']) {
      await netns.ip(practice, 'link', 'add', `tp${n}`, 'type', 'veth', 'peer', 'name', `term${n}`, 'netns', box);
      await netns.ip(practice, 'link', 'set', `tp${n}`, 'up');
    }
    // Addresses that are not tibox's: one added by hand, one leased (with a lifetime).
    await netns.address(box, 'lan0', '192.168.1.2/24');
    await ip(['addr', 'add', '192.168.1.57/24', 'dev', 'lan0', 'valid_lft', '3600', 'preferred_lft', '3600']);
  });

  afterAll(async () => {
    for (const handle of running) handle.kill('SIGKILL');
    await netns.remove(box);
    await netns.remove(practice);
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the addresses and the terminal bridge in place, and a second apply writes nothing', async () => {
    const first = await apply(desired);
    expect(first.writes).toEqual([
      'ip link add br-term type bridge',
      'ip link set term0 master br-term',
      'ip link set term1 master br-term',
      'ip link set term0 up',
      'ip link set term1 up',
      'ip link set br-term up',
      'ip addr add 10.77.12.1/27 dev lan0',
      'ip addr add 192.168.100.1/24 dev lan0',
      'ip addr add 10.77.12.33/27 dev br-term',
    ]);
    expect(first.status.state).toBe('stopped');
    expect(await addresses('lan0')).toEqual(['10.77.12.1/27', '192.168.1.2/24', '192.168.1.57/24 dynamic', '192.168.100.1/24']);
    expect(await addresses('br-term')).toEqual(['10.77.12.33/27']);
    expect(await link('br-term')).toEqual({ up: true, master: undefined, kind: 'bridge' });
    expect(await link('term0')).toMatchObject({ up: true, master: 'br-term' });
    expect((await apply(desired)).writes).toEqual([]);
  });

  describe('while watching', () => {
    let watcher: { handle: ProcessHandle; output: () => string };

    beforeAll(async () => {
      watcher = await serve('watch', ['watch', stateDir, JSON.stringify(desired)]);
    });
    afterAll(async () => {
      watcher.handle.kill('SIGTERM');
      await waitFor(() => expect(watcher.output()).toContain('stopped'), 5_000);
    });

    it('restores an address deleted by hand within a second, and leaves the others alone', async () => {
      await ip(['addr', 'del', '10.77.12.1/27', 'dev', 'lan0']);
      const deleted = Date.now();
      await waitFor(async () => expect(await addresses('lan0')).toContain('10.77.12.1/27'), 1_000, 20);
      expect(Date.now() - deleted).toBeLessThan(1_000);
      expect(await addresses('lan0')).toEqual(['10.77.12.1/27', '192.168.1.2/24', '192.168.1.57/24 dynamic', '192.168.100.1/24']);
    });

    it('rebuilds the terminal bridge deleted by hand, with its ports and address', async () => {
      await ip(['link', 'del', 'br-term']);
      await waitFor(async () => expect(await addresses('br-term')).toEqual(['10.77.12.33/27']), 2_000, 20);
      expect(await link('term1')).toMatchObject({ up: true, master: 'br-term' });
    });
  });

  it('gets the practice-LAN address by DHCP without a route from a client run as its own service, which outlives the agent', async () => {
    const leases = join(dir, 'practice.leases');
    const dnsmasq = startProcess('dnsmasq', [
      '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--interface=br-lan', '--bind-interfaces', '--no-ping',
      '--dhcp-range=192.168.1.100,192.168.1.199,255.255.255.0,1h', '--dhcp-option=option:router,192.168.1.1',
      `--dhcp-leasefile=${leases}`, `--pid-file=${join(dir, 'practice-dhcp.pid')}`,
    ], { netns: practice });
    running.push(dnsmasq);
    // The client's service waits for the port and hook the agent writes.
    const hookDir = join(dir, 'hooks');
    const [command, ...args] = practiceDhcpCommand(hookDir);
    const service = new Supervised('practice-dhcp', command, args, { netns: box, logFile: join(dir, 'practice-dhcp.log'), restartDelayMs: 200 });
    await service.start();
    const agent = new PracticeDhcp({ hookDir, log: createLogger({ destination: process.stderr, level: 'warn' }) });
    await agent.start(AbortSignal.timeout(5_000));
    await agent.apply({ port: 'lan0' });
    const leased = await waitFor(async () => {
      const lease = (await addresses('lan0')).find((a) => /^192\.168\.1\.1\d\d\/24 dynamic$/.test(a));
      expect(lease).toBeDefined();
      return lease;
    }, 15_000);
    await waitFor(async () => {
      await agent.apply({ port: 'lan0' });
      expect(agent.status()).toMatchObject({ state: 'running', detail: 'DHCP client on lan0' });
    }, 5_000);
    expect(await ip(['-4', 'route', 'show', 'default'])).toBe('default via 192.168.178.1 dev wan0 \n');
    expect((await apply(desired)).writes).toEqual([]);
    // The agent goes; the client stays, as does its address.
    await agent.stop();
    expect(agent.status().state).toBe('stopped');
    expect(service.pid).toBeDefined();
    expect((await processRunner.run('pgrep', ['-f', `udhcpc -f -i lan0 -s ${hookDir}/`])).stdout.trim().split('\n')).toEqual([String(service.pid)]);
    expect(await addresses('lan0')).toContain(leased);
    await service.stop();
    dnsmasq.kill('SIGTERM');
  });

  it('warns when the WAN port is plugged into the practice LAN, not before', async () => {
    expect(await wanInLan()).toEqual([]);
    // The WAN cable moves to the practice LAN's switch: the WAN keeps its own static address.
    await netns.ip(practice, 'link', 'set', 'boxwan', 'master', 'br-lan');
    const [warning] = await wanInLan();
    expect(warning).toMatchObject({ code: 'lan.wanInLan', severity: 'warning' });
    expect(warning?.detail).toMatch(/^An ARP probe for 10\.77\.12\.1 sent out of the WAN port wan0 was answered by the LAN port lan0 itself/);
    // With a lease from the practice router the WAN sees the router as the LAN port does.
    await ip(['addr', 'add', '192.168.1.230/24', 'dev', 'wan0', 'valid_lft', '600', 'preferred_lft', '600']);
    for (const port of ['lan0', 'wan0']) await processRunner.run('ping', ['-c', '1', '-W', '1', '-I', port, '192.168.1.1'], { netns: box, okCodes: [1] });
    const [again] = await wanInLan();
    expect(again?.detail).toContain('The WAN port wan0 (192.168.1.230/24) and the LAN port lan0 (192.168.1.2/24) are in the same network 192.168.1.0/24.');
    expect(again?.detail).toMatch(/The device 192\.168\.1\.1 \([0-9a-f:]{17}\) answers on both the WAN port wan0 and the LAN port lan0\./);
  });

  it('removes only what it added on apply(null)', async () => {
    await apply(null);
    expect(await links()).not.toContain('br-term');
    expect(await addresses('lan0')).toEqual(expect.arrayContaining(['192.168.1.2/24', '192.168.1.57/24 dynamic']));
    expect((await addresses('lan0')).filter((a) => a.startsWith('10.77.12.') || a.startsWith('192.168.100.'))).toEqual([]);
  });
});
