// The first-run wizard over real HTTPS against the app with a fake agent whose state the steps
// change: a fresh box lands in the wizard after login, the overview says where the setup stands,
// each step reads the box's state (so it can be left and resumed), refusals say why in the page's
// language and change nothing, and a box set up lands on the overview.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../src/agent/store/index.ts';
import type { PendingSummary } from '../../../src/agent/pending/pendingChange.ts';
import { ControlApiError } from '../../../src/control/client.ts';
import { FINDING_SEVERITY, type PlanFinding, type SegmentHalves } from '../../../src/lan/index.ts';
import { createApp, createDeviceCertificate, LiveOverview, WebUiServers, type DeviceCertificate, type OverviewStatus } from '../../../src/webui/index.ts';
import type { Accounts } from '../../../src/webui/auth/accounts.ts';
import { messagesFor } from '../../../src/webui/i18n/index.ts';
import type { DeviceView } from '../../../src/webui/status/deviceView.ts';
import type { ProfileView } from '../../../src/webui/status/profileView.ts';
import { readOverview } from '../../../src/webui/status/readOverview.ts';
import { WIZARD_STEPS } from '../../../src/webui/wizard/steps.ts';
import { PLAN_FINDING_CODES, type AddressPlanView, type PendingView, type PlanFindingView, type WizardConfigView } from '../../../src/webui/wizard/views.ts';
import { memoryLogger, SAMPLE_STATUS } from '../control/helpers.ts';
import { Browser, type Answer } from './browser.ts';

const PASSWORD = 'Praxis-Nord sagt 2026 Hallo!';
const accounts: Accounts = {
  login: async (user, password) => ({ ok: user === 'admin' && password === PASSWORD, mustChange: false, passwordChangedAt: null, failedSince: 0, previousLogin: null }),
  changePassword: async () => ({ passwordChangedAt: new Date().toISOString() }),
};
const de = messagesFor('de').wizard;
const en = messagesFor('en').wizard;

const PROFILE: ProfileView = {
  boxId: 'box-0001.praxis.example',
  gateways: { kind: 'addresses', addresses: ['192.0.2.10'] },
  gatewayIds: ['gw1.dc.example'],
  tiSegment: '10.77.12.0/26',
  certificate: { subject: 'CN=box-0001', subjectAltNames: 'DNS:box-0001', notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2026-06-01T12:00:00.000Z', fingerprint256: 'AB:CD' },
};
const HALVES = { lanHalf: '10.77.12.0/27', lanGateway: '10.77.12.1', terminalHalf: '10.77.12.32/27', terminalGateway: '10.77.12.33' };
const COLLISION: PlanFindingView = { code: 'lanOverlapsSegment', severity: 'refuse', params: { network: '10.77.12.0/24', address: '10.77.12.2', port: 'lan0', segment: '10.77.12.0/26' } };
const FIELDS = [
  { path: 'wan.mode', label: { de: 'WAN-Adresse', en: 'WAN address' }, help: { de: 'dhcp oder static', en: 'dhcp or static' } },
  { path: 'wan.address', label: { de: 'Feste WAN-Adresse', en: 'Static WAN address' }, help: { de: 'mit Präfixlänge', en: 'with its prefix length' } },
  { path: 'wan.gateway', label: { de: 'Gateway (Internet-Router)', en: 'Gateway (internet router)' }, help: { de: 'im selben Netz', en: 'in the same network' } },
  { path: 'wan.resolvers', label: { de: 'DNS-Server', en: 'DNS servers' }, help: { de: 'bis zu drei', en: 'up to three' } },
  { path: 'practice.name', label: { de: 'Name der Praxis', en: 'Practice name' }, help: { de: 'wie im Protokoll', en: 'as in the protocol' } },
  { path: 'practice.postalCode', label: { de: 'Postleitzahl', en: 'Postal code' }, help: { de: 'Fünfstellige Postleitzahl der Praxis.', en: "The practice's five-digit German postal code." } },
  { path: 'practice.installerName', label: { de: 'Name des Installateurs', en: "Installer's name" }, help: { de: 'wer einrichtet', en: 'who sets it up' } },
];

/** The fake agent's state: what the wizard may change. */
const box = {
  health: [] as OverviewStatus['health'],
  config: {
    interfaces: { lan: 'lan0' },
    wan: { mode: 'dhcp', address: '', gateway: '', resolvers: [] },
    practice: { name: '', street: '', postalCode: '', city: '', bsnr: '', installerName: '', installerCompany: '' },
  } as WizardConfigView,
  pending: null as PendingView | null,
  profile: null as ProfileView | null,
  plan: { halves: null, findings: [] } as AddressPlanView,
  devices: [] as DeviceView[],
  /** The findings the next import is refused with; none: it is taken. */
  importCollisions: [] as PlanFindingView[],
};
const asked: { action: string; args: unknown }[] = [];
const refuse = (status: number, code: string, details?: unknown) => new ControlApiError(status, { code, message: code, ...(details === undefined ? {} : { details }) });

async function ask(_user: string, action: string, args?: unknown): Promise<unknown> {
  asked.push({ action, args });
  switch (action) {
    case 'config.get':
      return { config: box.config, revision: 7 };
    case 'config.pending':
      return box.pending;
    case 'config.describe':
      return FIELDS;
    case 'config.commit': {
      const change = (args as { change: { wan?: Partial<WizardConfigView['wan']>; practice?: Partial<WizardConfigView['practice']> } }).change;
      if (change.wan) {
        if (change.wan.mode === 'static' && !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(change.wan.address ?? '')) throw refuse(422, 'TIBOX_CONFIG_INVALID', [{ path: 'wan.address', message: 'must be an address with its prefix length' }]);
        box.config = { ...box.config, wan: { ...box.config.wan, ...change.wan } };
        box.pending = { revision: 8, deadline: '2025-05-02T10:07:00.000Z', paths: ['wan.mode'], remainingS: 90 };
        return { revision: 8, changes: [{}], pending: box.pending };
      }
      if (change.practice?.postalCode && !/^\d{5}$/.test(change.practice.postalCode)) throw refuse(422, 'TIBOX_CONFIG_INVALID', [{ path: 'practice.postalCode', message: 'must be 5 digits' }]);
      box.config = { ...box.config, practice: { ...box.config.practice, ...change.practice } };
      return { revision: 9, changes: [{}] };
    }
    case 'config.confirm':
      if (!box.pending) throw refuse(409, 'TIBOX_CONFIG_NOTHING_PENDING');
      box.pending = null;
      return {};
    case 'profile.show':
      return box.profile;
    case 'profile.import': {
      const { profile } = args as { profile: string };
      if (Buffer.from(profile, 'base64').toString() !== 'a signed profile') throw refuse(422, 'TIBOX_PROFILE_BAD_SIGNATURE');
      if (box.importCollisions.length > 0) throw refuse(409, 'TIBOX_LAN_ADDRESS_COLLISION', { findings: box.importCollisions });
      box.plan = { halves: HALVES, findings: [] };
      return (box.profile = PROFILE);
    }
    case 'lan.addressPlan':
      return box.plan;
    case 'devices.list':
      return box.devices;
    case 'devices.terminals':
      return [{ mac: '02:00:5e:10:00:40', address: '10.77.12.40', hostname: 'ORGA-6141', evidence: ['dhcp'], firstSeen: '2025-05-02T09:00:00.000Z', lastSeen: '2025-05-02T10:00:00.000Z' }];
    case 'devices.neighbours':
      return [
        { ip: '192.168.1.20', mac: '02:00:5e:10:00:10', interface: 'lan0', state: 'reachable', firstSeen: '2025-05-02T07:00:00.000Z', lastSeen: '2025-05-02T10:05:00.000Z' },
        { ip: '10.77.12.10', mac: '02:00:5e:10:00:10', interface: 'lan0', state: 'reachable', firstSeen: '2025-05-02T07:00:00.000Z', lastSeen: '2025-05-02T10:05:00.000Z' },
      ];
    case 'devices.register': {
      const fields = args as DeviceView;
      if (box.devices.some((d) => d.mac === fields.mac)) throw refuse(409, 'TIBOX_DEVICE_DUPLICATE');
      const device: DeviceView = { ...fields, id: box.devices.length + 1, createdAt: '', changedAt: '', inSegment: true };
      box.devices = [...box.devices, device];
      return device;
    }
    case 'devices.setupCommands':
      return { kind: 'pvs', windows: 'New-NetIPAddress -IPAddress 10.77.12.10', linux: 'ip addr add 10.77.12.10/27 dev eth0' };
    case 'check.last':
      return null;
    case 'audit.list':
    case 'devices.audit':
    case 'config.audit':
      return [];
    default:
      throw new Error(`the fake agent has no ${action}`);
  }
}
const status = async (): Promise<OverviewStatus> => ({ ...SAMPLE_STATUS, health: box.health });

const logger = memoryLogger();
let certificate: DeviceCertificate;
let servers: WebUiServers;
let live: LiveOverview;
let port: number;

beforeAll(async () => {
  certificate = createDeviceCertificate(['127.0.0.1'], new Date());
  live = new LiveOverview({
    watch: (onChange, signal) => new Promise((resolve) => (onChange('hello'), signal.addEventListener('abort', () => resolve()))),
    read: () => readOverview({ status, devices: async () => box.devices, neighbours: async () => [] }, logger.log),
    log: logger.log,
  });
  live.start();
  const app = createApp({ status, ask, live, fingerprint: certificate.fingerprint256, accounts, log: logger.log, now: () => new Date('2025-05-02T10:05:30.000Z') });
  servers = new WebUiServers();
  await servers.start(app, certificate, { host: '127.0.0.1', httpsPort: 0, httpPort: undefined });
  port = servers.httpsPort() ?? 0;
});
afterAll(async () => {
  live.stop();
  expect(logger.lines().filter((l) => Number(l.level) >= 50)).toEqual([]);
  await servers.stop();
});

const browser = () => new Browser(port, certificate.cert);
async function loggedIn(lands: string): Promise<Browser> {
  const b = browser();
  expect((await b.login(PASSWORD)).headers.location).toBe(lands);
  return b;
}
/** Follows a 303 to the page it names. */
async function follow(b: Browser, answer: Answer): Promise<Answer> {
  expect(answer.status).toBe(303);
  return await b.get(String(answer.headers.location));
}
const changes = () => asked.filter((a) => ['config.commit', 'config.confirm', 'profile.import', 'devices.register'].includes(a.action)).length;

describe('the first-run wizard', () => {
  it('takes a fresh box after login into the wizard at its first open step, and the overview says the setup is incomplete', async () => {
    const b = await loggedIn('/wizard');
    expect((await b.get('/wizard')).headers.location).toBe('/wizard/profile');
    const page = await b.get('/wizard/profile');
    expect(page.status).toBe(200);
    expect(page.body).toContain(de.missing.profile);
    expect(page.body).toMatch(/<li class="complete"><a href="\/wizard\/password">Neues Passwort<\/a>/);
    expect(page.body).toContain('<a href="/wizard/profile" aria-current="step">VPN-Profil</a>');
    expect(page.body).toContain('Schritt 3 von 7');
    const overview = await b.get('/overview');
    expect(overview.body).toContain(de.banner(de.steps.profile));
    expect(overview.body).toContain('<a href="/wizard/profile">Einrichtung fortsetzen</a>');
    expect((await b.get('/wizard/nonsense')).status).toBe(404);
  });

  it('warns on the WAN step when the WAN port is in the practice LAN, refuses a bad static address by its field, and keeps a change only once confirmed', async () => {
    box.health = [{ code: 'lan.wanInLan', since: '2025-05-02T10:00:00.000Z', severity: 'warning', impactsTi: true, text: { de: 'Der WAN-Anschluss steckt im Praxisnetz.', en: 'The WAN port is in the practice network.' } }];
    const b = await loggedIn('/wizard');
    // A warning is no step left undone: the wizard goes on where the setup stands, and the WAN step shows it.
    expect((await b.get('/wizard')).headers.location).not.toBe('/wizard/wan');
    let page = await b.get('/wizard/wan');
    expect(page.body).toContain('data-warning="lan.wanInLan">Der WAN-Anschluss steckt im Praxisnetz.');
    const before = changes();
    const refused = await b.post('/wizard/wan', { _csrf: Browser.token(page), mode: 'static', address: '<b>x</b>', gateway: '192.168.178.1', resolvers: '' });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain(`${de.fieldRefused('Feste WAN-Adresse')} mit Präfixlänge`);
    expect(refused.body).toContain('value="&lt;b>x&lt;/b>"');
    expect(refused.body).toMatch(/<input id="wan-address" name="address" value="[^"]*" maxlength="18" aria-invalid="true"/);
    expect(box.config.wan.mode).toBe('dhcp');
    expect(changes()).toBe(before + 1);
    page = await follow(b, await b.post('/wizard/wan', { _csrf: Browser.token(refused), mode: 'static', address: '192.168.178.2/24', gateway: '192.168.178.1', resolvers: '192.168.178.1, 9.9.9.9' }));
    expect(asked.at(-1)?.action).not.toBe('config.confirm');
    expect(asked.find((a) => a.action === 'config.commit' && JSON.stringify(a.args).includes('9.9.9.9'))?.args).toEqual({
      change: { wan: { mode: 'static', address: '192.168.178.2/24', gateway: '192.168.178.1', resolvers: ['192.168.178.1', '9.9.9.9'] } },
    });
    expect(page.body).toContain(de.wan.saved);
    expect(page.body).toContain(de.wan.pending('02.05.2025, 10:07:00', 90).slice(0, 40));
    expect(page.body).toContain('data-field="pending"');
    page = await follow(b, await b.post('/wizard/wan/confirm', { _csrf: Browser.token(page), revision: '8' }));
    expect(asked.filter((a) => a.action === 'config.confirm').at(-1)?.args).toEqual({ revision: 8 });
    expect(page.body).toContain(de.wan.confirmed);
    expect(page.body).not.toContain('data-field="pending"');
    box.health = [];
  });

  it('names the refusal of a profile, lists each collision with its fix in the page language, and goes on to the TI addresses once it is imported', async () => {
    const b = await loggedIn('/wizard');
    let page = await b.get('/wizard/profile');
    const bad = await b.multipart('/wizard/profile', { _csrf: Browser.token(page) }, { field: 'profile', name: 'p.tibox', content: Buffer.from('forged') });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain(messagesFor('de').agentErrors.TIBOX_PROFILE_BAD_SIGNATURE);
    box.importCollisions = [COLLISION, { code: 'notACode', severity: 'refuse', params: {} } as unknown as PlanFindingView];
    b.cookies.set('__Host-lang', 'en');
    const colliding = await b.multipart('/wizard/profile', { _csrf: Browser.token(bad) }, { field: 'profile', name: 'p.tibox', content: Buffer.from('a signed profile') });
    expect(colliding.status).toBe(409);
    expect(colliding.body).toContain(en.profile.collisions);
    expect(colliding.body).toContain(`data-finding="lanOverlapsSegment">${en.segment.findings.lanOverlapsSegment(COLLISION.params)}`);
    expect(colliding.body).toContain('Fix: renumber the practice network to a range outside 10.77.12.0/26');
    expect(colliding.body).not.toContain('notACode');
    expect(box.profile).toBeNull();
    b.cookies.delete('__Host-lang');
    box.importCollisions = [];
    const noToken = await b.multipart('/wizard/profile', {}, { field: 'profile', name: 'p.tibox', content: Buffer.from('a signed profile') });
    expect(noToken.status).toBe(403);
    expect(box.profile).toBeNull();
    page = await follow(b, await b.multipart('/wizard/profile', { _csrf: Browser.token(colliding) }, { field: 'profile', name: 'p.tibox', content: Buffer.from('a signed profile') }));
    expect(page.body).toContain('<a href="/wizard/segment" aria-current="step">TI-Adressen</a>');
    expect(page.body).toContain(messagesFor('de').profile.imported);
    expect(page.body).toContain('<dd><code>10.77.12.0/27</code></dd>');
    expect(page.body).toContain(de.segment.clean);
    box.plan = { halves: HALVES, findings: [{ code: 'wanCarrierGradeNat', severity: 'warn', params: { address: '100.72.3.4', network: '100.64.0.0/10', prefix: '100.64.0.0/10' } }] };
    page = await b.get('/wizard/segment');
    expect(page.body).toContain(de.segment.warnings);
    expect(page.body).toContain('Die WAN-Adresse 100.72.3.4 liegt im Carrier-Grade-NAT-Bereich');
    expect(page.body).not.toContain(de.missing.collision);
    box.plan = { halves: HALVES, findings: [COLLISION] };
    expect((await b.get('/wizard')).headers.location).toBe('/wizard/segment');
    expect((await b.get('/wizard/segment')).body).toContain(de.missing.collision);
    box.plan = { halves: HALVES, findings: [] };
  });

  it('offers the terminal and the PVS host the box found, each registered with one click under its offered TI address, and shows the PVS setup commands', async () => {
    const b = await loggedIn('/wizard');
    expect((await b.get('/wizard')).headers.location).toBe('/wizard/devices');
    const page = await b.get('/wizard/devices');
    // The PVS host already uses 10.77.12.10 in the LAN half; the terminal has its lease in the terminal half.
    expect(page.body).toMatch(/<tr data-offer="02:00:5e:10:00:10"><td>192\.168\.1\.20<\/td>.*?<td>10\.77\.12\.10<\/td>/s);
    expect(page.body).toMatch(/<tr data-offer="02:00:5e:10:00:40"><td>ORGA-6141<\/td>.*?<td>10\.77\.12\.40<\/td>/s);
    const bad = await b.post('/wizard/devices', { _csrf: Browser.token(page), kind: 'pvs', name: 'PVS\u0007', address: '10.77.12.10', mac: '02:00:5e:10:00:10', cetpPorts: '' });
    expect(bad.status).toBe(422);
    expect(box.devices).toEqual([]);
    const registered = await follow(b, await b.post('/wizard/devices', { _csrf: Browser.token(bad), kind: 'pvs', name: 'PVS 192.168.1.20', address: '10.77.12.10', mac: '02:00:5e:10:00:10', cetpPorts: '8010' }));
    expect(box.devices.map((d) => [d.kind, d.name, d.address, d.mac, d.cetpPorts])).toEqual([['pvs', 'PVS 192.168.1.20', '10.77.12.10', '02:00:5e:10:00:10', [8010]]]);
    expect(registered.body).toContain(de.devices.registeredOk('PVS 192.168.1.20'));
    expect(registered.body).not.toContain('data-offer="02:00:5e:10:00:10"');
    expect(registered.body).toContain('<pre class="command">New-NetIPAddress -IPAddress 10.77.12.10</pre>');
    expect(registered.body).toContain('<pre class="command">ip addr add 10.77.12.10/27 dev eth0</pre>');
    const duplicate = await b.post('/wizard/devices', { _csrf: Browser.token(registered), kind: 'pvs', name: 'Noch einmal', address: '10.77.12.11', mac: '02:00:5e:10:00:10', cetpPorts: '' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toContain(messagesFor('de').agentErrors.TIBOX_DEVICE_DUPLICATE);
  });

  it('takes the practice and installer data, refuses a bad postal code by its label, then says the box is set up and offers the function test as its last step', async () => {
    const b = await loggedIn('/wizard');
    expect((await b.get('/wizard')).headers.location).toBe('/wizard/practice');
    const page = await b.get('/wizard/practice');
    expect(page.body).toContain('<label for="practice-name">Name der Praxis (nötig)</label>');
    const values = { name: 'Praxis <Dr.> Muster', street: '', postalCode: '1011', city: '', bsnr: '', installerName: 'Erika Beispiel', installerCompany: '' };
    const refused = await b.post('/wizard/practice', { _csrf: Browser.token(page), ...values });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain(`${de.fieldRefused('Postleitzahl')} Fünfstellige Postleitzahl der Praxis.`);
    expect(refused.body).toContain('value="Praxis &lt;Dr.> Muster"');
    expect(box.config.practice.name).toBe('');
    const done = await follow(b, await b.post('/wizard/practice', { _csrf: Browser.token(refused), ...values, postalCode: '10115' }));
    expect(box.config.practice).toMatchObject({ name: 'Praxis <Dr.> Muster', postalCode: '10115', installerName: 'Erika Beispiel' });
    expect(done.body).toContain('<a href="/wizard/done" aria-current="step">Fertig</a>');
    expect(done.body).toContain(de.done.complete);
    // The last step runs the function test and returns here while it runs.
    expect(done.body).toContain(`<h3>${de.done.functionTest}</h3>`);
    expect(done.body).toContain('<input type="hidden" name="return" value="/wizard/done"/><button type="submit" data-action="run-check">Funktionstest starten</button>');
    expect(done.body).not.toContain('href="/function-test');
    const overview = await b.get('/overview');
    expect(overview.body).not.toContain('data-field="setup-incomplete"');
    await loggedIn('/overview');
    // A DSL outage leaves the box set up: it lands on the overview, which shows the outage as a warning.
    box.health = [{ code: 'wan.noLease', since: '2025-05-02T10:00:00.000Z', severity: 'warning', impactsTi: true, text: { de: 'Die Box bekommt keine WAN-Adresse.', en: 'The box gets no WAN address.' } }];
    await loggedIn('/overview');
    const outage = await b.get('/overview');
    expect(outage.body).not.toContain('data-field="setup-incomplete"');
    expect(outage.body).toContain('Die Box bekommt keine WAN-Adresse.');
    box.health = [];
  });

  it('refuses the steps to a session without login and a post without its token, changing nothing', async () => {
    const b = browser();
    expect((await b.get('/wizard/wan')).headers.location).toBe('/login');
    expect((await b.post('/wizard/practice', { name: 'x' })).status).toBe(403);
    const before = changes();
    const user = await loggedIn('/overview');
    expect((await user.post('/wizard/practice', { name: 'Andere Praxis', installerName: 'x' })).status).toBe(403);
    expect(changes()).toBe(before);
    expect(box.config.practice.name).toBe('Praxis <Dr.> Muster');
  });

  it('renders every step in both languages, with nothing left unworded', async () => {
    const b = await loggedIn('/overview');
    for (const language of ['de', 'en'] as const) {
      b.cookies.set('__Host-lang', language);
      const m = messagesFor(language).wizard;
      for (const step of WIZARD_STEPS) {
        const page = await b.get(`/wizard/${step}`);
        expect([step, language, page.status]).toEqual([step, language, 200]);
        expect(page.body).toContain(`<html lang="${language}">`);
        expect(page.body).toContain(`<h2 id="step-title">${m.steps[step]}</h2>`);
        expect(page.body).not.toMatch(/undefined|\[object Object\]/);
      }
    }
    b.cookies.delete('__Host-lang');
  });

  it('reads the agent answers it was written for', () => {
    // Compile-time: the agent's answers fit what the wizard reads.
    const fits = (_p: PendingSummary, _f: PlanFinding, _h: SegmentHalves, _c: Config): [PendingView, PlanFindingView, AddressPlanView['halves'], WizardConfigView] => [_p, _f, _h, _c];
    expect(fits).toBeTypeOf('function');
    expect([...PLAN_FINDING_CODES].sort()).toEqual(Object.keys(FINDING_SEVERITY).sort());
  });
});
