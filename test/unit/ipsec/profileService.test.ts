// ProfileService: the order of tunnel and data path, one profile winning over an older use()
// still waiting on DNS, retries of a failed resolution with the last good list meanwhile, errors
// that end as a log line and a degraded state (never an unhandled rejection), a stop after
// which nothing is applied, and a profile forgotten (the factory reset) that takes the tunnel down. Tunnel, data path and resolver are fakes the tests release by hand;
// profiles are real signed files (imported through 'profile.import' or stored beforehand).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { Health } from '../../../src/core/health.ts';
import { importProfile, ProfileStore, type SrvRecord } from '../../../src/ipsec/profile/index.ts';
import { ProfileService, type ProfileServiceDeps } from '../../../src/ipsec/profileService.ts';
import type { TunnelProfile } from '../../../src/ipsec/tunnel/index.ts';
import { memoryLogger } from '../control/helpers.ts';
import { editEnvelope, makeFixtures, profileFile, type Fixtures } from './profile/fixtures.ts';

let f: Fixtures;
let now: Date;
let anchorPath: string;

beforeAll(async () => {
  f = await makeFixtures();
  now = new Date(new X509Certificate(f.box.p256.cert).validFromDate.getTime() + 86_400_000);
  anchorPath = join(f.dir, 'anchor.pem');
  await writeFile(anchorPath, f.anchor.p384);
}, 60_000);

afterAll(() => f.cleanup());

const SRV_NAME = '_isakmp._udp.dc.tibox.test';
const srvFile = () => profileFile(f, (p) => (p.gateways = { srv: SRV_NAME }));
const addressFile = (...addresses: string[]) => profileFile(f, (p) => (p.gateways = { addresses }));
const srv = (name: string): SrvRecord => ({ name, port: 500, priority: 10, weight: 1 });

/** An error as node:dns rejects with. */
const resolverError = (code: string, message: string) => Object.assign(new Error(message), { code });

/** A promise the test settles by hand. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending I/O and promise chains run until `condition` holds, for up to 5 s of real time (Date and setImmediate are not faked). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

const settle = async () => {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
};

interface Harness {
  service: ProfileService;
  /** What tunnel and data path were asked, in order: `tunnel <gateways>` and `dataPath <prefixes>`. */
  calls: string[];
  /** The LAN side prepared, with how many tunnel and data path calls had come before. */
  prepared: string[];
  /** SRV queries not answered yet, oldest first. */
  queries: ReturnType<typeof deferred<SrvRecord[]>>[];
  /** When set, the next tunnel.apply waits for it (or does what it does). */
  tunnelApply: { next?: (profile: TunnelProfile) => Promise<void> };
  dataPathApply: { next?: () => Promise<void> };
  /** What the tunnel was told of the management endpoint's internet address, in order. */
  endpoints: Array<{ address: string; port: number } | undefined>;
  /** The management host's A records, as the resolver answers them. */
  managementAddresses: string[];
  /** How many lookups of the management host fail (SERVFAIL) before it answers. */
  managementFailures: { left: number };
  /** A records by name (the gateways'), as the resolver answers them; a name not here is NXDOMAIN. */
  aRecords: Map<string, string[] | Error>;
  /** The gateway addresses each data path apply was given. */
  gatewayAddresses: string[];
  lines: () => Array<Record<string, unknown>>;
  /** What the service audited, in order. */
  audited: Array<{ actor: string; action: string; detail: Record<string, unknown> }>;
  import: (file: Buffer) => Promise<unknown>;
  start: () => Promise<void>;
}

let dataDir: string;
let harness: Harness | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tibox-profile-service-'));
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});

afterEach(async () => {
  await harness?.service.stop();
  harness = undefined;
  vi.useRealTimers();
  await rm(dataDir, { recursive: true, force: true });
});

async function store(file: Buffer): Promise<void> {
  await new ProfileStore(dataDir).save(importProfile(file, { trustAnchor: f.anchor.p384, now }));
}

function makeHarness(overrides: Partial<ProfileServiceDeps> = {}): Harness {
  const calls: string[] = [];
  const prepared: string[] = [];
  const queries: Harness['queries'] = [];
  const tunnelApply: Harness['tunnelApply'] = {};
  // The tunnel's own rule: a profile other than the one it holds is built anew, the first is not.
  let tunnelHolds: string | undefined;
  const dataPathApply: Harness['dataPathApply'] = {};
  const endpoints: Harness['endpoints'] = [];
  const managementAddresses = ['203.0.113.80'];
  const managementFailures = { left: 0 };
  const aRecords = new Map<string, string[] | Error>([
    ['gw1.dc.tibox.test', ['198.51.100.10']],
    ['gw2.dc.tibox.test', ['192.0.2.10']],
    ['gw3.dc.tibox.test', ['192.0.2.30']],
  ]);
  const gatewayAddresses: string[] = [];
  const audited: Harness['audited'] = [];
  const { log, lines } = memoryLogger();
  const service = new ProfileService({
    dataDir,
    trustAnchorPath: anchorPath,
    health: new Health(() => undefined, () => now),
    tunnel: {
      apply: async (desired) => {
        if (!desired) {
          // Only a profile forgotten (the factory reset) tears the tunnel down.
          calls.push('tunnel none');
          return false;
        }
        calls.push(`tunnel ${desired.profile.gateways.join(',')}`);
        const next = tunnelApply.next;
        tunnelApply.next = undefined;
        if (next) await next(desired.profile);
        const key = JSON.stringify(desired.profile);
        const rebuilt = tunnelHolds !== undefined && key !== tunnelHolds;
        tunnelHolds = key;
        return rebuilt;
      },
      setManagementEndpoint: (endpoint) => endpoints.push(endpoint),
    },
    dataPath: {
      prepare: async (desired) => {
        prepared.push(`lan ${desired.tiSegment} after ${calls.length} calls`);
      },
      apply: (desired) => {
        calls.push(`dataPath ${desired ? desired.tiPrefixes.join(',') : 'none'}`);
        if (desired) gatewayAddresses.push(desired.gatewayAddresses.join(','));
        const next = dataPathApply.next;
        dataPathApply.next = undefined;
        return next ? next() : Promise.resolve();
      },
    },
    resolver: {
      resolveSrv: (name: string) => {
        expect(name).toBe(SRV_NAME);
        const query = deferred<SrvRecord[]>();
        queries.push(query);
        return query.promise;
      },
      resolve4: async (name: string) => {
        if (name === 'mgmt.dc.tibox.test') {
          if (managementFailures.left-- > 0) throw resolverError('ESERVFAIL', `queryA ESERVFAIL ${name}`);
          return managementAddresses;
        }
        const records = aRecords.get(name);
        if (records instanceof Error) throw records;
        if (!records) throw resolverError('ENOTFOUND', `queryA ENOTFOUND ${name}`);
        return records;
      },
      resolve6: (name: string) => Promise.reject(resolverError('ENODATA', `queryAaaa ENODATA ${name}`)),
    },
    audit: (actor, action, detail) => audited.push({ actor, action, detail }),
    log,
    now: () => now,
    random: () => 0.5,
    ...overrides,
  });
  const actions = new ControlActions();
  service.registerActions(actions);
  harness = {
    service,
    calls,
    prepared,
    queries,
    tunnelApply,
    dataPathApply,
    endpoints,
    managementAddresses,
    managementFailures,
    aRecords,
    gatewayAddresses,
    lines,
    audited,
    import: (file) => actions.run('profile.import', { profile: file.toString('base64') }, { actor: 'webui:admin' }),
    start: () => service.start(new AbortController().signal),
  };
  return harness;
}

/** A service started on a stored SRV profile whose record names gw1, and gw2 at a lower priority. */
async function startedOnTwoSrvTargets(): Promise<Harness> {
  await store(srvFile());
  const h = makeHarness();
  const started = h.start();
  await until(() => h.queries.length === 1);
  h.queries[0]?.resolve([srv('gw1.dc.tibox.test'), { ...srv('gw2.dc.tibox.test'), priority: 20 }]);
  await started;
  return h;
}

const PREFIXES = '100.64.0.0/10,100.102.0.0/15';

describe('ProfileService applies a profile', () => {
  it('without a stored profile, to the data path alone: the LAN side, with the firewall fail-closed', async () => {
    const h = makeHarness();
    await h.start();
    expect(h.calls).toEqual(['dataPath none']);
    expect(h.service.status()).toMatchObject({ state: 'degraded', detail: 'no VPN profile imported' });
  });

  it('to the tunnel first and to the data path only once the tunnel has taken it', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    const tunnel = deferred();
    h.tunnelApply.next = () => tunnel.promise;
    const started = h.start();
    await until(() => h.calls.length === 1);
    await settle();
    expect(h.calls).toEqual(['tunnel 192.0.2.10']);
    tunnel.resolve();
    await started;
    expect(h.calls).toEqual(['tunnel 192.0.2.10', `dataPath ${PREFIXES}`]);
    // The LAN side before either: the tunnel routes from the box's TI address.
    expect(h.prepared).toHaveLength(1);
    expect(h.prepared[0]).toMatch(/ after 0 calls$/);
    expect(h.service.status()).toMatchObject({ state: 'running' });
  });

  it('to remote management last, once the routes and the firewall guard the TI prefixes, so no poll can leave in clear', async () => {
    await store(addressFile('192.0.2.10'));
    const order: string[] = [];
    const h = makeHarness({ remoteManagement: { apply: async (desired) => void order.push(`remote ${desired ? 'on' : 'off'} after ${h.calls.join(', ')}`) } });
    const tunnel = deferred();
    h.tunnelApply.next = () => tunnel.promise;
    const started = h.start();
    await until(() => h.calls.length === 1);
    await settle();
    expect(order).toEqual([]);
    tunnel.resolve();
    await started;
    expect(order).toEqual([`remote off after tunnel 192.0.2.10, dataPath ${PREFIXES}`]);
  });

  it('audits an import with who made it and what it holds, and a refused one not at all', async () => {
    const h = makeHarness();
    await h.start();
    await expect(h.import(Buffer.from('not a profile'))).rejects.toMatchObject({ code: 'TIBOX_PROFILE_MALFORMED' });
    expect(h.audited).toEqual([]);
    await h.import(addressFile('192.0.2.10'));
    expect(h.audited).toEqual([
      { actor: 'webui:admin', action: 'profile.import', detail: { boxId: expect.any(String), tiSegment: expect.any(String), certificate: expect.stringMatching(/^[0-9A-F:]{95}$/) } },
    ]);
    expect(JSON.stringify(h.audited)).not.toMatch(/PRIVATE KEY|password/i);
  });

  it('tells the tunnel where the management endpoint answers over the internet, beside the tunnel', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    await h.start();
    await until(() => h.endpoints.length === 1);
    expect(h.endpoints).toEqual([{ address: '203.0.113.80', port: 443 }]);
  });

  it('asks again for the management endpoint after a failed lookup, 5 s doubling, and tells remote management too', async () => {
    await store(addressFile('192.0.2.10'));
    const told: Harness['endpoints'] = [];
    const h = makeHarness({ managementOverInternet: (endpoint) => told.push(endpoint) });
    h.managementFailures.left = 2;
    await h.start();
    await settle();
    expect(h.endpoints).toEqual([]);
    expect(h.lines()).toContainEqual(expect.objectContaining({ msg: 'management endpoint not resolved over the internet; asking again', retryInMs: 5_000 }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.endpoints).toEqual([]);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(h.endpoints).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(h.endpoints).toEqual([{ address: '203.0.113.80', port: 443 }]);
    expect(told).toEqual(h.endpoints);
  });

  it('tells it none when the management host resolves only into the tunnel', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    h.managementAddresses.splice(0, 1, '100.102.200.5');
    await h.start();
    await until(() => h.endpoints.length === 1);
    expect(h.endpoints).toEqual([undefined]);
  });

  it('keeps the firewall closed and reports degraded when the tunnel refuses the profile', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    h.tunnelApply.next = () => Promise.reject(new Error('charon config invalid'));
    await h.start();
    expect(h.calls).toEqual(['tunnel 192.0.2.10']);
    expect(h.service.status()).toMatchObject({ state: 'degraded', detail: 'tunnel could not take the VPN profile: charon config invalid' });
    expect(h.lines()).toContainEqual(expect.objectContaining({ level: 50, msg: 'tunnel could not take the VPN profile', err: expect.objectContaining({ message: 'charon config invalid' }) }));
  });

  it('reports degraded when the data path does not take the profile', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    h.dataPathApply.next = () => Promise.reject(new Error('nft: syntax error'));
    await h.start();
    expect(h.service.status()).toMatchObject({ state: 'degraded', detail: 'LAN, DNS or firewall could not take the VPN profile: nft: syntax error' });
  });
});

describe('ProfileService never lets an exception become an unhandled rejection', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => void unhandled.push(reason);

  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', record);
  });

  afterEach(() => {
    process.off('unhandledRejection', record);
  });

  it('when tunnel.apply throws for an imported profile', async () => {
    const h = makeHarness();
    await h.start();
    h.tunnelApply.next = () => {
      throw new Error('tunnel exploded');
    };
    await h.import(addressFile('192.0.2.10'));
    await until(() => h.service.status().detail?.startsWith('tunnel') === true);
    await settle();
    expect(unhandled).toEqual([]);
    expect(h.calls).toEqual(['dataPath none', 'tunnel 192.0.2.10']);
    expect(h.service.status().detail).toBe('tunnel could not take the VPN profile: tunnel exploded');
  });

  it('when anything else in use() throws, logging it', async () => {
    const health = new Health(() => undefined, () => now);
    health.clear = () => {
      throw new Error('health list broken');
    };
    const h = makeHarness({ health });
    await h.start();
    await h.import(addressFile('192.0.2.10'));
    await until(() => h.service.status().detail?.startsWith('VPN profile') === true);
    await settle();
    expect(unhandled).toEqual([]);
    expect(h.calls).toEqual(['dataPath none']);
    expect(h.service.status().detail).toBe('VPN profile could not be applied: health list broken');
    expect(h.lines()).toContainEqual(expect.objectContaining({ level: 50, msg: 'VPN profile could not be applied' }));
  });
});

describe('ProfileService with a newer profile', () => {
  it('never lets an older use() still waiting on DNS overwrite a newer import', async () => {
    await store(srvFile());
    const h = makeHarness();
    const started = h.start();
    await until(() => h.queries.length === 1);
    await h.import(addressFile('192.0.2.99'));
    await until(() => h.calls.length === 2);
    expect(h.calls).toEqual(['tunnel 192.0.2.99', `dataPath ${PREFIXES}`]);
    h.queries[0]?.resolve([srv('gw1.dc.tibox.test')]);
    await started;
    await settle();
    expect(h.calls).toEqual(['tunnel 192.0.2.99', `dataPath ${PREFIXES}`]);
    expect(h.service.status()).toMatchObject({ state: 'running' });
  });

  it('applies one profile at a time: the newer waits until the older apply is through', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    const tunnel = deferred();
    h.tunnelApply.next = () => tunnel.promise;
    const started = h.start();
    await until(() => h.calls.length === 1);
    await h.import(addressFile('192.0.2.99'));
    await settle();
    // The older one is inside tunnel.apply; the newer must not start a second apply beside it.
    expect(h.calls).toEqual(['tunnel 192.0.2.10']);
    tunnel.resolve();
    await started;
    await until(() => h.calls.length === 3);
    // The older drops its data path step: the newer one applies both.
    expect(h.calls).toEqual(['tunnel 192.0.2.10', 'tunnel 192.0.2.99', `dataPath ${PREFIXES}`]);
  });
});

describe('ProfileService gives the data path the gateways\' addresses', () => {
  it('those of the SRV targets, and the new ones once the hourly re-check resolves another', async () => {
    const h = await startedOnTwoSrvTargets();
    // charon gets the names and resolves them itself; the firewall needs their addresses.
    expect(h.calls).toEqual(['tunnel gw1.dc.tibox.test,gw2.dc.tibox.test', `dataPath ${PREFIXES}`]);
    expect(h.gatewayAddresses).toEqual(['192.0.2.10,198.51.100.10']);
    h.aRecords.set('gw2.dc.tibox.test', ['192.0.2.20']);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    h.queries[1]?.resolve([srv('gw1.dc.tibox.test'), { ...srv('gw2.dc.tibox.test'), priority: 20 }]);
    await until(() => h.gatewayAddresses.length === 2);
    expect(h.gatewayAddresses[1]).toBe('192.0.2.20,198.51.100.10');
  });

  it('an address list\'s literals as they are, its names resolved', async () => {
    await store(addressFile('gw1.dc.tibox.test', '192.0.2.99', '2001:db8::10'));
    const h = makeHarness();
    await h.start();
    expect(h.calls).toEqual(['tunnel gw1.dc.tibox.test,192.0.2.99,2001:db8::10', `dataPath ${PREFIXES}`]);
    expect(h.gatewayAddresses).toEqual(['192.0.2.99,198.51.100.10,2001:db8::10']);
    expect(h.service.status()).toMatchObject({ state: 'running' });
  });

  it('without a name that does not resolve, asking again soon, then keeping what it resolved to while the resolver fails', async () => {
    await store(addressFile('gw1.dc.tibox.test', 'gw4.dc.tibox.test'));
    const h = makeHarness();
    await h.start();
    expect(h.calls).toEqual(['tunnel gw1.dc.tibox.test,gw4.dc.tibox.test', `dataPath ${PREFIXES}`]);
    expect(h.gatewayAddresses).toEqual(['198.51.100.10']);
    expect(h.service.status()).toMatchObject({ state: 'degraded', detail: 'gateway names not resolved: gw4.dc.tibox.test' });
    h.aRecords.set('gw4.dc.tibox.test', ['192.0.2.40']);
    await vi.advanceTimersByTimeAsync(5_000);
    await until(() => h.gatewayAddresses.length === 2);
    expect(h.gatewayAddresses[1]).toBe('192.0.2.40,198.51.100.10');
    expect(h.service.status()).toMatchObject({ state: 'running' });
    h.aRecords.set('gw4.dc.tibox.test', resolverError('ETIMEOUT', 'queryA ETIMEOUT gw4.dc.tibox.test'));
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    // The hourly re-check and the retries within that hour all keep gw4's address.
    await until(() => h.gatewayAddresses.length > 2);
    expect(new Set(h.gatewayAddresses.slice(2))).toEqual(new Set(['192.0.2.40,198.51.100.10']));
    expect(h.service.status()).toMatchObject({ state: 'degraded', detail: 'gateway names not resolved: gw4.dc.tibox.test' });
    expect(h.lines()).toContainEqual(expect.objectContaining({ msg: 'gateway resolution will be retried', retryInMs: 5_000 }));
  });
});

describe('ProfileService resolves the gateways afresh for the function test', () => {
  it('asks again for every name, keeps nothing of earlier lookups, and changes nothing', async () => {
    await store(addressFile('gw1.dc.tibox.test', 'gw4.dc.tibox.test', '192.0.2.99'));
    const h = makeHarness();
    h.aRecords.set('gw4.dc.tibox.test', ['192.0.2.40']);
    await h.start();
    const profile = h.service.profile();
    if (!profile) throw new Error('no profile in use');
    h.aRecords.set('gw4.dc.tibox.test', resolverError('ETIMEOUT', 'queryA ETIMEOUT gw4.dc.tibox.test'));
    const resolution = await h.service.resolveGatewaysNow(profile);
    expect(resolution).toEqual({
      gateways: ['gw1.dc.tibox.test', 'gw4.dc.tibox.test', '192.0.2.99'],
      names: new Map([['gw1.dc.tibox.test', ['198.51.100.10']]]),
      failed: ['gw4.dc.tibox.test'],
      addresses: ['192.0.2.99', '198.51.100.10'],
    });
    expect(h.calls).toEqual(['tunnel gw1.dc.tibox.test,gw4.dc.tibox.test,192.0.2.99', `dataPath ${PREFIXES}`]);
  });

  it("says why an SRV name does not resolve", async () => {
    const h = await startedOnTwoSrvTargets();
    const profile = h.service.profile();
    if (!profile) throw new Error('no profile in use');
    const asked = h.service.resolveGatewaysNow(profile);
    await until(() => h.queries.length === 2);
    h.queries[1]?.reject(resolverError('ETIMEOUT', `querySrv ETIMEOUT ${SRV_NAME}`));
    expect(await asked).toEqual({ gateways: [], names: new Map(), failed: [], addresses: [], srvError: 'ETIMEOUT' });
  });
});

describe('ProfileService when gateway resolution fails', () => {
  const dnsError = () => Object.assign(new Error('queryTxt ESERVFAIL _isakmp._udp.dc.tibox.test'), { code: 'ESERVFAIL' });

  /** Checks that no query is made before `ms` and one is made at `ms`; returns it. */
  async function nextQueryAfter(h: Harness, ms: number) {
    const before = h.queries.length;
    await vi.advanceTimersByTimeAsync(ms - 1);
    expect(h.queries.length).toBe(before);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.queries.length).toBe(before + 1);
    return h.queries[before];
  }

  it('retries after 5 s doubling to 5 min, then applies what it resolves', async () => {
    await store(srvFile());
    const h = makeHarness();
    const started = h.start();
    await until(() => h.queries.length === 1);
    h.queries[0]?.reject(dnsError());
    await started;
    expect(h.service.status()).toMatchObject({ state: 'degraded', detail: 'gateways could not be resolved: queryTxt ESERVFAIL _isakmp._udp.dc.tibox.test' });
    expect(h.lines()).toContainEqual(expect.objectContaining({ msg: 'gateway resolution will be retried', retryInMs: 5_000 }));
    for (const ms of [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]) {
      const query = await nextQueryAfter(h, ms);
      query?.reject(dnsError());
      await settle();
    }
    expect(h.calls).toEqual([]);
    const query = await nextQueryAfter(h, 300_000);
    query?.resolve([srv('gw1.dc.tibox.test')]);
    await until(() => h.calls.length === 2);
    expect(h.calls).toEqual(['tunnel gw1.dc.tibox.test', `dataPath ${PREFIXES}`]);
    expect(h.service.status()).toMatchObject({ state: 'running' });
    // Success resets the backoff: the next failure (at the hourly re-check) waits 5 s again.
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    h.queries.at(-1)?.reject(dnsError());
    await settle();
    await nextQueryAfter(h, 5_000);
  });

  it.each([
    [0, 3_750],
    [0.9, 6_000],
  ])('spreads the wait by up to a quarter either way (random %s: %s ms)', async (random, ms) => {
    await store(srvFile());
    const h = makeHarness({ random: () => random });
    const started = h.start();
    await until(() => h.queries.length === 1);
    h.queries[0]?.reject(dnsError());
    await started;
    await nextQueryAfter(h, ms);
  });

  it('keeps the last resolved gateways when a later resolution fails, and says so', async () => {
    const h = await startedOnTwoSrvTargets();
    expect(h.calls).toEqual(['tunnel gw1.dc.tibox.test,gw2.dc.tibox.test', `dataPath ${PREFIXES}`]);
    // The hourly re-check fails: the tunnel keeps the list it has, the state says why.
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    h.queries[1]?.reject(dnsError());
    await until(() => h.calls.length === 4);
    expect(h.calls.slice(2)).toEqual(['tunnel gw1.dc.tibox.test,gw2.dc.tibox.test', `dataPath ${PREFIXES}`]);
    expect(h.lines()).toContainEqual(expect.objectContaining({ level: 40, msg: 'using the gateways resolved last', gateways: ['gw1.dc.tibox.test', 'gw2.dc.tibox.test'] }));
    expect(h.service.status()).toMatchObject({
      state: 'degraded',
      detail: 'gateways could not be resolved: queryTxt ESERVFAIL _isakmp._udp.dc.tibox.test; using the gateways resolved last',
    });
    // The retry comes at 5 s, not only at the next re-check.
    const retry = await nextQueryAfter(h, 5_000);
    retry?.resolve([srv('gw3.dc.tibox.test')]);
    await until(() => h.calls.length === 6);
    expect(h.calls.slice(4)).toEqual(['tunnel gw3.dc.tibox.test', `dataPath ${PREFIXES}`]);
    expect(h.service.status()).toMatchObject({ state: 'running' });
  });

  it('falls back only to a list resolved for the same gateway source and TI ranges', async () => {
    await store(srvFile());
    const h = makeHarness();
    const started = h.start();
    await until(() => h.queries.length === 1);
    h.queries[0]?.resolve([srv('gw1.dc.tibox.test')]);
    await started;
    await h.import(
      profileFile(f, (p) => {
        p.gateways = { srv: SRV_NAME };
        p.tiPrefixes = ['100.64.0.0/10'];
      }),
    );
    await until(() => h.queries.length === 2);
    h.queries[1]?.reject(dnsError());
    await until(() => h.service.status().state === 'degraded');
    expect(h.service.status().detail).toBe('gateways could not be resolved: queryTxt ESERVFAIL _isakmp._udp.dc.tibox.test');
    expect(h.calls).toEqual(['tunnel gw1.dc.tibox.test', `dataPath ${PREFIXES}`]);
  });
});

describe('ProfileService.forget', () => {
  it('removes the stored profile and tears the tunnel down, then serves the LAN side alone, as a box that never had one', async () => {
    await store(addressFile('192.0.2.10'));
    const order: string[] = [];
    const h = makeHarness({ remoteManagement: { apply: async (desired) => void order.push(`remote ${desired ? 'on' : 'off'}`) } });
    await h.start();
    await h.service.forget();
    expect(h.calls).toEqual(['tunnel 192.0.2.10', `dataPath ${PREFIXES}`, 'tunnel none', 'dataPath none']);
    expect(h.endpoints.at(-1)).toBeUndefined();
    expect(order.at(-1)).toBe('remote off');
    expect(await new ProfileStore(dataDir).load()).toBeUndefined();
    expect(h.service.status()).toMatchObject({ state: 'degraded', detail: 'no VPN profile imported' });
  });

  it('leaves no renewal under way to bring the removed profile back', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    await h.start();
    const renewed = profileFile(f, (p) => {
      p.gateways = { addresses: ['192.0.2.10'] };
      p.identity = { certificate: f.box.p384.cert, privateKey: f.box.p384.key };
    });
    // Remote management's renewal is being stored when the factory reset removes the profile.
    const renewing = h.service.renew(renewed, 'remote-management');
    const forgetting = h.service.forget();
    await Promise.all([renewing, forgetting]);
    expect(h.calls.at(-2)).toBe('tunnel none');
    expect(h.calls.at(-1)).toBe('dataPath none');
    expect(h.service.profile()).toBeUndefined();
    expect(await new ProfileStore(dataDir).load()).toBeUndefined();
  });
});

describe('ProfileService.stop', () => {
  it('waits for the apply under way, and nothing is applied after it', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    const tunnel = deferred();
    h.tunnelApply.next = () => tunnel.promise;
    const started = h.start();
    await until(() => h.calls.length === 1);
    let stopped = false;
    const stopping = h.service.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    tunnel.resolve();
    await stopping;
    await started;
    expect(h.calls).toEqual(['tunnel 192.0.2.10']);
    await h.import(addressFile('192.0.2.99'));
    await settle();
    expect(h.calls).toEqual(['tunnel 192.0.2.10']);
    expect(h.service.status()).toMatchObject({ state: 'stopped' });
  });

  it('does not wait for a slow DNS answer, and drops it when it comes', async () => {
    await store(srvFile());
    const h = makeHarness();
    const started = h.start();
    await until(() => h.queries.length === 1);
    await h.service.stop();
    await started;
    h.queries[0]?.resolve([srv('gw1.dc.tibox.test')]);
    await settle();
    expect(h.calls).toEqual([]);
  });

  it('clears the retry timer and the hourly re-check', async () => {
    await store(srvFile());
    const h = makeHarness();
    const started = h.start();
    await until(() => h.queries.length === 1);
    h.queries[0]?.reject(new Error('ETIMEOUT'));
    await started;
    expect(vi.getTimerCount()).toBe(2);
    await h.service.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(2 * 60 * 60_000);
    expect(h.queries).toHaveLength(1);
  });
});

describe('ProfileService renews the profile for remote management', () => {
  const stored = async () => (await new ProfileStore(dataDir).load())?.identity.fingerprint256;

  it('takes a profile of this box with a new certificate as an import does: stored, audited, tunnel and data path applied, a new tunnel', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    await h.start();
    h.calls.length = 0;
    const renewed = profileFile(f, (p) => {
      p.gateways = { addresses: ['192.0.2.10'] };
      p.identity = { certificate: f.box.p384.cert, privateKey: f.box.p384.key };
    });
    const result = await h.service.renew(renewed, 'remote-management');
    expect(result).toMatchObject({ unchanged: false, tunnelRebuilt: true, summary: { certificate: { fingerprint256: new X509Certificate(f.box.p384.cert).fingerprint256 } } });
    expect(await stored()).toBe(new X509Certificate(f.box.p384.cert).fingerprint256);
    expect(h.calls).toEqual(['tunnel 192.0.2.10', `dataPath ${PREFIXES}`]);
    expect(h.audited).toEqual([{ actor: 'remote-management', action: 'profile.renew', detail: expect.objectContaining({ certificate: result.summary.certificate.fingerprint256 }) }]);
  });

  it('changes nothing for the profile in use, and says the tunnel stays for one that changes only what the tunnel is not built from', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    await h.start();
    h.calls.length = 0;
    expect(await h.service.renew(addressFile('192.0.2.10'), 'remote-management')).toMatchObject({ unchanged: true, tunnelRebuilt: false });
    expect(h.calls).toEqual([]);
    expect(h.audited).toEqual([]);
    const otherDns = profileFile(f, (p) => {
      p.gateways = { addresses: ['192.0.2.10'] };
      p.tiDns = { servers: ['100.102.0.53'], domains: ['telematik'] };
    });
    expect(await h.service.renew(otherDns, 'remote-management')).toMatchObject({ unchanged: false, tunnelRebuilt: false });
  });

  it('says the tunnel stays for a new gateway source that names the gateways in use, as the tunnel decides', async () => {
    await store(srvFile());
    const h = makeHarness();
    const started = h.start();
    await until(() => h.queries.length === 1);
    h.queries[0]?.resolve([srv('gw2.dc.tibox.test')]);
    await started;
    h.calls.length = 0;
    const sameGateway = profileFile(f, (p) => (p.gateways = { addresses: ['gw2.dc.tibox.test'] }));
    expect(await h.service.renew(sameGateway, 'remote-management')).toMatchObject({ unchanged: false, tunnelRebuilt: false });
    expect(h.calls).toEqual(['tunnel gw2.dc.tibox.test', `dataPath ${PREFIXES}`]);
  });

  const renewedFile = () => profileFile(f, (p) => {
    p.gateways = { addresses: ['192.0.2.10'] };
    p.identity = { certificate: f.box.p384.cert, privateKey: f.box.p384.key };
  });

  it('goes back to the profile it replaced when the renewal is reverted: stored, audited, and the tunnel built anew from it', async () => {
    await store(addressFile('192.0.2.10'));
    const before = await stored();
    const h = makeHarness();
    await h.start();
    await h.service.renew(renewedFile(), 'remote-management');
    h.calls.length = 0;
    h.audited.length = 0;
    const restored = await h.service.revertRenewal('remote-management');
    expect(restored).toMatchObject({ tunnelRebuilt: true, summary: { certificate: { fingerprint256: before } } });
    expect(await stored()).toBe(before);
    expect(h.calls).toEqual(['tunnel 192.0.2.10', `dataPath ${PREFIXES}`]);
    expect(h.audited).toEqual([{ actor: 'remote-management', action: 'profile.restore', detail: expect.objectContaining({ certificate: before }) }]);
    // Once: nothing is kept to go back to a second time.
    expect(await h.service.revertRenewal('remote-management')).toBeUndefined();
    expect(await stored()).toBe(before);
  });

  it('keeps the renewed profile once confirmed, and an import during the wait wins over a revert', async () => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    await h.start();
    const renewed = await h.service.renew(renewedFile(), 'remote-management');
    await h.service.confirmRenewal();
    expect(await h.service.revertRenewal('remote-management')).toBeUndefined();
    expect(await stored()).toBe(renewed.summary.certificate.fingerprint256);
    await h.service.renew(addressFile('192.0.2.10'), 'remote-management');
    h.calls.length = 0;
    await h.import(addressFile('192.0.2.30'));
    await until(() => h.calls.length === 2);
    h.calls.length = 0;
    expect(await h.service.revertRenewal('remote-management')).toBeUndefined();
    expect(h.calls).toEqual([]);
  });

  it('undoes at start a renewal the agent before did not see through, audited as the boot\'s', async () => {
    await store(addressFile('192.0.2.10'));
    const before = await stored();
    const first = makeHarness();
    await first.start();
    await first.service.renew(renewedFile(), 'remote-management');
    await first.service.stop();
    const h = makeHarness();
    await h.start();
    expect(await stored()).toBe(before);
    expect(h.calls).toEqual(['tunnel 192.0.2.10', `dataPath ${PREFIXES}`]);
    expect(h.audited).toEqual([{ actor: 'boot', action: 'profile.restore', detail: expect.objectContaining({ certificate: before }) }]);
  });

  it.each([
    ['another box', 'TIBOX_PROFILE_OTHER_BOX', () => profileFile(f, (p) => (p.boxId = 'box-0002.boxes.tibox.test'))],
    ['a foreign signing key', 'TIBOX_PROFILE_BAD_SIGNATURE', () => profileFile(f, undefined, 'ecdsa-sha384', f.signing.foreign)],
    ['no signature', 'TIBOX_PROFILE_UNSIGNED', () => editEnvelope(addressFile('192.0.2.10'), (e) => delete e.signature)],
    ['a PKCS#12 identity that needs a password', 'TIBOX_PROFILE_PASSWORD_REQUIRED', () => profileFile(f, (p) => (p.identity = { pkcs12: f.p12.default }))],
  ])('refuses a profile of %s with %s and changes nothing', async (_what, code, file) => {
    await store(addressFile('192.0.2.10'));
    const h = makeHarness();
    await h.start();
    h.calls.length = 0;
    const before = await stored();
    await expect(h.service.renew(file(), 'remote-management')).rejects.toMatchObject({ code });
    expect(await stored()).toBe(before);
    expect(h.calls).toEqual([]);
    expect(h.audited).toEqual([]);
  });
});
