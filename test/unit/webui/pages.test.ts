// The pages behind the login and the JSON API, over real HTTPS against the app with a fake
// agent: the overview (server-rendered, then live over server-sent events), the API's login and
// CSRF rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentChange } from '../../../src/control/protocol.ts';
import { createApp, createDeviceCertificate, LiveOverview, WebUiServers, type DeviceCertificate, type OverviewStatus } from '../../../src/webui/index.ts';
import type { Accounts } from '../../../src/webui/auth/accounts.ts';
import type { DeviceView, NeighbourView } from '../../../src/webui/status/deviceView.ts';
import { readOverview } from '../../../src/webui/status/readOverview.ts';
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

async function ask(user: string, action: string, args?: unknown): Promise<unknown> {
  asked.push({ user, action, args });
  if (action === 'devices.list') return [PVS, TERMINAL];
  if (action === 'devices.neighbours') return NEIGHBOURS;
  throw new Error(`the fake agent has no ${action}`);
}

beforeAll(async () => {
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
      expect(second.overview.verdict).toBe('datacenter');
      expect(second.html).toContain('Die Box erreicht das Rechenzentrum nicht.');
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
