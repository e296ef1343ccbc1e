// The data path's composition, with every subsystem it drives faked: how it follows the LAN port's
// practice-LAN addresses (a DHCP lease that arrives or moves) into the firewall's set of the box's
// own addresses, and that no pass waits for the WAN-in-LAN watch's ARP probe.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataPath } from '../../../src/agent/dataPath.ts';
import type { Ports } from '../../../src/agent/dataPathPlan.ts';
import { createLogger } from '../../../src/core/log.ts';
import { isBaseline, type FirewallState } from '../../../src/firewall/index.ts';
import type { ProfileDataPath } from '../../../src/ipsec/profileService.ts';

const PROFILE: ProfileDataPath = {
  tiSegment: '10.77.12.0/26',
  tiPrefixes: ['100.64.0.0/10'],
  managementPrefix: '100.102.200.0/24',
  tiDns: { servers: ['100.102.0.53'], domains: ['telematik-test'] },
  gatewayAddresses: ['198.51.100.10'],
};
const PORTS: Ports = { lan: 'lan0', lanFallback: '169.254.77.1/16', wan: 'wan0', terminals: ['term0'] };

describe('DataPath', () => {
  let addresses: string[];
  let firewall: FirewallState[];
  let notify: () => void;
  let watchers: number;
  let dataPath: DataPath;

  const watch = (onChange: () => void) => {
    notify = onChange;
    watchers++;
    return () => void watchers--;
  };
  const served = () =>
    firewall.map((desired) => (desired === null ? 'bare baseline' : isBaseline(desired) ? `baseline, web UI on ${desired.baselineLan}` : desired.practiceLanAddresses.join(' ')));

  /** Every dependency faked; the firewall records what it is given. */
  const deps = () => {
    const nothing = async () => undefined;
    return {
      lan: { apply: nothing },
      practiceDhcp: { apply: nothing },
      wanInLan: { apply: nothing },
      dnsmasq: { apply: nothing },
      firewall: { apply: async (desired: FirewallState) => void firewall.push(desired) },
      ports: () => PORTS,
      backend: async () => 'libipsec' as const,
      devices: () => [],
      lanAddresses: vi.fn(async () => [...addresses]),
      tunnelMtu: () => 1389,
      managementOverInternet: (): { address: string; port: number } | undefined => undefined,
      log: createLogger({ level: 'silent' }),
    };
  };

  beforeEach(() => {
    vi.useFakeTimers();
    addresses = ['192.168.1.2/24', '10.77.12.1/27', '169.254.77.1/16'];
    firewall = [];
    watchers = 0;
    dataPath = new DataPath(deps());
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves a new lease at once and forgets one that ran out; other kernel news changes nothing', async () => {
    const unwatch = dataPath.followLanAddresses(watch);
    await dataPath.apply(PROFILE);
    expect(served()).toEqual(['192.168.1.2 169.254.77.1']);

    addresses.push('192.168.1.104/24');
    notify();
    notify();
    await vi.advanceTimersByTimeAsync(200);
    expect(served().at(-1)).toBe('192.168.1.2 169.254.77.1 192.168.1.104');

    // A route or link change, or the same addresses in another order: no new pass.
    addresses.reverse();
    notify();
    await vi.advanceTimersByTimeAsync(200);
    expect(firewall).toHaveLength(2);

    addresses.splice(addresses.indexOf('192.168.1.104/24'), 1);
    notify();
    await vi.advanceTimersByTimeAsync(200);
    expect(served().at(-1)).toBe('169.254.77.1 192.168.1.2');

    unwatch();
    expect(watchers).toBe(0);
  });

  it('tells the WAN-in-LAN watch its ports once, without waiting for its ARP probe', async () => {
    const told: string[] = [];
    const given = deps();
    // A check that never ends: the firewall must not wait for it.
    dataPath = new DataPath({ ...given, wanInLan: { apply: (desired) => (told.push(`${desired?.lan} ${desired?.wan}`), new Promise(() => undefined)) } });
    await dataPath.apply(PROFILE);
    await dataPath.refresh();
    expect(firewall).toHaveLength(2);
    expect(told).toEqual(['lan0 wan0']);
  });

  it('keeps the fail-closed baseline with the web UI on the LAN port while there is no profile', async () => {
    dataPath.followLanAddresses(watch);
    await dataPath.apply(null);
    addresses.push('192.168.1.104/24');
    notify();
    await vi.advanceTimersByTimeAsync(200);
    expect(served()).toEqual(['baseline, web UI on lan0']);
  });

  it('reads nothing once unsubscribed, also when a burst was still settling', async () => {
    const given = deps();
    dataPath = new DataPath(given);
    const unwatch = dataPath.followLanAddresses(watch);
    await dataPath.apply(PROFILE);
    const reads = given.lanAddresses.mock.calls.length;
    notify();
    unwatch();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(given.lanAddresses.mock.calls.length).toBe(reads);
  });

  it('leaves a device a new profile moved outside the segment out of the firewall, not everyone', async () => {
    const device = (id: number, address: string) => ({
      id, kind: 'pvs' as const, name: `pvs ${id}`, address, mac: `02:00:00:00:00:0${id}`, cetpPorts: [], createdAt: '', changedAt: '',
    });
    dataPath = new DataPath({ ...deps(), devices: () => [device(1, '10.77.12.10'), device(2, '10.99.0.10')] });
    await dataPath.apply(PROFILE);
    const last = firewall.at(-1);
    expect(last && !isBaseline(last) ? last.hosts.map((h) => h.address) : last).toEqual(['10.77.12.10']);
  });

  it("hands the firewall the management endpoint's internet address once it is known, read anew on each pass", async () => {
    let endpoint: { address: string; port: number } | undefined;
    dataPath = new DataPath({ ...deps(), managementOverInternet: () => endpoint });
    await dataPath.apply(PROFILE);
    endpoint = { address: '198.51.100.80', port: 443 };
    await dataPath.refresh();
    endpoint = undefined;
    await dataPath.refresh();
    expect(firewall.map((desired) => (desired && !isBaseline(desired) ? (desired.managementOverInternet ?? 'none') : desired))).toEqual([
      'none',
      { address: '198.51.100.80', port: 443 },
      'none',
    ]);
  });

  it('prepares the LAN side alone, before the tunnel, with the profile', async () => {
    const lan: unknown[] = [];
    dataPath = new DataPath({ ...deps(), lan: { apply: async (desired: unknown) => void lan.push(desired) } });
    await dataPath.prepare(PROFILE);
    expect(lan).toMatchObject([{ ports: PORTS, practiceFallback: PORTS.lanFallback, ti: { tiSegment: PROFILE.tiSegment, gateways: ['198.51.100.10'] } }]);
    expect(firewall).toEqual([]);
  });

  it('keeps the prepared LAN side through a pass before apply, so the TI segment never leaves the box while the tunnel comes up', async () => {
    const lan: { ti: unknown }[] = [];
    dataPath = new DataPath({ ...deps(), lan: { apply: async (desired: { ti: unknown } | null) => void lan.push(desired as { ti: unknown }) } });
    await dataPath.apply(null);
    await dataPath.prepare(PROFILE);
    await dataPath.refresh();
    expect(lan.map((desired) => desired.ti !== null)).toEqual([false, true, true]);
    expect(served().at(-1)).not.toContain('10.77.12.1');
  });

  it('closes after the pass under way and starts none after it, so the agent stops no part in the middle of a pass', async () => {
    let release: () => void = () => undefined;
    const applied: string[] = [];
    dataPath = new DataPath({
      ...deps(),
      firewall: {
        apply: async (desired: FirewallState) => {
          applied.push(desired && !isBaseline(desired) ? 'profile' : 'baseline');
          await new Promise<void>((resolve) => (release = resolve));
        },
      },
    });
    const passing = dataPath.apply(PROFILE);
    await vi.advanceTimersByTimeAsync(0);
    let closed = false;
    const closing = dataPath.close().then(() => void (closed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect([applied, closed]).toEqual([['profile'], false]);
    release();
    await Promise.all([passing, closing]);
    await dataPath.refresh();
    await dataPath.apply(null);
    expect([applied, closed]).toEqual([['profile'], true]);
  });
});
