// The composition root end to end, without privileges: a real SQLite database in a temporary
// data directory, a real control socket spoken to by the real ControlClient, a fake Runner that
// refuses every command it was not told to expect, and a group file naming group tibox.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.ts';
import type { AgentOptions } from '../../../src/agent/agentOptions.ts';
import { ControlApiError, ControlClient } from '../../../src/control/client.ts';
import type { AgentStatus } from '../../../src/agent/status.ts';
import { TiboxError } from '../../../src/core/errors.ts';
import { createLogger } from '../../../src/core/log.ts';
import { formatCommand, processRunner, type ProcessHandle, type Runner } from '../../../src/core/runner.ts';
import { importProfile, ProfileStore } from '../../../src/ipsec/profile/index.ts';
import { makeFixtures, profileFile, type Fixtures } from '../ipsec/profile/fixtures.ts';
import { FakeLanKernel } from '../lan/fakeLanKernel.ts';
import { PRACTICE_DHCP_FILES } from '../../../src/lan/index.ts';
import { WAN_DHCP_FILES } from '../../../src/wan/index.ts';
import { DATABASE_FILE, SCHEMA_MAJOR, defaultConfig, type Config } from '../../../src/agent/store/index.ts';
import { groupFile, tempDir } from '../control/helpers.ts';
import { FakeRouteKernel } from '../firewall/fakeRouteKernel.ts';
import { FakeWanKernel } from '../wan/fakeWanKernel.ts';
import { provisionBox } from '../../../src/agent/provisioning/provision.ts';
import { CHEAP_SCRYPT } from './provisioning/fixtures.ts';

const NOW = new Date('2025-05-02T08:00:00.000Z');

/** A Runner for an agent that must run no command: every call is recorded and refused. */
class FakeRunner implements Runner {
  readonly calls: string[] = [];
  /** Commands allowed to succeed, by their formatted text; optionally with a check run at the call, which may give the output. */
  readonly expected = new Map<string, () => void | string>();

  async run(command: string, args: readonly string[]) {
    const line = formatCommand(command, args);
    this.calls.push(line);
    const check = this.expected.get(line);
    if (!check) throw new Error(`unexpected command: ${line}`);
    return { stdout: check() ?? '', stderr: '', code: 0 };
  }
}

/** Long-running children (the nft monitor, probes): recorded, and running until killed. */
class FakeChildren {
  readonly started: string[] = [];

  readonly start = (command: string, args: readonly string[]): ProcessHandle => {
    this.started.push(formatCommand(command, args));
    let end: (exit: { code: number | null; signal: NodeJS.Signals | null }) => void = () => undefined;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => (end = resolve));
    return { pid: 4242 + this.started.length, exited, kill: (signal = 'SIGTERM') => end({ code: null, signal }) };
  };
}

const nullLog = () => createLogger({ destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });

let dir: string;
let cleanup: () => Promise<void>;
let dataDir: string;
let socketPath: string;
let groups: string;
const agents: Agent[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  dataDir = join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  socketPath = join(dir, 'run', 'control.sock');
  groups = await groupFile(dir, true);
  // As the factory leaves a box: provisioned.
  await provisionBox({ dataDir, serial: 'TBX-00000001', password: 'factory password', force: false, now: NOW, scrypt: CHEAP_SCRYPT });
});

afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop();
  await cleanup();
});

/** The commands the agent runs at start: reading the WAN's default route (for kernel XFRM), asking chrony about the clock. */
const READ_WAN_ROUTE = 'ip -j -4 route show default';
const CHRONY = 'chronyc -h /run/test-chrony.sock -c tracking';
/**
 * Without a profile the firewall loads the fail-closed baseline again: checked, then loaded, then
 * listed as the kernel holds it, to tell a later change from outside.
 */
const BASELINE_LOAD = ['nft -c -f -', 'nft -f -', 'nft -s list table inet tibox'];
const CLOCK_SYNCED = '7F000001,127.0.0.1,2,1795469023.772385679,-0.000000924,-0.000000004,0.000000021,-0.008,-0.001,0.072,0.000004640,0.000000645,0.1,Normal\n';

function makeAgent(overrides: Partial<AgentOptions> = {}) {
  const runner = new FakeRunner();
  runner.expected.set(READ_WAN_ROUTE, () => undefined);
  runner.expected.set(CHRONY, () => CLOCK_SYNCED);
  for (const nft of BASELINE_LOAD) runner.expected.set(nft, () => undefined);
  const children = new FakeChildren();
  const agent = new Agent({
    version: '0.1.0-test',
    dataDir,
    socketPath,
    charonVici: join(dir, 'no-charon.vici'),
    profileTrustAnchor: join(dir, 'no-anchor.pem'),
    routeKernel: new FakeRouteKernel(),
    lanKernel: new FakeLanKernel(),
    linkMtus: { read: async () => undefined, set: async () => undefined },
    wanKernel: new FakeWanKernel(),
    neighbours: { read: async () => [], watch: () => () => undefined },
    runDir: join(dir, 'run'),
    log: nullLog(),
    runner,
    env: {},
    now: () => NOW,
    groupFile: groups,
    chronySocket: '/run/test-chrony.sock',
    startProcess: children.start,
    ...overrides,
  });
  agents.push(agent);
  return { agent, runner, children };
}

async function startAgent(overrides: Partial<AgentOptions> = {}) {
  const made = makeAgent(overrides);
  await made.agent.start(AbortSignal.timeout(5_000));
  return { ...made, client: new ControlClient<AgentStatus>(overrides.socketPath ?? socketPath, { timeoutMs: 5_000 }) };
}

/** The subsystems as `name state (detail)` lines, for short comparisons; config and control only unless `all`. */
function states(status: { subsystems: Array<{ name: string; state: string; detail?: string }> }, all = false): string[] {
  return status.subsystems
    .filter((s) => all || s.name === 'config' || s.name === 'control')
    .map((s) => `${s.name} ${s.state}${s.detail === undefined ? '' : ` (${s.detail})`}`);
}

async function configGet(client: ControlClient) {
  return (await client.action('config.get')) as { config: Config; revision: number };
}

/** Opens the agent's database file directly, as a person with sqlite3 would, while no agent runs. */
function withDatabase(edit: (db: Database.Database) => void): void {
  const db = new Database(join(dataDir, DATABASE_FILE));
  try {
    edit(db);
  } finally {
    db.close();
  }
}

describe('Agent', () => {
  it('starts every subsystem in order; without charon and without a profile the tunnel waits and the LAN port asks the practice for an address', async () => {
    const { agent, children } = await startAgent();
    // Neither dnsmasq's nor the DHCP client's service runs here: the agent says so, and writes
    // what they would start on.
    expect(states(agent.status(), true)).toEqual([
      'config running',
      'provisioning running',
      'clock running',
      'firewall running',
      'ti-routes running',
      'wan degraded (no DHCP lease on wan0: the router does not answer; no DHCP client running; its service starts it)',
      'lan running',
      'practice-dhcp degraded (no DHCP client running on lan0; its service starts it)',
      'wan-in-lan running',
      'dnsmasq starting (dnsmasq is not running (for 0 s); its service starts it again)',
      'charon degraded (connecting to charon)',
      'tunnel degraded (no-profile)',
      'path-mtu running',
      'inventory running',
      'updater running (the VPN profile carries no management identity (profile format version 2 brings one))',
      'profile degraded (no VPN profile imported)',
      'control running',
      'control-webui running',
    ]);
    expect(agent.status().tunnel).toMatchObject({ state: 'no-profile', traffic: { bytesIn: 0, bytesOut: 0 } });
    // The installer reaches a box without a profile on the practice LAN: its DHCP client asks on
    // the LAN port; dnsmasq serves nothing. The agent starts neither, only the nft monitor.
    expect(readFileSync(join(dataDir, 'hooks', PRACTICE_DHCP_FILES.port), 'utf8')).toBe('lan0\n');
    // The WAN's DHCP client (the default) asks on the WAN port.
    expect(readFileSync(join(dataDir, 'wan-dhcp', WAN_DHCP_FILES.port), 'utf8')).toBe('wan0\n');
    expect(readFileSync(join(dir, 'run', 'dnsmasq', 'dnsmasq.conf'), 'utf8')).toContain('\nport=0\n');
    expect(children.started).toEqual(['nft monitor']);
  });

  it('starts config and control, raises no health warning and runs no command but the WAN route read, the clock check and the baseline load', async () => {
    const { agent, runner } = await startAgent();
    const status = agent.status();
    expect(states(status)).toEqual(['config running', 'control running']);
    expect(status).toMatchObject({
      version: '0.1.0-test', startedAt: NOW.toISOString(), uptimeS: 0, health: [],
      provisioning: { state: 'provisioned', serial: 'TBX-00000001', provisionedAt: NOW.toISOString() },
    });
    expect(runner.calls).toEqual([READ_WAN_ROUTE, CHRONY, ...BASELINE_LOAD]);
  });

  it.each([
    { name: 'without provisioning data', content: undefined, code: 'provisioning.missing', detail: undefined },
    { name: 'with provisioning data of a foreign format', content: '{"format": 7}', code: 'provisioning.unreadable', detail: 'its format 7 is not known (this firmware reads format 1)' },
  ])('starts $name, warns without a TI impact and serves all the same', async ({ content, code, detail }) => {
    rmSync(join(dataDir, 'provisioning.json'));
    if (content !== undefined) writeFileSync(join(dataDir, 'provisioning.json'), content);
    const { agent, client } = await startAgent();
    const status = await client.status();
    expect(states(status)).toEqual(['config running', 'control running']);
    expect(status.subsystems.find((x) => x.name === 'provisioning')?.state).toBe('degraded');
    expect(status.health.map((w) => [w.code, w.severity, w.impactsTi])).toEqual([[code, 'warning', false]]);
    if (detail !== undefined) expect(status.health[0]?.detail).toContain(detail);
    expect(status.provisioning.state).toBe(content === undefined ? 'missing' : 'unreadable');
    expect(agent.status().tunnel.state).toBe('no-profile');
    expect(await configGet(client)).toEqual({ config: defaultConfig(), revision: 0 });
  });

  it('answers status on the control socket', async () => {
    const { agent, client } = await startAgent();
    expect(await client.status()).toEqual(agent.status());
  });

  it('serves the defaults as revision 0 on a new database', async () => {
    const { client } = await startAgent();
    expect(await configGet(client)).toEqual({ config: defaultConfig(), revision: 0 });
  });

  it('commits a valid change as a new revision, audited as local-cli', async () => {
    const { client } = await startAgent();
    const result = await client.action('config.commit', { change: { box: { name: 'Praxis Nord' } } });
    expect(result).toEqual({
      revision: 1,
      changes: [{ revision: 1, at: NOW.toISOString(), actor: 'local-cli', path: 'box.name', old: 'tibox', new: 'Praxis Nord' }],
    });
    expect(await client.action('config.audit')).toEqual([
      { revision: 1, at: NOW.toISOString(), actor: 'local-cli', path: 'box.name', old: 'tibox', new: 'Praxis Nord' },
    ]);
    const got = await configGet(client);
    expect([got.revision, got.config.box.name]).toEqual([1, 'Praxis Nord']);
  });

  it('refuses an invalid change with TIBOX_CONFIG_INVALID and keeps the old revision', async () => {
    const { client } = await startAgent();
    await client.action('config.commit', { change: { box: { name: 'Praxis Nord' } } });
    const error = await client.action('config.commit', { change: { box: { name: '' }, ui: { language: 'fr' } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlApiError);
    expect([(error as ControlApiError).status, (error as ControlApiError).code]).toEqual([422, 'TIBOX_CONFIG_INVALID']);
    expect((error as ControlApiError).details).toEqual([
      { path: 'box.name', message: expect.any(String) },
      { path: 'ui.language', message: expect.any(String) },
    ]);
    const got = await configGet(client);
    expect([got.revision, got.config.box.name, got.config.ui.language]).toEqual([1, 'Praxis Nord', 'de']);
    expect(await client.action('config.audit')).toHaveLength(1);
  });

  it('refuses a fallback address the LAN plan would refuse, naming the field, and keeps the old revision', async () => {
    const { client } = await startAgent();
    await client.action('config.commit', { change: { box: { name: 'Praxis Nord' } } });
    const error = await client.action('config.commit', { change: { interfaces: { lanFallback: '999.1.1.1/99' } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlApiError);
    expect([(error as ControlApiError).status, (error as ControlApiError).code, (error as ControlApiError).message]).toEqual([
      422,
      'TIBOX_CONFIG_INVALID',
      'the configuration change was refused: interfaces.lanFallback must be an address with its prefix length like 192.168.100.1/24, not "999.1.1.1/99"',
    ]);
    const got = await configGet(client);
    expect([got.revision, got.config.interfaces.lanFallback]).toEqual([1, defaultConfig().interfaces.lanFallback]);
    expect(await client.action('config.audit')).toHaveLength(1);
  });

  it.each([
    { name: 'text that is not JSON', stored: '{"box": {"name": ' },
    { name: 'JSON the schema refuses', stored: JSON.stringify({ ...defaultConfig(), box: { name: '' } }) },
    { name: 'a fallback address the LAN plan refuses', stored: JSON.stringify({ ...defaultConfig(), interfaces: { ...defaultConfig().interfaces, lanFallback: '10.0.0.0/8' } }) },
  ])('falls back to the last good revision when the newest holds $name, and says so', async ({ stored }) => {
    const first = await startAgent();
    await first.client.action('config.commit', { change: { box: { name: 'Praxis Nord' } } });
    await first.agent.stop();
    withDatabase((db) => {
      db.prepare('INSERT INTO config_revisions (revision, committed_at, actor, config) VALUES (?, ?, ?, ?)').run(
        2,
        NOW.toISOString(),
        'hand',
        stored,
      );
    });

    const { agent, client } = await startAgent();
    const status = await client.status();
    expect(states(status)).toEqual([expect.stringMatching(/^config degraded \(revision 2 refused \(.+\); using revision 1\)$/), 'control running']);
    expect(status.health.map((w) => [w.code, w.severity])).toEqual([['config.invalid', 'warning']]);
    expect(status.health[0]?.detail).toBe(agent.status().subsystems[0]?.detail);
    const got = await configGet(client);
    expect([got.revision, got.config.box.name]).toEqual([1, 'Praxis Nord']);
  });

  it('ends the fallback with the next good commit', async () => {
    const first = await startAgent();
    await first.client.action('config.commit', { change: { box: { name: 'Praxis Nord' } } });
    await first.agent.stop();
    withDatabase((db) => {
      db.prepare('INSERT INTO config_revisions (revision, committed_at, actor, config) VALUES (2, ?, ?, ?)').run(NOW.toISOString(), 'hand', 'garbage');
    });

    const { agent, client } = await startAgent();
    const result = (await client.action('config.commit', { change: { box: { name: 'Praxis Süd' } } })) as { revision: number };
    expect(result.revision).toBe(3);
    expect(states(agent.status())).toEqual(['config running', 'control running']);
    expect(agent.status().health).toEqual([]);
  });

  it('runs on defaults in memory and leaves the file alone when the database has a newer schema major', async () => {
    const first = await startAgent();
    await first.client.action('config.commit', { change: { box: { name: 'Praxis Nord' } } });
    await first.agent.stop();
    const newer = String(SCHEMA_MAJOR + 1);
    withDatabase((db) => {
      db.prepare(`UPDATE schema_meta SET value = ? WHERE key = 'schema_major'`).run(newer);
    });

    const { agent, client } = await startAgent();
    expect(states(agent.status())).toEqual(['config degraded (database of an unknown version; running on defaults in memory)', 'control running']);
    expect(agent.status().health.map((w) => [w.code, w.severity, w.detail])).toEqual([
      ['database.unknownVersion', 'critical', expect.stringContaining(`major ${newer}`)],
    ]);
    expect(await configGet(client)).toEqual({ config: defaultConfig(), revision: 0 });
    // A change would only live in memory: it is refused rather than silently lost.
    const refused = await client.action('config.commit', { change: { box: { name: 'Praxis Süd' } } }).catch((e: unknown) => e);
    expect([(refused as ControlApiError).status, (refused as ControlApiError).code]).toEqual([503, 'TIBOX_CONFIG_READ_ONLY']);

    await agent.stop();
    withDatabase((db) => {
      expect(db.prepare(`SELECT value FROM schema_meta WHERE key = 'schema_major'`).get()).toEqual({ value: newer });
      expect(db.prepare('SELECT revision FROM config_revisions').all()).toEqual([{ revision: 1 }]);
    });
  });

  it('removes the socket on stop, after which the client finds no agent', async () => {
    const { agent, client } = await startAgent();
    expect(existsSync(socketPath)).toBe(true);
    await agent.stop();
    expect(existsSync(socketPath)).toBe(false);
    expect(states(agent.status())).toEqual(['config stopped', 'control stopped']);
    await expect(client.status()).rejects.toMatchObject({ code: 'TIBOX_AGENT_NOT_RUNNING' });
    expect(await client.status().catch((e: unknown) => e)).toBeInstanceOf(TiboxError);
  });

  it('stops the subsystems already started and rethrows when a later one fails to start', async () => {
    // The socket's directory would have to be made inside a regular file: mkdir fails.
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const { agent, runner } = makeAgent({ socketPath: join(blocker, 'control.sock') });
    const error = await agent.start(AbortSignal.timeout(5_000)).catch((e: unknown) => e);
    // The error of the failed step itself, not one from cleaning up after it.
    expect(error).toMatchObject({ code: 'EEXIST', syscall: 'mkdir', path: blocker });
    expect(states(agent.status())).toEqual(['config stopped', `control failed (${(error as Error).message})`]);
    // The WAN route is read before the subsystems start, the clock checked by the clock's, the
    // baseline loaded when the profile service found no profile; nothing else ran.
    expect(runner.calls).toEqual([READ_WAN_ROUTE, CHRONY, ...BASELINE_LOAD]);

    // The database was closed again: a new agent opens it and works normally.
    const { client } = await startAgent();
    expect((await configGet(client)).revision).toBe(0);
  });

  it('tells systemd it is ready only once the control socket answers, and that it stops', async () => {
    const env = { NOTIFY_SOCKET: '/run/systemd/notify' };
    const { agent, runner } = makeAgent({ env });
    runner.expected.set(`systemd-notify --ready '--status=tibox 0.1.0-test running'`, () => {
      expect(existsSync(socketPath)).toBe(true);
    });
    runner.expected.set('systemd-notify STOPPING=1', () => undefined);
    await agent.start(AbortSignal.timeout(5_000));
    await agent.stop();
    expect(runner.calls).toEqual([READ_WAN_ROUTE, CHRONY, ...BASELINE_LOAD, `systemd-notify --ready '--status=tibox 0.1.0-test running'`, 'systemd-notify STOPPING=1']);
  });
});

describe('Agent: the management certificate warnings as the status on the control socket lists them', () => {
  let f: Fixtures;
  const certificates = new Map<number, { cert: string; key: string }>();

  /** A certificate of the fixtures' CA (`ca`: the gateways') or their foreign CA (the management server's), valid from now for `days`. */
  async function issue(name: string, days: number, ca: 'ca' | 'foreign-ca'): Promise<{ cert: string; key: string }> {
    const [cert, key] = [join(f.dir, `${name}.pem`), join(f.dir, `${name}.key`)];
    await processRunner.run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc', '-keyout', key, '-out', cert, '-days', String(days),
      '-CA', join(f.dir, `${ca}.pem`), '-CAkey', join(f.dir, `${ca}.key`), '-subj', `/CN=${name}.boxes.tibox.test`,
      '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=clientAuth',
    ], { timeoutMs: 30_000 });
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  }

  beforeAll(async () => {
    f = await makeFixtures();
    certificates.set(0, await issue('box-long', 365, 'ca'));
    for (const days of [20, 365]) certificates.set(days, await issue(`management-${days}`, days, 'foreign-ca'));
  }, 60_000);
  afterAll(() => f.cleanup());

  /** Stores a version 2 profile (box certificate valid a year) whose management certificate is valid `days` from now, as an import would have. */
  async function storeProfile(days: number): Promise<string> {
    const box = certificates.get(0)!;
    const management = certificates.get(days)!;
    const file = profileFile(f, (p) => {
      p.version = 2;
      p.identity = { certificate: box.cert, privateKey: box.key };
      p.management = { ...(p.management as object), identity: { certificate: management.cert, privateKey: management.key }, caCertificates: [f.foreignCa.cert] };
    });
    await new ProfileStore(dataDir).save(importProfile(file, { trustAnchor: f.anchor.p384, now: new Date() }));
    return new X509Certificate(management.cert).validTo;
  }

  /** The agent's own lookups answer nothing: the management host is not on the internet here. */
  const resolver = {
    setServers: () => undefined,
    getServers: () => [],
    resolveSrv: () => Promise.reject(Object.assign(new Error('querySrv ENOTFOUND'), { code: 'ENOTFOUND' })),
    resolve4: (name: string) => Promise.reject(Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' })),
    resolve6: (name: string) => Promise.reject(Object.assign(new Error(`queryAaaa ENOTFOUND ${name}`), { code: 'ENOTFOUND' })),
  };

  async function healthAt(now: Date) {
    // The profile service raises the warnings as it takes the stored profile at its start.
    const { client } = await startAgent({ now: () => now, resolver });
    const status = await client.status();
    return status.health.filter((w) => w.code.startsWith('management.') || w.code.startsWith('profile.'));
  }

  it('raises none while the management certificate has more than 30 days', async () => {
    await storeProfile(365);
    expect(await healthAt(new Date())).toEqual([]);
  });

  it('raises management.certificateExpiring, a warning that does not impact the TI, with the certificate\'s end, under 30 days before it', async () => {
    const validTo = await storeProfile(20);
    const warnings = await healthAt(new Date());
    expect(warnings).toEqual([expect.objectContaining({ code: 'management.certificateExpiring', severity: 'warning', impactsTi: false })]);
    expect(JSON.stringify(warnings[0])).toContain(new Date(validTo).toISOString().slice(0, 10));
  });

  it('raises management.certificateExpired instead once it has expired, and no warning of the box certificate', async () => {
    const validTo = await storeProfile(20);
    expect(await healthAt(new Date(Date.parse(validTo) + 86_400_000))).toEqual([expect.objectContaining({ code: 'management.certificateExpired', severity: 'warning', impactsTi: false })]);
  });
});
