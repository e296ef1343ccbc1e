// The gateways of an SRV profile reach the firewall as addresses: the profile service resolves the
// SRV record and its targets' names, the data path composes the firewall's desired state from
// them, and the firewall (against a fake nft) loads a ruleset whose gateway set holds them. A
// re-check that resolves another address loads it; one that resolves the same loads nothing.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataPath } from '../../../src/agent/dataPath.ts';
import type { Ports } from '../../../src/agent/dataPathPlan.ts';
import { Health } from '../../../src/core/health.ts';
import { Firewall, NftLoader } from '../../../src/firewall/index.ts';
import { importProfile, ProfileStore, type SrvRecord } from '../../../src/ipsec/profile/index.ts';
import { ProfileService } from '../../../src/ipsec/profileService.ts';
import { memoryLogger } from '../control/helpers.ts';
import { FakeNft, NO_HEALTH, NO_MONITOR } from '../firewall/fakeNft.ts';
import { makeFixtures, profileFile, type Fixtures } from '../ipsec/profile/fixtures.ts';

const SRV_NAME = '_isakmp._udp.dc.tibox.test';
const PORTS: Ports = { lan: 'lan0', lanFallback: '169.254.77.1/16', wan: 'wan0', terminals: [] };
const HOUR = 60 * 60_000;

let f: Fixtures;
let now: Date;
let dir: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  f = await makeFixtures();
  now = new Date(new X509Certificate(f.box.p256.cert).validFromDate.getTime() + 86_400_000);
}, 60_000);
afterAll(() => f.cleanup());

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tibox-gateway-addresses-'));
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

/** Lets pending I/O and promise chains run until `condition` holds, for up to 5 s of real time. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

/** The elements of one of the ruleset's sets, as nft reads them. */
function setElements(ruleset: string | undefined, name: string): string[] {
  const body = new RegExp(`set ${name} \\{[^}]*?elements = \\{([^}]*)\\}`).exec(ruleset ?? '')?.[1] ?? '';
  return body.split(',').map((element) => element.trim()).filter(Boolean);
}

/** Profile service, data path and firewall as the composition root wires them; DNS answers from `aRecords`. */
async function compose(aRecords: Map<string, string[]>) {
  const anchor = join(dir, 'anchor.pem');
  await writeFile(anchor, f.anchor.p384);
  const dataDir = join(dir, 'data');
  const file = profileFile(f, (p) => (p.gateways = { srv: SRV_NAME }));
  await new ProfileStore(dataDir).save(importProfile(file, { trustAnchor: f.anchor.p384, now }));
  const { log } = memoryLogger();
  const nft = new FakeNft();
  const firewall = new Firewall({ monitor: NO_MONITOR, health: NO_HEALTH, nft: new NftLoader(nft), stateDir: join(dir, 'state'), log });
  const nothing = async () => undefined;
  let passes = 0;
  const dataPath = new DataPath({
    lan: { apply: nothing },
    practiceDhcp: { apply: nothing },
    wanInLan: { apply: nothing },
    dnsmasq: { apply: nothing },
    firewall: {
      apply: async (desired) => {
        await firewall.apply(desired);
        passes++;
      },
    },
    ports: () => PORTS,
    backend: async () => 'libipsec' as const,
    devices: () => [],
    lanAddresses: async () => ['192.168.1.2/24'],
    tunnelMtu: () => 1389,
    managementOverInternet: () => undefined,
    log,
  });
  const records: SrvRecord[] = [
    { name: 'gw1.dc.tibox.test', port: 500, priority: 10, weight: 1 },
    { name: 'gw2.dc.tibox.test', port: 500, priority: 20, weight: 1 },
  ];
  const noRecord = (name: string) => Object.assign(new Error(`query ENODATA ${name}`), { code: 'ENODATA' });
  const service = new ProfileService({
    dataDir,
    trustAnchorPath: anchor,
    health: new Health(() => undefined, () => now),
    tunnel: { apply: async () => false, setManagementEndpoint: () => undefined },
    audit: () => undefined,
    dataPath: { prepare: (desired) => dataPath.prepare(desired), apply: (desired) => dataPath.apply(desired) },
    resolver: {
      resolveSrv: async () => records,
      resolve4: async (name) => aRecords.get(name) ?? Promise.reject(noRecord(name)),
      resolve6: (name) => Promise.reject(noRecord(name)),
    },
    log,
    now: () => now,
    random: () => 0.5,
  });
  stops.push(() => service.stop());
  await service.start(new AbortController().signal);
  const loads = () => nft.calls.filter((call) => call === 'nft -f -').length;
  return { nft, loads, passes: () => passes };
}

describe('the gateways of an SRV profile in the firewall', () => {
  it('are the addresses of the SRV targets, and follow a re-resolution to another address', async () => {
    const aRecords = new Map([
      ['gw1.dc.tibox.test', ['198.51.100.10']],
      ['gw2.dc.tibox.test', ['192.0.2.10']],
    ]);
    const { nft, loads, passes } = await compose(aRecords);
    expect(passes()).toBe(1);
    expect(setElements(nft.table, 'gateways_v4')).toEqual(['192.0.2.10', '198.51.100.10']);
    expect(loads()).toBe(1);

    // The hourly re-check resolves the same: nothing is loaded again.
    await vi.advanceTimersByTimeAsync(HOUR);
    await until(() => passes() === 2);
    expect(loads()).toBe(1);

    aRecords.set('gw2.dc.tibox.test', ['192.0.2.20']);
    await vi.advanceTimersByTimeAsync(HOUR);
    await until(() => passes() === 3);
    expect(setElements(nft.table, 'gateways_v4')).toEqual(['192.0.2.20', '198.51.100.10']);
    expect(loads()).toBe(2);
  });
});
