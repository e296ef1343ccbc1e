// The system page and its API over real HTTPS against the app with a fake agent: the firmware's
// version and slots, the firewall's state and ruleset, the services that listen as the agent read
// them, the security log streamed through whole (larger than any request limit), and the restart
// only once the tick box confirms it, refused in words where the agent refuses it.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlApiError } from '../../../src/control/client.ts';
import { createApp, createDeviceCertificate, WebUiServers, type DeviceCertificate, type OverviewStatus } from '../../../src/webui/index.ts';
import type { Accounts } from '../../../src/webui/auth/accounts.ts';
import type { ListeningView } from '../../../src/webui/status/systemView.ts';
import { memoryLogger, SAMPLE_STATUS } from '../control/helpers.ts';
import { Browser } from './browser.ts';

const PASSWORD = 'Praxis-Nord sagt 2026 Hallo!';
const accounts: Accounts = {
  login: async (user, password) => ({ ok: user === 'admin' && password === PASSWORD, mustChange: false, passwordChangedAt: null, failedSince: 0, previousLogin: null }),
  changePassword: async () => ({ passwordChangedAt: new Date().toISOString() }),
};
const LISTENING: ListeningView[] = [
  { proto: 'tcp', address: '127.0.0.1', port: 443, programs: ['tibox-webui'], localOnly: false },
  { proto: 'udp', address: '0.0.0.0', port: 53, programs: ['dnsmasq'], localOnly: false },
  { proto: 'tcp', address: '127.0.0.1', port: 8125, programs: [], localOnly: true },
];
const SLOTS = {
  booted: 'A',
  slots: [
    { name: 'rootfs.0', bootname: 'A', state: 'booted', bootStatus: 'good', version: '1.4.2' },
    { name: 'rootfs.1', bootname: 'B', state: 'inactive', bootStatus: 'good', version: '1.4.1' },
  ],
};
const LOG_LINE = `2026-12-07T10:00:00.000Z\tadmin\tlogin failed from 192.168.1.20 <b>\n`;
const LOG_LINES = 30_000;

const asked: string[] = [];
let rebootRefusal: ControlApiError | undefined;
async function ask(_user: string, action: string): Promise<unknown> {
  asked.push(action);
  if (action === 'update.status') return { configured: true, system: SLOTS };
  if (action === 'firewall.print') return { ruleset: 'table inet tibox {\n  chain input { policy drop; } # <script>\n}' };
  if (action === 'system.listening') return LISTENING;
  if (action === 'system.reboot') {
    if (rebootRefusal) throw rebootRefusal;
    return { rebooting: true };
  }
  throw new Error(`the fake agent has no ${action}`);
}
async function download(_user: string, name: string): Promise<Readable> {
  if (name !== 'security-log') throw new ControlApiError(404, { code: 'TIBOX_NOT_FOUND', message: 'no' });
  return Readable.from((function* () {
    for (let i = 0; i < LOG_LINES / 1000; i++) yield LOG_LINE.repeat(1000);
  })());
}

const logger = memoryLogger();
let certificate: DeviceCertificate;
let servers: WebUiServers;
let port: number;

beforeAll(async () => {
  certificate = createDeviceCertificate(['127.0.0.1'], new Date());
  const app = createApp({ status: async () => SAMPLE_STATUS as unknown as OverviewStatus, ask, download, live: { subscribe: () => () => undefined }, fingerprint: certificate.fingerprint256, accounts, log: logger.log, now: () => new Date('2026-12-07T10:05:30.000Z') });
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

describe('the system page', () => {
  it('shows the version, the slots, the firewall with its ruleset and the services that listen as the agent read them, escaped', async () => {
    const b = await loggedIn();
    const page = await b.get('/system');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<a href="/system" aria-current="page">System</a>');
    expect(page.body).toContain('<dd data-field="version">1.4.2</dd>');
    expect(page.body).toContain('<td>rootfs.0 (A)</td><td>gestartet</td><td>1.4.2</td><td>good</td>');
    expect(page.body).toContain('<strong data-field="firewall-state" class="error">gestört</strong>');
    expect(page.body).toContain('nft -f - exited with 1');
    expect(page.body).toContain('# &lt;script>');
    expect(page.body).toContain('<td>TCP</td><td><code>127.0.0.1</code></td><td>443</td><td>tibox-webui</td><td>an dieser Adresse</td>');
    expect(page.body).toContain('<td>UDP</td><td><code>0.0.0.0</code></td><td>53</td><td>dnsmasq</td><td>an allen Adressen der Box</td>');
    expect(page.body).toContain('<td>8125</td><td></td><td>nur in der Box</td>');
    expect(page.body).toContain('<a href="/password">Passwort ändern</a>');
    expect(page.body).toContain('<a href="/system/security-log" download>');
    expect(page.body).toMatch(/<input type="checkbox" name="confirm" value="yes" required\/>/);
  });

  it('streams the security log whole as a file to keep, larger than any request limit', async () => {
    const b = await loggedIn();
    const log = await b.get('/system/security-log');
    expect(log.status).toBe(200);
    expect(log.headers['content-disposition']).toBe('attachment; filename="tibox-security-log-2026-12-07.txt"');
    expect(log.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(Buffer.byteLength(log.body)).toBe(LOG_LINES * Buffer.byteLength(LOG_LINE));
    expect(Buffer.byteLength(log.body)).toBeGreaterThan(1024 * 1024);
    expect((await new Browser(port, certificate.cert).get('/system/security-log')).headers.location).toBe('/login');
  });

  it('restarts only when the tick box confirms it, and says so; a refusal of the agent in words', async () => {
    const b = await loggedIn();
    const token = Browser.token(await b.get('/system'));
    const unconfirmed = await b.post('/system/reboot', { _csrf: token });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body).toContain('Bitte bestätigen Sie den Neustart mit dem Häkchen.');
    expect(asked).not.toContain('system.reboot');
    const restarted = await b.post('/system/reboot', { _csrf: Browser.token(unconfirmed), confirm: 'yes' });
    expect(restarted.status).toBe(202);
    expect(restarted.body).toContain('Die Box startet neu.');
    expect(asked.filter((a) => a === 'system.reboot')).toHaveLength(1);
    rebootRefusal = new ControlApiError(409, { code: 'TIBOX_REBOOT_UNAVAILABLE', message: 'no' });
    const refused = await b.post('/system/reboot', { _csrf: Browser.token(restarted), confirm: 'yes' });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('Diese Box kann nicht von hier aus neu gestartet werden.');
    rebootRefusal = undefined;
  });

  it('offers the same over the JSON API, the restart with the CSRF header and an explicit confirmation', async () => {
    const b = await loggedIn();
    const headers = { 'X-CSRF-Token': Browser.token(await b.get('/system')) };
    const read = await b.json('GET', '/api/v1/system');
    expect(read.json).toMatchObject({ version: '1.4.2', slots: SLOTS, firewall: { state: 'failed' }, listening: LISTENING });
    const before = asked.filter((a) => a === 'system.reboot').length;
    expect((await b.json('POST', '/api/v1/system/reboot', { confirm: true })).status).toBe(403);
    const unconfirmed = await b.json('POST', '/api/v1/system/reboot', {}, headers);
    expect([unconfirmed.status, (unconfirmed.json as { error: { code: string } }).error.code]).toEqual([400, 'rebootNotConfirmed']);
    expect(asked.filter((a) => a === 'system.reboot').length).toBe(before);
    const restarted = await b.json('POST', '/api/v1/system/reboot', { confirm: true }, headers);
    expect([restarted.status, restarted.json]).toEqual([202, { rebooting: true }]);
  });
});
