import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BestEffortStore } from '../../../../src/core/bestEffortStore.ts';
import { Health } from '../../../../src/core/health.ts';
import { createLogger } from '../../../../src/core/log.ts';
import type { Db } from '../../../../src/agent/store/index.ts';
import { DeviceInventory, type Device, type NeighbourSource, type TiHalves } from '../../../../src/lan/inventory/index.ts';
import type { KernelNeighbour } from '../../../../src/lan/inventory/neighbours.ts';
import type { ProbeResult } from '../../../../src/lan/inventory/reachability.ts';
import { HALVES, inventoryStores, manualClock, memoryDb } from './fixtures.ts';

/** A neighbour table the test edits; watch() hands out the change callback. */
class FakeNeighbours implements NeighbourSource {
  table: KernelNeighbour[] = [];
  reads = 0;
  failing = false;
  notify: () => void = () => undefined;
  async read() {
    this.reads++;
    if (this.failing) throw new Error('netlink dump timed out');
    return this.table;
  }
  watch(onChange: () => void) {
    this.notify = onChange;
    return () => {
      this.notify = () => undefined;
    };
  }
}

const KT_MAC = '02:00:5e:10:00:40';
const PC_MAC = '00:1a:2b:3c:4d:5e';
const BOX_MAC = '52:54:00:12:34:56';
const kt: KernelNeighbour = { ip: '10.77.12.40', mac: KT_MAC, interface: 'br-term', state: 'reachable', confirmedAgoMs: 0 };
const pc: KernelNeighbour = { ip: '192.168.1.20', mac: PC_MAC, interface: 'lan0', state: 'stale', updatedAgoMs: 0 };

describe('DeviceInventory', () => {
  let db: Db;
  let dir: string;
  let neighbours: FakeNeighbours;
  let open: Set<string>;
  let halves: TiHalves | undefined;
  let changes: Device[][];
  let reachabilityChanges: number;
  let health: string[];
  let inventory: DeviceInventory;
  const clock = manualClock();

  const build = (leaseFile?: string) =>
    new DeviceInventory({
      ...inventoryStores(db),
      bestEffort: new BestEffortStore({ health: new Health(() => undefined), log: createLogger({ level: 'silent' }) }),
      halves: () => halves,
      ti: () => ({ prefixes: ['100.102.0.0/15'], domains: ['telematik'] }),
      boxPorts: async () => [{ port: 'LAN port lan0', mac: BOX_MAC }],
      interfaces: () => ['lan0', 'br-term'],
      neighbours,
      probe: async (address): Promise<ProbeResult> => (open.has(address) ? { ok: true } : { ok: false, detail: 'ECONNREFUSED' }),
      health: { raise: (code, detail) => void health.push(`${code}: ${detail}`), clear: (code) => void health.push(`clear ${code}`) },
      log: createLogger({ level: 'silent' }),
      now: clock.now,
      onChange: (devices) => void changes.push([...devices]),
      onReachabilityChange: () => void reachabilityChanges++,
      ...(leaseFile ? { leaseFile } : {}),
    });

  beforeEach(async () => {
    vi.useFakeTimers();
    db = memoryDb();
    dir = await mkdtemp(join(tmpdir(), 'tibox-inv-'));
    neighbours = new FakeNeighbours();
    neighbours.table = [kt, pc];
    open = new Set(['10.77.12.40']);
    halves = HALVES;
    changes = [];
    health = [];
    inventory = build();
  });
  afterEach(async () => {
    await inventory.stop();
    vi.useRealTimers();
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the hosts on its ports and finds the one answering on the SICCT port', async () => {
    await inventory.start(AbortSignal.timeout(1_000));
    expect(inventory.status().state).toBe('running');
    expect(inventory.neighbours().map((n) => `${n.interface} ${n.ip} ${n.state}`)).toEqual(['br-term 10.77.12.40 reachable', 'lan0 192.168.1.20 stale']);
    expect(inventory.candidates()).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(inventory.candidates()).toMatchObject([{ mac: KT_MAC, address: kt.ip, interface: 'br-term', evidence: ['sicct-port'] }]);
  });

  it('probes a host as soon as it appears on a port, not at the next round', async () => {
    neighbours.table = [pc];
    await inventory.start(AbortSignal.timeout(1_000));
    const newcomer: KernelNeighbour = { ip: '10.77.12.41', mac: '02:00:5e:10:00:41', interface: 'br-term', state: 'stale', updatedAgoMs: 0 };
    open.add(newcomer.ip);
    neighbours.table = [pc, newcomer];
    neighbours.notify();
    await vi.advanceTimersByTimeAsync(250);
    expect(inventory.candidates()).toMatchObject([{ mac: newcomer.mac, address: newcomer.ip, interface: 'br-term', evidence: ['sicct-port'] }]);
  });

  it('shows a terminal that asked for an address through the dnsmasq hook', () => {
    expect(inventory.dhcpSeen({ mac: '02:00:5E:10:00:41', address: '10.77.12.41', hostname: 'KT-41', vendorClass: 'ORGA' })).toBe(true);
    expect(inventory.dhcpSeen({ mac: 'not a mac', address: '10.77.12.42' })).toBe(false);
    expect(inventory.candidates()).toEqual([
      { mac: '02:00:5e:10:00:41', address: '10.77.12.41', hostname: 'KT-41', vendorClass: 'ORGA', evidence: ['dhcp'], firstSeen: clock.now().toISOString(), lastSeen: clock.now().toISOString() },
    ]);
  });

  it("shows a terminal from dnsmasq's lease file", async () => {
    const leases = join(dir, 'dnsmasq.leases');
    await writeFile(leases, `0 02:00:5e:10:00:44 10.77.12.44 ORGA6141-44 *\n`);
    inventory = build(leases);
    await inventory.start(AbortSignal.timeout(1_000));
    await vi.waitFor(() => expect(inventory.candidates().map((c) => [c.address, c.hostname, c.evidence])).toContainEqual(['10.77.12.44', 'ORGA6141-44', ['dhcp']]));
  });

  it('registers a terminal: tells onChange, takes it off the candidates, probes it and warns while it is unreachable', async () => {
    reachabilityChanges = 0;
    await inventory.start(AbortSignal.timeout(1_000));
    await vi.advanceTimersByTimeAsync(60_000);
    const device = await inventory.register({ kind: 'terminal', name: 'Empfang-KT', address: kt.ip, mac: KT_MAC, cetpPorts: [] }, 'admin');
    expect(changes.map((list) => list.map((d) => d.name))).toEqual([['Empfang-KT']]);
    expect(inventory.candidates()).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(inventory.show(device.id)).toMatchObject({ inSegment: true, reachability: { state: 'reachable' } });
    open.clear();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(inventory.show('Empfang-KT').reachability?.state).toBe('unreachable');
    expect(health.at(-1)).toBe('terminal.unreachable: Empfang-KT (10.77.12.40)');
    expect(inventory.reachabilityHistory('Empfang-KT', 10).map((t) => t.state)).toEqual(['unreachable', 'reachable']);
    // Each transition is told, for the web UI's live view.
    expect(reachabilityChanges).toBe(2);
    inventory.remove('Empfang-KT', 'admin');
    expect(changes.at(-1)).toEqual([]);
  });

  it('flags a device left outside a new TI segment, and refuses registrations without one', async () => {
    await inventory.register({ kind: 'pvs', name: 'Empfang-PC', address: '10.77.12.10', mac: PC_MAC, cetpPorts: [4000] }, 'admin');
    halves = { lanHalf: '10.88.0.0/27', terminalHalf: '10.88.0.32/27', lanGateway: '10.88.0.1', terminalGateway: '10.88.0.33' };
    expect(inventory.list().map((d) => [d.name, d.inSegment])).toEqual([['Empfang-PC', false]]);
    halves = undefined;
    await expect(inventory.register({ kind: 'terminal', name: 'KT', address: kt.ip, mac: KT_MAC, cetpPorts: [] }, 'admin')).rejects.toThrow(
      expect.objectContaining({ code: 'TIBOX_DEVICE_NO_SEGMENT', status: 409 }),
    );
    expect(() => inventory.setup('Empfang-PC', {})).toThrow(expect.objectContaining({ code: 'TIBOX_DEVICE_NO_SEGMENT' }));
  });

  it('gives the setup text for each kind of device', async () => {
    await inventory.register({ kind: 'pvs', name: 'Empfang-PC', address: '10.77.12.10', mac: PC_MAC, cetpPorts: [] }, 'admin');
    await inventory.register({ kind: 'terminal', name: 'Empfang-KT', address: kt.ip, mac: KT_MAC, cetpPorts: [] }, 'admin');
    const pvs = inventory.setup('Empfang-PC', { linuxInterface: 'enp3s0' });
    expect(pvs.kind === 'pvs' && pvs.windows).toContain('netsh interface ipv4 add address "Ethernet" 10.77.12.10 255.255.255.224');
    expect(pvs.kind === 'pvs' && pvs.linux).toContain('ip link add link enp3s0 name ti0 type ipvlan mode l2');
    expect(inventory.setup('Empfang-KT', {})).toMatchObject({ kind: 'terminal', terminal: expect.stringContaining('set the terminal to DHCP') });
  });

  it('reads the table once per burst of notifications, and reports a table it cannot read', async () => {
    await inventory.start(AbortSignal.timeout(1_000));
    const reads = neighbours.reads;
    neighbours.notify();
    neighbours.notify();
    neighbours.notify();
    await vi.advanceTimersByTimeAsync(250);
    expect(neighbours.reads).toBe(reads + 1);
    neighbours.failing = true;
    neighbours.notify();
    await vi.advanceTimersByTimeAsync(250);
    expect(inventory.status()).toMatchObject({ state: 'degraded', detail: 'neighbour table unreadable: netlink dump timed out' });
    neighbours.failing = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(inventory.status().state).toBe('running');
  });
});
