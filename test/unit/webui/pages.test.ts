// The pages behind the login and the JSON API, over real HTTPS against the app with a fake
// agent: the overview (server-rendered, then live over server-sent events), the API's login and
// CSRF rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentChange } from '../../../src/control/protocol.ts';
import { createApp, createDeviceCertificate, LiveOverview, WebUiServers, type DeviceCertificate, type OverviewStatus } from '../../../src/webui/index.ts';
import type { Accounts } from '../../../src/webui/auth/accounts.ts';
import type { DeviceView, NeighbourView } from '../../../src/webui/status/deviceView.ts';
import { readOverview } from '../../../src/webui/status/readOverview.ts';
import type { ProfileView } from '../../../src/webui/status/profileView.ts';
import type { ProfileSummary } from '../../../src/ipsec/profile/types.ts';
import type { DeviceView as InventoryDeviceView } from '../../../src/lan/inventory/inventory.ts';
import type { NeighbourEntry } from '../../../src/lan/inventory/neighbours.ts';
import { ControlApiError } from '../../../src/control/client.ts';
import { memoryLogger, SAMPLE_STATUS } from '../control/helpers.ts';
import { Browser } from './browser.ts';

const PASSWORD = 'Praxis-Nord sagt 2026 Hallo!';
const accounts: Accounts = {
  login: async (user, password) => ({ ok: user === 'admin' && password === PASSWORD, mustChange: false, passwordChangedAt: null, failedSince: 0, previousLogin: null }),
  changePassword: async () => ({ passwordChangedAt: new Date().toISOString() }),
};

const HOSTILE = '<script>alert(1)</script>';
const TERMINAL: DeviceView = {
  id: 2,
  kind: 'terminal',
  name: `Empfang ${HOSTILE}`,
  address: '10.77.12.20',
  mac: '02:00:00:00:00:20',
  cetpPorts: [],
  createdAt: '2025-05-02T08:00:00.000Z',
  changedAt: '2025-05-02T08:00:00.000Z',
  inSegment: true,
  reachability: { state: 'unreachable', since: '2025-05-02T09:00:00.000Z', lastFailure: { at: '2025-05-02T10:00:00.000Z', detail: '10.77.12.20:4742: timeout' } },
};
const PVS: DeviceView = { ...TERMINAL, id: 1, kind: 'pvs', name: 'PVS Empfang', address: '10.77.12.10', mac: '02:00:00:00:00:10', cetpPorts: [8010], reachability: undefined } as DeviceView;
const NEIGHBOURS: NeighbourView[] = [{ ip: '192.168.1.50', mac: '02:00:00:00:00:10', interface: 'lan0', state: 'reachable', firstSeen: '2025-05-02T07:00:00.000Z', lastSeen: '2025-05-02T10:05:00.000Z' }];

const logger = memoryLogger();
let certificate: DeviceCertificate;
let servers: WebUiServers;
let live: LiveOverview;
let port: number;
let status: OverviewStatus = SAMPLE_STATUS;
/** The agent's event stream, as the fake agent tells it. */
let emit: (change: AgentChange) => void = () => undefined;
const asked: { user: string; action: string; args: unknown }[] = [];

const PROFILE: ProfileView = {
  boxId: 'box-0001.praxis.example',
  gateways: { kind: 'addresses', addresses: ['192.0.2.10', '192.0.2.11'] },
  gatewayIds: ['gw1.dc.example'],
  tiSegment: '10.77.12.0/24',
  certificate: { subject: 'CN=box-0001', subjectAltNames: 'DNS:box-0001', notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2025-06-01T12:00:00.000Z', fingerprint256: 'AB:CD' },
};
/** The fake agent's state: what the pages may change. */
const agent = { profile: null as ProfileView | null, devices: [] as DeviceView[] };
const SETUP = { kind: 'pvs', windows: 'New-NetIPAddress -InterfaceAlias "Ethernet" -IPAddress 10.77.12.10', linux: 'ip addr add 10.77.12.10/25 dev ti0' };
const WHY = {
  counters: { accepted: { packets: 10, bytes: 1200 }, dropped: { packets: 3, bytes: 180 }, since: '2025-05-02T08:00:00.000Z', sinceBoot: true },
  drops: [{ at: '2025-05-02T10:00:00.000Z', reason: 'wrong_mac', in: 'lan0', out: 'ipsec0', src: '10.77.12.10', dst: '100.102.1.1', proto: 'TCP', sport: 50000, dport: 443 }],
};
const refuse = (status: number, code: string) => new ControlApiError(status, { code, message: code });
const findDevice = (args: unknown) => {
  const device = agent.devices.find((d) => d.id === (args as { device: number }).device);
  if (!device) throw refuse(404, 'TIBOX_DEVICE_NOT_FOUND');
  return device;
};

async function ask(user: string, action: string, args?: unknown): Promise<unknown> {
  asked.push({ user, action, args });
  if (action === 'audit.list') return [{ at: '2025-05-02T09:00:00.000Z', actor: 'webui:admin', action: 'profile.import', detail: {} }];
  if (action === 'devices.audit') return [{ at: '2025-05-02T09:30:00.000Z', actor: 'local-cli', action: 'register', deviceId: 2, old: null, new: TERMINAL }];
  if (action === 'config.audit') return [{ revision: 3, at: '2025-05-02T08:00:00.000Z', actor: 'local-cli', path: 'practice.name', old: '', new: 'Praxis' }];
  if (action === 'devices.list') return agent.devices;
  if (action === 'devices.show') return findDevice(args);
  if (action === 'devices.terminals') return [{ mac: '02:00:00:00:00:30', address: '10.77.12.30', hostname: 'ORGA-6141', evidence: ['dhcp'], firstSeen: '2025-05-02T09:00:00.000Z', lastSeen: '2025-05-02T10:00:00.000Z' }];
  if (action === 'devices.setupCommands') return SETUP;
  if (action === 'devices.reachability') return [{ at: '2025-05-02T09:00:00.000Z', state: 'unreachable', detail: 'timeout' }];
  if (action === 'firewall.why') return WHY;
  if (action === 'devices.register') {
    const fields = args as DeviceView;
    if (agent.devices.some((d) => d.mac === fields.mac)) throw refuse(409, 'TIBOX_DEVICE_DUPLICATE');
    const device = { ...fields, id: agent.devices.length + 10, createdAt: '', changedAt: '', inSegment: true };
    agent.devices = [...agent.devices, device];
    return device;
  }
  if (action === 'devices.change') {
    const device = { ...findDevice(args), name: (args as { name: string }).name };
    agent.devices = agent.devices.map((d) => (d.id === device.id ? device : d));
    return device;
  }
  if (action === 'devices.remove') {
    const device = findDevice(args);
    agent.devices = agent.devices.filter((d) => d.id !== device.id);
    return device;
  }
  if (action === 'devices.neighbours') return NEIGHBOURS;
  if (action === 'profile.show') return agent.profile;
  if (action === 'profile.import') {
    const { profile } = args as { profile: string };
    if (Buffer.from(profile, 'base64').toString() !== 'a signed profile') throw new ControlApiError(422, { code: 'TIBOX_PROFILE_BAD_SIGNATURE', message: 'the profile signature does not verify' });
    return (agent.profile = PROFILE);
  }
  if (['tunnel.up', 'tunnel.down', 'tunnel.restart', 'tunnel.status'].includes(action)) return status.tunnel;
  throw new Error(`the fake agent has no ${action}`);
}
const actionsAsked = (name: string) => asked.filter((a) => a.action === name);

beforeAll(async () => {
  agent.devices = [PVS, TERMINAL];
  certificate = createDeviceCertificate(['127.0.0.1'], new Date());
  live = new LiveOverview({
    watch: (onChange, signal) =>
      new Promise((resolve) => {
        emit = onChange;
        onChange('hello');
        signal.addEventListener('abort', () => resolve());
      }),
    read: () => readOverview({ status: async () => status, devices: async () => (await ask('admin', 'devices.list')) as DeviceView[], neighbours: async () => NEIGHBOURS }, logger.log),
    log: logger.log,
  });
  live.start();
  const app = createApp({ status: async () => status, ask, live, fingerprint: certificate.fingerprint256, accounts, log: logger.log, now: () => new Date('2025-05-02T10:05:30.000Z') });
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
async function loggedIn(): Promise<Browser> {
  const b = browser();
  expect((await b.login(PASSWORD)).headers.location).toBe('/overview');
  return b;
}

async function until(check: () => boolean, ms = 1_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('the overview', () => {
  it('sends a visitor without a session to the login, and the API answers 401 in JSON', async () => {
    const b = browser();
    expect((await b.get('/overview')).headers.location).toBe('/login');
    const api = await b.json('GET', '/api/v1/overview');
    expect([api.status, api.json]).toEqual([401, { error: { code: 'notLoggedIn', message: 'Nicht angemeldet.' } }]);
    expect((await b.events('/api/v1/events')).status).toBe(401);
  });

  it('shows the chain, the tunnel with gateway and traffic, the devices with whether they answer, and the warnings, escaped and without inline script', async () => {
    const b = await loggedIn();
    const { status: code, body } = await b.get('/overview');
    expect(code).toBe(200);
    expect(body).toContain('data-link="datacenter"');
    expect(body).toContain('<dd data-field="gateway">192.0.2.10</dd>');
    expect(body).toContain('2,05 MB empfangen, 512 B gesendet');
    expect(body).toContain('Das Gateway antwortet nicht.');
    expect(body).toContain('Empfang &lt;script>alert(1)&lt;/script>');
    expect(body).not.toContain(HOSTILE);
    expect(body).toMatch(/<tr data-device="2">.*nicht erreichbar.*10\.77\.12\.20:4742: timeout/s);
    expect(body).toMatch(/<tr data-device="1">.*erreichbar <span class="since">seit/s);
    expect(body).toContain('Die Datenbank stammt von einer neueren Firmware');
    // The last changes of all three audit logs, newest first, with who made them.
    expect(body).toMatch(/Kommandozeile der Box<\/td><td>Gerät „Empfang &lt;script>alert\(1\)&lt;\/script>“ registriert<\/td>.*admin \(Weboberfläche\)<\/td><td>VPN-Profil eingespielt<\/td>.*Einstellung practice.name geändert/s);
    expect(body).toContain('<script src="/assets/app.js" defer></script>');
    expect(body.match(/<script/g)).toHaveLength(1);
    expect(body).not.toMatch(/style=|onclick=|javascript:/);
  });

  it('answers the same overview as JSON', async () => {
    const b = await loggedIn();
    const { status: code, json } = await b.json('GET', '/api/v1/overview');
    expect(code).toBe(200);
    expect(json).toMatchObject({
      verdict: 'allOk',
      tunnel: { state: 'up', gateway: '192.0.2.10', traffic: { bytesIn: 2_048_000, bytesOut: 512 } },
      devices: [
        { id: 1, kind: 'pvs', reach: 'reachable' },
        { id: 2, kind: 'terminal', reach: 'unreachable', detail: '10.77.12.20:4742: timeout' },
      ],
    });
  });

  it('streams the overview at once and again within a second of a change, and ends the stream at logout', async () => {
    const b = await loggedIn();
    const page = await b.get('/overview');
    const stream = await b.events('/api/v1/events');
    expect(stream.status).toBe(200);
    await until(() => stream.events.length === 1);
    const first = JSON.parse(stream.events[0]!.data) as { overview: { verdict: string }; html: string };
    expect(first.overview.verdict).toBe('allOk');
    expect(first.html).toContain('data-link="datacenter"');
    expect(first.html).not.toContain(HOSTILE);
    status = { ...SAMPLE_STATUS, tunnel: { ...SAMPLE_STATUS.tunnel, state: 'backoff', since: '2025-05-02T10:05:00.000Z' } };
    try {
      const changed = Date.now();
      emit('tunnel');
      await until(() => stream.events.length === 2);
      expect(Date.now() - changed).toBeLessThan(1_000);
      const second = JSON.parse(stream.events[1]!.data) as { overview: { verdict: string }; html: string };
      // The sample's last failure: no gateway answered.
      expect(second.overview.verdict).toBe('internet');
      expect(second.html).toContain('Kein Gateway des Rechenzentrums antwortet');
      // Nothing changed: nothing sent.
      emit('health');
      await new Promise((r) => setTimeout(r, 100));
      expect(stream.events).toHaveLength(2);
      expect((await b.post('/logout', { _csrf: Browser.token(page) })).status).toBe(303);
      status = SAMPLE_STATUS;
      emit('tunnel');
      await stream.ended;
      expect(stream.events).toHaveLength(2);
    } finally {
      status = SAMPLE_STATUS;
    }
  });

  it('serves its script as a file of its own', async () => {
    const { status: code, headers, body } = await browser().get('/assets/app.js');
    expect(code).toBe(200);
    expect(headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(body).toContain("new EventSource(live.dataset.events)");
  });
});

describe('the VPN profile page', () => {
  it('reads what the agent answers as the web UI declares it', () => {
    // Compile-time: the agent's types fit what the web UI reads.
    const fits = (_p: ProfileSummary, _d: InventoryDeviceView, _n: NeighbourEntry): [ProfileView, DeviceView, NeighbourView] => [_p, _d, _n];
    expect(fits).toBeTypeOf('function');
  });

  it('says there is no profile yet, and offers the import form and the tunnel actions, each with its token', async () => {
    const b = await loggedIn();
    const { status: code, body } = await b.get('/profile');
    expect(code).toBe(200);
    expect(body).toContain('Es ist noch kein VPN-Profil eingespielt.');
    expect(body).toContain('enctype="multipart/form-data"');
    for (const action of ['up', 'down', 'restart']) expect(body).toContain(`action="/tunnel/${action}"`);
    expect(body).toContain('<td>Das Gateway antwortet nicht.</td>');
  });

  it('refuses an upload without a token, one too large, a malformed one and a profile the agent refuses, each in words, and the profile stays as it was', async () => {
    const b = await loggedIn();
    const page = await b.get('/profile');
    const token = Browser.token(page);
    const before = actionsAsked('profile.import').length;
    const noToken = await b.multipart('/profile', {}, { field: 'profile', name: 'p.tibox', content: Buffer.from('a signed profile') });
    expect([noToken.status, noToken.body.includes('Das Formular ist abgelaufen')]).toEqual([403, true]);
    const large = await b.multipart('/profile', { _csrf: token }, { field: 'profile', name: 'p.tibox', content: Buffer.alloc(300 * 1024, 1) });
    expect(large.status).toBe(413);
    expect(large.body).toContain('Die Datei ist größer als 256 KiB und kann kein Profil sein. Es wurde nichts geändert.');
    const broken = await b.send('/profile', 'multipart/form-data; boundary=xyz', `--xyz\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--xyz\r\nContent-Disposition: form-data; name="profile"; filename="p"\r\n\r\nabc`);
    expect(broken.status).toBe(400);
    expect(broken.body).toContain('Das Hochladen ist fehlgeschlagen');
    // Each page's forms carry a fresh token; the refusals are pages too.
    const none = await b.multipart('/profile', { _csrf: Browser.token(broken) });
    expect([none.status, none.body.includes('Bitte wählen Sie eine Profildatei aus.')]).toEqual([400, true]);
    const forged = await b.multipart('/profile', { _csrf: Browser.token(none) }, { field: 'profile', name: 'p.tibox', content: Buffer.from('<script>alert(1)</script>') });
    expect(forged.status).toBe(422);
    expect(forged.body).toContain('Die Signatur des Profils passt nicht zum Schlüssel des Rechenzentrums');
    expect(forged.body).not.toContain('<script>alert');
    expect(actionsAsked('profile.import').length).toBe(before + 1);
    expect(agent.profile).toBeNull();
  });

  it('imports a profile, says so once, and shows its details with the days until the certificate expires', async () => {
    const b = await loggedIn();
    const token = Browser.token(await b.get('/profile'));
    const imported = await b.multipart('/profile', { _csrf: token, password: '' }, { field: 'profile', name: 'p.tibox', content: Buffer.from('a signed profile') });
    expect([imported.status, imported.headers.location]).toEqual([303, '/profile']);
    expect(actionsAsked('profile.import').at(-1)).toEqual({ user: 'admin', action: 'profile.import', args: { profile: Buffer.from('a signed profile').toString('base64') } });
    const page = await b.get('/profile');
    expect(page.body).toContain('Das Profil ist eingespielt.');
    expect(page.body).toContain('box-0001.praxis.example');
    expect(page.body).toMatch(/<dd data-field="expiry"[^>]*>[^<]+\(läuft in 30 Tagen ab\)<\/dd>/);
    expect((await b.get('/profile')).body).not.toContain('Das Profil ist eingespielt.');
    const api = await b.json('GET', '/api/v1/profile');
    expect(api.json).toEqual({ profile: PROFILE });
  });

  it('switches the tunnel by a form and by the API with the header token, and refuses the API without it', async () => {
    const b = await loggedIn();
    const token = Browser.token(await b.get('/profile'));
    const down = await b.post('/tunnel/down', { _csrf: token });
    expect([down.status, down.headers.location]).toEqual([303, '/profile']);
    expect((await b.get('/profile')).body).toContain('Der Tunnel ist ausgeschaltet.');
    const count = actionsAsked('tunnel.restart').length;
    const refused = await b.json('POST', '/api/v1/tunnel/restart', {});
    expect([refused.status, refused.json]).toEqual([403, { error: { code: 'csrf', message: 'Das CSRF-Token fehlt oder gehört nicht zu dieser Anmeldung. Es wurde nichts geändert.' } }]);
    expect(actionsAsked('tunnel.restart').length).toBe(count);
    const fresh = Browser.token(await b.get('/profile'));
    const restarted = await b.json('POST', '/api/v1/tunnel/restart', {}, { 'X-CSRF-Token': fresh });
    expect(restarted.status).toBe(200);
    expect(restarted.json).toMatchObject({ state: 'up' });
    expect(actionsAsked('tunnel.restart').length).toBe(count + 1);
    const unknown = await b.json('POST', '/api/v1/tunnel/explode', {}, { 'X-CSRF-Token': fresh });
    expect([unknown.status, (unknown.json as { error: { code: string } }).error.code]).toEqual([404, 'action']);
  });
});

describe('the devices page', () => {
  const register = { kind: 'pvs', name: 'PVS Sprechzimmer', address: '10.77.12.11', mac: '02:00:00:00:00:11', cetpPorts: '8010, 8011' };

  it('lists the registered devices escaped, the form, and the terminals and hosts found, each with a link that fills the form in', async () => {
    const b = await loggedIn();
    const { status: code, body } = await b.get('/devices');
    expect(code).toBe(200);
    expect(body).toContain('<a href="/devices/2">Empfang &lt;script>alert(1)&lt;/script></a>');
    expect(body).toContain('<a href="/devices?kind=terminal&amp;mac=02%3A00%3A00%3A00%3A00%3A30&amp;address=10.77.12.30#register">Registrieren</a>');
    expect(body).toContain('ORGA-6141');
    const filled = await b.get('/devices?kind=terminal&mac=02:00:00:00:00:30&address=10.77.12.30');
    expect(filled.body).toContain('<input id="mac" name="mac" required value="02:00:00:00:00:30"');
    expect(filled.body).toContain('<option value="terminal" selected>');
  });

  it('refuses a name with control characters, one of 10 kB, a bad MAC and bad ports in words without asking the agent, and shows what was typed', async () => {
    const b = await loggedIn();
    let page = await b.get('/devices');
    const before = actionsAsked('devices.register').length;
    for (const [fields, text] of [
      [{ name: 'PVS\u0007Empfang' }, 'Der Name darf nur druckbare Zeichen enthalten'],
      [{ name: 'x'.repeat(10_240) }, 'Der Name ist zu lang (höchstens 63 Zeichen).'],
      [{ name: '12345' }, 'Der Name darf nicht nur aus Ziffern bestehen.'],
      [{ mac: '02:00:00:00:00' }, 'Die MAC-Adresse hat nicht die Form'],
      [{ address: '10.77.12.300' }, 'Die TI-Adresse ist keine IPv4-Adresse'],
      [{ cetpPorts: '8010, 70000' }, 'Die CETP-Ports müssen Zahlen von 1 bis 65535 sein'],
      [{ kind: 'router' }, 'Bitte wählen Sie PVS-Rechner oder Kartenterminal.'],
    ] as const) {
      const refused = await b.post('/devices', { _csrf: Browser.token(page), ...register, ...fields });
      expect(refused.status, text).toBe(422);
      expect(refused.body, text).toContain(text);
      page = refused;
    }
    expect(page.body).toContain('<input id="name" name="name" required maxlength="63" value="PVS Sprechzimmer"');
    expect(actionsAsked('devices.register').length).toBe(before);
    expect(agent.devices.map((d) => d.name)).toEqual([PVS.name, TERMINAL.name]);
  });

  it("registers a device and shows the agent's refusal of a duplicate in words", async () => {
    const b = await loggedIn();
    const page = await b.get('/devices');
    const done = await b.post('/devices', { _csrf: Browser.token(page), ...register, name: '<b>PVS</b> Sprechzimmer' });
    expect(done.status).toBe(303);
    const id = Number(/^\/devices\/(\d+)$/.exec(String(done.headers.location))?.[1]);
    expect(actionsAsked('devices.register').at(-1)?.args).toEqual({ kind: 'pvs', name: '<b>PVS</b> Sprechzimmer', address: '10.77.12.11', mac: '02:00:00:00:00:11', cetpPorts: [8010, 8011] });
    const shown = await b.get(`/devices/${id}`);
    expect(shown.body).toContain('„&lt;b>PVS&lt;/b> Sprechzimmer“ ist registriert.');
    const again = await b.post('/devices', { _csrf: Browser.token(shown), ...register, name: 'Noch einer' });
    expect(again.status).toBe(409);
    expect(again.body).toContain('ist schon für ein anderes Gerät registriert');
    await b.post(`/devices/${id}/remove`, { _csrf: Browser.token(again) });
  });

  it("shows a PVS host's setup commands with copy buttons, and why its packets were dropped", async () => {
    const b = await loggedIn();
    const { body } = await b.get('/devices/1');
    expect(body).toContain('<pre class="command" id="setup-windows" aria-labelledby="setup-windows-title">New-NetIPAddress -InterfaceAlias &quot;Ethernet&quot; -IPAddress 10.77.12.10</pre>');
    expect(body).toContain('<button type="button" data-copy="setup-linux" data-copied="Kopiert" hidden>Kopieren</button>');
    expect(body).toContain('<dd data-field="dropped">3 Pakete (180 B)</dd>');
    expect(body).toContain('eine registrierte TI-Adresse von einer anderen MAC-Adresse');
    const terminal = await b.get('/devices/2');
    expect(terminal.body).toMatch(/<td class="reach unreachable">nicht erreichbar<\/td>\s*<td>timeout<\/td>/);
    expect((await b.get('/devices/99')).status).toBe(404);
    expect((await b.get('/devices/abc')).status).toBe(404);
  });

  it('renames a device, refusing a hostile name first, and removes it', async () => {
    const b = await loggedIn();
    let page = await b.get('/devices');
    page = await b.post('/devices', { _csrf: Browser.token(page), ...register });
    const id = Number(/(\d+)$/.exec(String(page.headers.location))?.[1]);
    page = await b.get(`/devices/${id}`);
    const refused = await b.post(`/devices/${id}/rename`, { _csrf: Browser.token(page), name: 'a\nb' });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain('Der Name darf nur druckbare Zeichen enthalten');
    expect(agent.devices.find((d) => d.id === id)?.name).toBe('PVS Sprechzimmer');
    const renamed = await b.post(`/devices/${id}/rename`, { _csrf: Browser.token(refused), name: '  Sprechzimmer 2  ' });
    expect(renamed.status).toBe(303);
    expect(agent.devices.find((d) => d.id === id)?.name).toBe('Sprechzimmer 2');
    page = await b.get(`/devices/${id}`);
    const removed = await b.post(`/devices/${id}/remove`, { _csrf: Browser.token(page) });
    expect([removed.status, removed.headers.location]).toEqual([303, '/devices']);
    expect((await b.get('/devices')).body).toContain('„Sprechzimmer 2“ ist entfernt.');
    expect(agent.devices.some((d) => d.id === id)).toBe(false);
  });

  it('offers the same over the JSON API, refusing bad input with 400 and the problem in words', async () => {
    const b = await loggedIn();
    const token = Browser.token(await b.get('/devices'));
    const headers = { 'X-CSRF-Token': token };
    const listed = await b.json('GET', '/api/v1/devices');
    expect((listed.json as { devices: unknown[] }).devices).toHaveLength(2);
    const bad = await b.json('POST', '/api/v1/devices', { ...register, cetpPorts: [8010], name: 'x'.repeat(10_240) }, headers);
    expect([bad.status, bad.json]).toEqual([400, { error: { code: 'nameTooLong', message: 'Der Name ist zu lang (höchstens 63 Zeichen).' } }]);
    const extra = await b.json('POST', '/api/v1/devices', { ...register, cetpPorts: [8010], admin: true }, headers);
    expect((extra.json as { error: { code: string } }).error.code).toBe('malformed');
    const noToken = await b.json('POST', '/api/v1/devices', { ...register, cetpPorts: [8010] });
    expect(noToken.status).toBe(403);
    const made = await b.json('POST', '/api/v1/devices', { ...register, cetpPorts: [8010] }, headers);
    expect(made.status).toBe(201);
    const id = (made.json as { id: number }).id;
    const one = await b.json('GET', `/api/v1/devices/${id}`);
    expect(one.json).toMatchObject({ device: { id, name: 'PVS Sprechzimmer' }, setup: SETUP, why: WHY });
    const renamed = await b.json('PATCH', `/api/v1/devices/${id}`, { name: 'Labor' }, headers);
    expect(renamed.json).toMatchObject({ id, name: 'Labor' });
    expect((await b.json('DELETE', `/api/v1/devices/${id}`, undefined, headers)).status).toBe(200);
    const gone = await b.json('DELETE', `/api/v1/devices/${id}`, undefined, headers);
    expect([gone.status, gone.json]).toEqual([404, { error: { code: 'TIBOX_DEVICE_NOT_FOUND', message: 'Dieses Gerät ist nicht registriert.' } }]);
    const malformed = await b.send('/api/v1/devices', 'application/json', '{"kind":');
    expect(malformed.status).toBe(400);
  });
});
