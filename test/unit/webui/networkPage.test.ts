// The network page and its API over real HTTPS against the app with a fake agent that keeps a
// config and a pending change as the agent does: the settings, the WAN's state and the routing
// table shown; a change that goes in pending with its countdown, confirmed or rolled back; the
// new fixed address named for the confirmation; bad input refused in words with nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlApiError } from '../../../src/control/client.ts';
import { createApp, createDeviceCertificate, WebUiServers, type DeviceCertificate, type OverviewStatus } from '../../../src/webui/index.ts';
import type { Accounts } from '../../../src/webui/auth/accounts.ts';
import { confirmElsewhere, networkChange, type NetworkSettings, type PendingView, type RouteView } from '../../../src/webui/status/networkView.ts';
import { memoryLogger, SAMPLE_STATUS } from '../control/helpers.ts';
import { Browser } from './browser.ts';

const PASSWORD = 'Praxis-Nord sagt 2026 Hallo!';
const accounts: Accounts = {
  login: async (user, password) => ({ ok: user === 'admin' && password === PASSWORD, mustChange: false, passwordChangedAt: null, failedSince: 0, previousLogin: null }),
  changePassword: async () => ({ passwordChangedAt: new Date().toISOString() }),
};
const INITIAL: NetworkSettings = {
  wan: { mode: 'dhcp', address: '', gateway: '', resolvers: [] },
  interfaces: { lan: 'lan0', wan: 'wan0', lanFallback: '169.254.77.1/16', terminals: ['term0'] },
};
const ROUTES: RouteView[] = [
  { table: 'main', destination: 'default', type: 'unicast', via: '192.168.178.1', dev: 'wan0', proto: 'dhcp' },
  { table: '8742', destination: '100.102.0.0/15', type: 'unreachable', proto: 'static' },
];
const STATUS = { ...SAMPLE_STATUS, subsystems: [...SAMPLE_STATUS.subsystems, { name: 'wan', state: 'running', since: '2025-05-02T08:00:01.000Z', detail: 'wan0 dhcp 192.168.178.2/24 via 192.168.178.1' }] };

/** The fake agent: the settings in force, the pending change, and what it was asked. */
const agent = { settings: structuredClone(INITIAL) as NetworkSettings, previous: undefined as NetworkSettings | undefined, pending: null as PendingView | null, revision: 7 };
const asked: string[] = [];
async function ask(_user: string, action: string, args?: unknown): Promise<unknown> {
  asked.push(action);
  if (action === 'config.get') return { config: { ...agent.settings, box: { name: 'tibox' } }, revision: agent.revision };
  if (action === 'config.pending') return agent.pending;
  if (action === 'network.routes') return ROUTES;
  if (action === 'config.commit') {
    const { change, timeoutS } = args as { change: { wan?: Partial<NetworkSettings['wan']>; interfaces?: Partial<NetworkSettings['interfaces']> }; timeoutS?: number };
    if (agent.pending) throw new ControlApiError(409, { code: 'TIBOX_CONFIG_CHANGE_PENDING', message: 'pending' });
    const next: NetworkSettings = { wan: { ...agent.settings.wan, ...change.wan }, interfaces: { ...agent.settings.interfaces, ...change.interfaces } };
    if (next.wan.mode === 'static' && next.wan.gateway !== '192.168.178.1') {
      throw new ControlApiError(422, { code: 'TIBOX_CONFIG_INVALID', message: 'refused', details: [{ path: 'wan.gateway', message: `${next.wan.gateway} is outside the WAN subnet 192.168.178.0/24 of ${next.wan.address}: the box could not reach it` }] });
    }
    if (JSON.stringify(next) === JSON.stringify(agent.settings)) return { revision: agent.revision, changes: [] };
    agent.previous = agent.settings;
    agent.settings = next;
    agent.revision++;
    agent.pending = { revision: agent.revision, actor: 'webui:admin', startedAt: '2025-05-02T10:05:30.000Z', deadline: '2025-05-02T10:07:00.000Z', paths: changedPaths(agent.previous, next), remainingS: timeoutS ?? 90 };
    const changes = agent.pending.paths.map((path) => {
      const [group, key] = path.split('.') as ['wan' | 'interfaces', string];
      return { path, old: (agent.previous?.[group] as Record<string, unknown>)[key], new: (next[group] as Record<string, unknown>)[key] };
    });
    return { revision: agent.revision, changes, pending: agent.pending };
  }
  if (action === 'config.confirm') {
    if (!agent.pending) throw new ControlApiError(409, { code: 'TIBOX_CONFIG_NOTHING_PENDING', message: 'nothing' });
    const confirmed = agent.pending;
    agent.pending = null;
    return confirmed;
  }
  if (action === 'config.rollback') {
    if (!agent.pending || !agent.previous) throw new ControlApiError(409, { code: 'TIBOX_CONFIG_NOTHING_PENDING', message: 'nothing' });
    agent.settings = agent.previous;
    agent.pending = null;
    return { revision: ++agent.revision, changes: [{}] };
  }
  throw new Error(`the fake agent has no ${action}`);
}

function changedPaths(before: NetworkSettings, after: NetworkSettings): string[] {
  return (['wan', 'interfaces'] as const).flatMap((group) =>
    Object.keys(after[group]).filter((key) => JSON.stringify((before[group] as Record<string, unknown>)[key]) !== JSON.stringify((after[group] as Record<string, unknown>)[key])).map((key) => `${group}.${key}`),
  );
}

const logger = memoryLogger();
let certificate: DeviceCertificate;
let servers: WebUiServers;
let port: number;

beforeAll(async () => {
  certificate = createDeviceCertificate(['127.0.0.1'], new Date());
  const live = { subscribe: () => () => undefined, onReset: () => () => undefined };
  const app = createApp({ status: async () => STATUS as unknown as OverviewStatus, ask, live, fingerprint: certificate.fingerprint256, accounts, log: logger.log, now: () => new Date('2025-05-02T10:05:30.000Z') });
  servers = new WebUiServers();
  await servers.start(app, certificate, { host: '127.0.0.1', httpsPort: 0, httpPort: undefined });
  port = servers.httpsPort() ?? 0;
});
afterAll(async () => {
  expect(logger.lines().filter((l) => Number(l.level) >= 50)).toEqual([]);
  await servers.stop();
});

async function loggedIn(): Promise<Browser> {
  const b = new Browser(port, certificate.cert);
  expect((await b.login(PASSWORD)).headers.location).toBe('/overview');
  return b;
}
/** The form as the page fills it in, with the changes given. */
async function submit(b: Browser, fields: Record<string, string>) {
  const page = await b.get('/network');
  return await b.post('/network', {
    _csrf: Browser.token(page), wanMode: 'dhcp', wanAddress: '', wanGateway: '', wanResolvers: '', lanFallback: '169.254.77.1/16', terminals: 'term0', timeoutS: '90', ...fields,
  });
}

describe('the pure parts', () => {
  it('asks the agent to change only the groups a request names', () => {
    expect(networkChange({ lanFallback: '169.254.77.9/16' })).toEqual({ interfaces: { lanFallback: '169.254.77.9/16' } });
    expect(networkChange({ wan: { mode: 'static' }, terminals: [] })).toEqual({ wan: { mode: 'static' }, interfaces: { terminals: [] } });
    expect(networkChange({ wan: {} })).toEqual({});
  });

  it('names the new fixed address for the confirmation only where the change moved it and the page is elsewhere', () => {
    const settings = { interfaces: { ...INITIAL.interfaces, lanFallback: '169.254.77.9/16' } };
    expect(confirmElsewhere({ paths: ['interfaces.lanFallback'] }, settings, '192.168.1.2')).toBe('169.254.77.9');
    expect(confirmElsewhere({ paths: ['interfaces.lanFallback'] }, settings, '169.254.77.9')).toBeUndefined();
    expect(confirmElsewhere({ paths: ['wan.mode'] }, settings, '192.168.1.2')).toBeUndefined();
  });
});

describe('the network page', () => {
  it('shows the settings in force, the WAN port now and the routing table, and is in the navigation', async () => {
    const b = await loggedIn();
    const page = await b.get('/network');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<a href="/network" aria-current="page">Netzwerk</a>');
    expect(page.body).toContain('wan0 dhcp 192.168.178.2/24 via 192.168.178.1');
    expect(page.body).toMatch(/<input type="radio" name="wanMode" value="dhcp" checked/);
    expect(page.body).toContain('value="169.254.77.1/16"');
    expect(page.body).toContain('value="term0"');
    expect(page.body).toContain('<td>TI-Routen</td><td><code>100.102.0.0/15</code> (unerreichbar (gesperrt))</td>');
    expect(page.body).not.toContain('data-countdown');
    expect(page.body).not.toMatch(/<script>/);
  });

  it("refuses a gateway outside the WAN subnet with the agent's reason for that field, shows what was typed, and changes nothing", async () => {
    const b = await loggedIn();
    const before = structuredClone(agent.settings);
    const refused = await submit(b, { wanMode: 'static', wanAddress: '192.168.178.2/24', wanGateway: '10.0.0.1', wanResolvers: '9.9.9.9' });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain('Die Box hat die Einstellung abgelehnt. Nichts wurde geändert.');
    expect(refused.body).toContain('<strong>Gateway</strong>: 10.0.0.1 is outside the WAN subnet 192.168.178.0/24 of 192.168.178.2/24: the box could not reach it');
    expect(refused.body).toContain('value="10.0.0.1"');
    expect(refused.body).toMatch(/value="static" checked/);
    // The refused field, and only that one, is marked for a screen reader too.
    expect(refused.body).toMatch(/<input id="wan-gateway"[^>]* aria-invalid="true"/);
    expect(refused.body.match(/aria-invalid/g)).toHaveLength(1);
    expect([agent.settings, agent.pending]).toEqual([before, null]);
  });

  it('refuses a time to confirm out of bounds and an overlong field without asking the agent', async () => {
    const b = await loggedIn();
    const commits = asked.filter((a) => a === 'config.commit').length;
    const timeout = await submit(b, { lanFallback: '169.254.77.9/16', timeoutS: '2' });
    expect(timeout.status).toBe(400);
    expect(timeout.body).toContain('Die Frist zur Bestätigung muss zwischen 5 und 3600 Sekunden liegen.');
    const long = await submit(b, { lanFallback: '1'.repeat(300) });
    expect(long.status).toBe(400);
    expect(long.body).toContain('Ein Feld der Netzwerkeinstellungen ist zu lang oder fehlt.');
    expect(asked.filter((a) => a === 'config.commit').length).toBe(commits);
    expect(agent.settings).toEqual(INITIAL);
  });

  it('applies a change as pending with its countdown and the confirm button, refuses a second one, and keeps it when confirmed', async () => {
    const b = await loggedIn();
    const sent = await submit(b, { wanMode: 'static', wanAddress: '192.168.178.2/24', wanGateway: '192.168.178.1', wanResolvers: '9.9.9.9, 1.1.1.1', timeoutS: '30' });
    expect([sent.status, sent.headers.location]).toEqual([303, '/network']);
    expect(agent.settings.wan).toEqual({ mode: 'static', address: '192.168.178.2/24', gateway: '192.168.178.1', resolvers: ['9.9.9.9', '1.1.1.1'] });
    const page = await b.get('/network');
    expect(page.body).toContain('Die Änderung gilt. Bestätigen Sie sie innerhalb von 30 Sekunden, sonst wird sie zurückgenommen.');
    expect(page.body).toContain('Änderung wartet auf Bestätigung');
    expect(page.body).toMatch(/data-countdown="true" data-remaining="30" data-template="Noch \{s\} Sekunden"/);
    expect(page.body).toContain(`name="revision" value="${agent.revision}"`);
    expect(page.body).not.toContain('https://169.254');
    const second = await submit(b, { lanFallback: '169.254.77.9/16' });
    expect(second.status).toBe(409);
    expect(second.body).toContain('Eine Netzwerkänderung wartet noch auf Bestätigung.');
    const confirmed = await b.post('/network/confirm', { _csrf: Browser.token(await b.get('/network')), revision: String(agent.revision) });
    expect(confirmed.status).toBe(303);
    expect((await b.get('/network')).body).toContain('Bestätigt: Die Änderung bleibt.');
    expect(agent.pending).toBeNull();
    expect(agent.settings.wan.mode).toBe('static');
  });

  it('names the new fixed address to confirm from, and rolls back on request', async () => {
    const b = await loggedIn();
    const before = structuredClone(agent.settings);
    await submit(b, { wanMode: 'static', wanAddress: '192.168.178.2/24', wanGateway: '192.168.178.1', wanResolvers: '9.9.9.9 1.1.1.1', lanFallback: '169.254.77.9/16' });
    const page = await b.get('/network');
    expect(page.body).toContain('<a href="https://169.254.77.9/network">https://169.254.77.9/network</a>');
    expect(page.body).toContain('Feste Adresse im Praxisnetz');
    const rolledBack = await b.post('/network/rollback', { _csrf: Browser.token(page) });
    expect(rolledBack.status).toBe(303);
    expect((await b.get('/network')).body).toContain('Zurückgenommen: Die vorigen Einstellungen gelten wieder.');
    expect(agent.settings).toEqual(before);
    const none = await b.post('/network/confirm', { _csrf: Browser.token(await b.get('/network')), revision: '99' });
    expect(none.status).toBe(409);
    expect(none.body).toContain('Keine Änderung wartet auf Bestätigung');
  });

  it('sends the browser to the new fixed address when the change moved the one the page was opened at, and stays otherwise', async () => {
    const b = await loggedIn();
    const staticWan = { wanMode: 'static', wanAddress: '192.168.178.2/24', wanGateway: '192.168.178.1', wanResolvers: '9.9.9.9 1.1.1.1' };
    const elsewhere = await submit(b, { ...staticWan, lanFallback: '169.254.77.9/16' });
    expect(elsewhere.headers.location).toBe('/network');
    await b.post('/network/rollback', { _csrf: Browser.token(await b.get('/network')) });
    agent.settings = { ...agent.settings, interfaces: { ...agent.settings.interfaces, lanFallback: '127.0.0.1/8' } };
    const moved = await submit(b, { ...staticWan, lanFallback: '127.0.0.2/8' });
    expect([moved.status, moved.headers.location]).toEqual([303, 'https://127.0.0.2/network']);
    await b.post('/network/rollback', { _csrf: Browser.token(await b.get('/network')) });
    expect(agent.settings.interfaces.lanFallback).toBe('127.0.0.1/8');
    agent.settings = { ...agent.settings, interfaces: { ...agent.settings.interfaces, lanFallback: '169.254.77.1/16' } };
  });

  it('offers the same over the JSON API, with the CSRF header for a change', async () => {
    const b = await loggedIn();
    const headers = { 'X-CSRF-Token': Browser.token(await b.get('/network')) };
    const read = await b.json('GET', '/api/v1/network');
    expect(read.json).toMatchObject({ settings: { interfaces: { lanFallback: '169.254.77.1/16' } }, pending: null, routes: ROUTES, wanState: 'wan0 dhcp 192.168.178.2/24 via 192.168.178.1' });
    expect((await b.json('POST', '/api/v1/network', { lanFallback: '169.254.77.9/16' })).status).toBe(403);
    const bad = await b.json('POST', '/api/v1/network', { lanFallback: '169.254.77.9/16', timeoutS: 1 }, headers);
    expect([bad.status, (bad.json as { error: { code: string } }).error.code]).toEqual([400, 'confirmTimeout']);
    const extra = await b.json('POST', '/api/v1/network', { interfaces: { lan: 'eth9' } }, headers);
    expect([extra.status, (extra.json as { error: { code: string } }).error.code]).toEqual([400, 'malformed']);
    const refused = await b.json('POST', '/api/v1/network', { wan: { mode: 'static', address: '192.168.178.2/24', gateway: '10.0.0.1' } }, headers);
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ error: { code: 'TIBOX_CONFIG_INVALID', fields: [{ path: 'wan.gateway' }] } });
    const made = await b.json('POST', '/api/v1/network', { lanFallback: '169.254.77.9/16', timeoutS: 10 }, headers);
    expect(made.json).toMatchObject({ pending: { paths: ['interfaces.lanFallback'], remainingS: 10 } });
    const confirmed = await b.json('POST', '/api/v1/network/confirm', {}, headers);
    expect(confirmed.json).toMatchObject({ paths: ['interfaces.lanFallback'] });
    expect(agent.settings.interfaces.lanFallback).toBe('169.254.77.9/16');
  });
});
