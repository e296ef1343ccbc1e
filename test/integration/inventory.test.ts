// The device inventory against the real kernel and a real dnsmasq, in namespaces this test creates:
// a box with a LAN port (lan0) and a terminal bridge (br-term), a PVS host on the LAN and a card
// terminal on a terminal port (static address, TCP 4742 listener). dnsmasq leases like the box's:
// static leases only, here one for the terminal. The inventory runs in inventoryDriver.ts inside
// the box namespace and is asked through its control actions, as the CLI and web UI would.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlClient } from '../../src/control/client.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { processRunner, startProcess, type ProcessHandle } from '../../src/core/runner.ts';
import type { DeviceView, NeighbourEntry, TerminalCandidate, Transition } from '../../src/lan/inventory/index.ts';
import { Netns } from '../lab/netns.ts';
import { waitFor } from './waitFor.ts';

const here = join(fileURLToPath(import.meta.url), '..');
const tag = randomBytes(3).toString('hex');
const ns = { box: `tibox-inv-${tag}-box`, pvs: `tibox-inv-${tag}-pvs`, kt: `tibox-inv-${tag}-kt` };
const TERMINAL = '10.77.12.40';
const n = new Netns(processRunner);

describe('device inventory in namespaces', () => {
  let dir: string;
  let client: ControlClient;
  let driver: ProcessHandle | undefined;
  let dnsmasq: ProcessHandle | undefined;
  let listener: ProcessHandle | undefined;
  let pvsMac: string;
  let ktMac: string;

  const macOf = async (netns: string, dev: string) => ((JSON.parse((await n.ip(netns, '-j', 'link', 'show', dev)).stdout) as { address: string }[])[0]?.address ?? '');
  const ask = async <T>(action: string, args: unknown = {}) => (await client.action(action, args)) as T;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-inv-'));
    for (const name of Object.values(ns)) await n.add(name);
    await n.veth(ns.box, 'lan0', ns.pvs, 'eth0');
    await n.address(ns.box, 'lan0', '192.168.1.2/24');
    await n.address(ns.box, 'lan0', '10.77.12.1/27');
    await n.address(ns.pvs, 'eth0', '192.168.1.20/24');
    await n.veth(ns.box, 'term0', ns.kt, 'eth0');
    await n.bridge(ns.box, 'br-term', ['term0']);
    await n.address(ns.box, 'br-term', '10.77.12.33/27');
    await n.address(ns.kt, 'eth0', `${TERMINAL}/27`);
    pvsMac = await macOf(ns.pvs, 'eth0');
    ktMac = await macOf(ns.kt, 'eth0');

    const leaseFile = join(dir, 'dnsmasq.leases');
    const hostsFile = join(dir, 'dhcp-hosts');
    writeFileSync(hostsFile, `${ktMac},${TERMINAL}\n`);
    // dnsmasq reads its hosts file after dropping to user nobody.
    chmodSync(dir, 0o755);
    dnsmasq = startProcess('dnsmasq', [
      '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--interface=br-term', '--bind-interfaces',
      '--dhcp-range=10.77.12.32,static,255.255.255.224,1h', `--dhcp-hostsfile=${hostsFile}`,
      `--dhcp-leasefile=${leaseFile}`, `--pid-file=${join(dir, 'dnsmasq.pid')}`,
    ], { netns: ns.box });
    const socketPath = join(dir, 'control.sock');
    let ready = false;
    driver = startProcess(process.execPath, [join(here, 'inventoryDriver.ts'), socketPath, dir, leaseFile], {
      netns: ns.box,
      onStdoutLine: (line) => {
        if (line === 'ready') ready = true;
      },
    });
    await waitFor(() => expect(ready).toBe(true), 15_000);
    client = new ControlClient<AgentStatus>(socketPath);
  });

  afterAll(async () => {
    for (const handle of [listener, driver, dnsmasq]) {
      handle?.kill('SIGTERM');
      await handle?.exited;
    }
    for (const name of Object.values(ns)) await n.remove(name);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists a host of the practice LAN after it sent traffic to the box', async () => {
    expect((await ask<NeighbourEntry[]>('devices.neighbours')).some((e) => e.mac === pvsMac)).toBe(false);
    await n.exec(ns.pvs, 'ping', ['-c', '1', '-W', '2', '192.168.1.2']);
    const entry = await waitFor(async () => {
      const found = (await ask<NeighbourEntry[]>('devices.neighbours')).find((e) => e.mac === pvsMac);
      expect(found).toBeDefined();
      return found as NeighbourEntry;
    }, 5_000);
    expect(entry).toMatchObject({ ip: '192.168.1.20', interface: 'lan0' });
    expect(['reachable', 'stale', 'delay', 'probe']).toContain(entry.state);
    expect(Date.now() - Date.parse(entry.lastSeen)).toBeLessThan(10_000);
  });

  it('finds an unregistered card terminal by its open SICCT port', async () => {
    listener = startProcess(process.execPath, ['-e', `require('node:net').createServer((s) => s.destroy()).listen(4742, '${TERMINAL}')`], { netns: ns.kt });
    await n.exec(ns.kt, 'ping', ['-c', '1', '-W', '2', '10.77.12.33']);
    await waitFor(async () => {
      expect(await ask<TerminalCandidate[]>('devices.terminals')).toMatchObject([{ mac: ktMac, address: TERMINAL, interface: 'br-term', evidence: ['sicct-port'] }]);
    }, 10_000);
  });

  it('tracks the terminal once registered: reachable, then unreachable after its listener stops', async () => {
    const device = await ask<DeviceView>('devices.register', { kind: 'terminal', name: 'Empfang-KT', address: TERMINAL, mac: ktMac });
    await waitFor(async () => expect((await ask<DeviceView>('devices.show', { device: device.id })).reachability?.state).toBe('reachable'), 5_000);
    expect(await ask<TerminalCandidate[]>('devices.terminals')).toEqual([]);

    listener?.kill('SIGTERM');
    await listener?.exited;
    listener = undefined;
    await waitFor(async () => {
      expect((await ask<DeviceView>('devices.show', { device: 'Empfang-KT' })).reachability).toMatchObject({
        state: 'unreachable', lastFailure: { detail: 'ECONNREFUSED' },
      });
    }, 5_000);
    expect(await ask('test.health')).toEqual([{ code: 'terminal.unreachable', detail: `Empfang-KT (${TERMINAL})` }]);
    const history = await ask<Transition[]>('devices.reachability', { device: 'Empfang-KT' });
    expect(history.map((t) => t.state)).toEqual(['unreachable', 'reachable']);
  });

  it("shows the name the terminal sent with its DHCP request, from dnsmasq's leases", async () => {
    await processRunner.run('busybox', [
      'udhcpc', '-i', 'eth0', '-n', '-q', '-t', '5', '-T', '1', '-x', 'hostname:KT-LAB-0123', '-s', join(here, '..', 'lab', 'udhcpc-script.sh'),
    ], { netns: ns.kt, timeoutMs: 20_000 });
    await waitFor(async () => {
      expect((await ask<DeviceView>('devices.show', { device: 'Empfang-KT' })).dhcp).toMatchObject({ mac: ktMac, address: TERMINAL, hostname: 'KT-LAB-0123' });
    }, 5_000);
  });
});
