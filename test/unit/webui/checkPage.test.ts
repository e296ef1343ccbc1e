// The function test's page and its API over real HTTPS against the app with a fake agent whose
// check.run the test finishes when it wants: the button starts the run and the page says it is
// running (and loads itself again) until it is done; then each check shows its verdict as a word
// and a sign as well as a colour, its value and, on a warning or fault, the fix, in German and in
// English. A second press while it runs starts nothing more; a bad form asks nothing of the agent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlApiError } from '../../../src/control/client.ts';
import { createApp, createDeviceCertificate, WebUiServers, type DeviceCertificate, type OverviewStatus } from '../../../src/webui/index.ts';
import type { Accounts } from '../../../src/webui/auth/accounts.ts';
import type { CheckResultView } from '../../../src/webui/status/checkView.ts';
import { memoryLogger, SAMPLE_STATUS } from '../control/helpers.ts';
import { Browser } from './browser.ts';

const PASSWORD = 'Praxis-Nord sagt 2026 Hallo!';
const accounts: Accounts = {
  login: async (user, password) => ({ ok: user === 'admin' && password === PASSWORD, mustChange: false, passwordChangedAt: null, failedSince: 0, previousLogin: null }),
  changePassword: async () => ({ passwordChangedAt: new Date().toISOString() }),
};

const RESULT: CheckResultView = {
  startedAt: '2026-12-07T10:05:00.000Z',
  finishedAt: '2026-12-07T10:05:12.000Z',
  actor: 'admin',
  verdict: 'fail',
  checks: [
    { id: 'wan', number: 1, title: { de: 'WAN', en: 'WAN' }, verdict: 'pass', value: 'wan0 up, 192.168.178.2/24 <dhcp>', fix: { de: 'nie gezeigt', en: 'never shown' } },
    { id: 'mtu', number: 6, title: { de: 'Paketgröße (MTU)', en: 'Packet size (MTU)' }, verdict: 'warn', value: 'path MTU 1380', fix: { de: 'MTU 1380 einstellen.', en: 'Set the MTU to 1380.' } },
    { id: 'connector', number: 8, title: { de: 'Konnektor', en: 'Connector' }, verdict: 'fail', value: '100.64.10.10: ECONNREFUSED', fix: { de: 'Den Konnektor einschalten.', en: 'Switch the connector on.' } },
    { id: 'tiDns', number: 9, title: { de: 'TI-DNS', en: 'TI DNS' }, verdict: 'skipped', value: 'no tunnel', note: { de: 'Weiterleitung an 10.77.12.1.', en: 'Forward to 10.77.12.1.' } },
  ],
};

const asked: string[] = [];
let last: CheckResultView | null = null;
/** Finishes the run under way: with a result, or with an error. */
let finish: ((outcome: CheckResultView | Error) => void) | undefined;
async function ask(_user: string, action: string): Promise<unknown> {
  asked.push(action);
  if (action === 'check.last') return last;
  if (action === 'check.run') {
    const outcome = await new Promise<CheckResultView | Error>((resolve) => (finish = resolve));
    finish = undefined;
    if (outcome instanceof Error) throw outcome;
    return (last = outcome);
  }
  throw new Error(`the fake agent has no ${action}`);
}

const logger = memoryLogger();
let certificate: DeviceCertificate;
let servers: WebUiServers;
let port: number;

beforeAll(async () => {
  certificate = createDeviceCertificate(['127.0.0.1'], new Date());
  const app = createApp({ status: async () => SAMPLE_STATUS as unknown as OverviewStatus, ask, live: { subscribe: () => () => undefined, onReset: () => () => undefined }, fingerprint: certificate.fingerprint256, accounts, log: logger.log });
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
const runs = () => asked.filter((a) => a === 'check.run').length;
/** Until the fake agent's check.run has been asked and waits to be finished. */
async function runUnderWay(): Promise<(outcome: CheckResultView | Error) => void> {
  await expect.poll(() => finish !== undefined).toBe(true);
  return finish as (outcome: CheckResultView | Error) => void;
}

describe('the function test page', () => {
  it('is in the navigation and says no test has run yet, with the button', async () => {
    const b = await loggedIn();
    const page = await b.get('/check');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<a href="/check" aria-current="page">Funktionstest</a>');
    expect(page.body).toContain('<p data-field="check-none">Auf dieser Box wurde noch kein Funktionstest ausgeführt.</p>');
    expect(page.body).toContain('<button type="submit" data-action="run-check">Funktionstest starten</button>');
    expect(page.body).not.toContain('http-equiv="refresh"');
    expect((await new Browser(port, certificate.cert).get('/check')).headers.location).toBe('/login');
  });

  it('runs the test from the button, says it is running until it is done, then shows each verdict in words, sign and colour with its fix', async () => {
    const b = await loggedIn();
    const started = await b.post('/check', { _csrf: Browser.token(await b.get('/check')) });
    expect([started.status, started.headers.location]).toEqual([303, '/check']);
    const done = await runUnderWay();
    const running = await b.get('/check');
    expect(running.body).toContain('<meta http-equiv="refresh" content="2"/>');
    expect(running.body).toContain('<p class="running" role="status" data-field="check-running">Der Funktionstest läuft (bis zu 30 Sekunden).');
    expect(running.body).not.toContain('data-action="run-check"');
    // A second press while it runs (a page still open from before) starts nothing more.
    expect((await b.post('/check', { _csrf: Browser.token(await b.get('/overview')) })).status).toBe(303);
    expect(runs()).toBe(1);

    done(RESULT);
    await expect.poll(async () => (await b.get('/check')).body).not.toContain('data-field="check-running"');
    const page = await b.get('/check');
    expect(page.body).not.toContain('http-equiv="refresh"');
    expect(page.body).toContain('<p class="verdict check-fail" data-field="check-verdict" data-verdict="fail"><span class="sign" aria-hidden="true">✘</span> Nicht bestanden: Bitte beheben Sie die markierten Fehler</p>');
    expect(page.body).toContain('<p data-field="check-when">Letzter Test: 07.12.2026');
    const row = (id: string) => new RegExp(`<tr data-check="${id}"[^]*?</tr>`).exec(page.body)?.[0];
    expect(row('wan')).toContain('<td class="check-pass" data-field="verdict"><span class="sign" aria-hidden="true">✔</span> Bestanden</td><td data-field="value">wan0 up, 192.168.178.2/24 &lt;dhcp></td>');
    expect(row('wan')).not.toContain('nie gezeigt');
    expect(row('mtu')).toContain('<span class="sign" aria-hidden="true">⚠</span> Hinweis</td>');
    expect(row('mtu')).toContain('<p data-field="fix">MTU 1380 einstellen.</p>');
    expect(row('connector')).toContain('<th scope="row">Konnektor</th><td class="check-fail" data-field="verdict"><span class="sign" aria-hidden="true">✘</span> Fehler</td><td data-field="value">100.64.10.10: ECONNREFUSED</td><td><p data-field="fix">Den Konnektor einschalten.</p></td>');
    expect(row('tiDns')).toContain('<span class="sign" aria-hidden="true">–</span> Nicht geprüft</td>');
    expect(row('tiDns')).toContain('<p data-field="note">Weiterleitung an 10.77.12.1.</p>');
    expect(page.body).toContain('<button type="submit" data-action="run-check">Funktionstest erneut starten</button>');

    await b.post('/language', { language: 'en', return: '/check' });
    const english = await b.get('/check');
    expect(english.body).toContain('<span class="sign" aria-hidden="true">✘</span> Failed: please fix the marked faults</p>');
    expect(english.body).toContain('<th scope="row">Connector</th><td class="check-fail" data-field="verdict"><span class="sign" aria-hidden="true">✘</span> Fault</td>');
    expect(english.body).toContain('<p data-field="fix">Switch the connector on.</p>');
  });

  it('says so when the agent gives no result, and refuses a bad form without asking the agent', async () => {
    const b = await loggedIn();
    const before = asked.length;
    const bad = await b.post('/check', { _csrf: Browser.token(await b.get('/check')), return: 'https://evil.example/' });
    expect(bad.status).toBe(400);
    expect(asked.slice(before).filter((a) => a === 'check.run')).toEqual([]);

    const started = await b.post('/check', { _csrf: Browser.token(await b.get('/check')), return: '/wizard/done' });
    expect([started.status, started.headers.location]).toEqual([303, '/wizard/done']);
    (await runUnderWay())(new ControlApiError(504, { code: 'TIBOX_CONTROL_TIMEOUT', message: 'no answer' }));
    await expect.poll(async () => (await b.get('/check')).body).toContain('<p class="error" role="alert" data-field="check-failed">Der Funktionstest konnte nicht ausgeführt werden');
    // The last result the agent kept is still shown.
    expect((await b.get('/check')).body).toContain('data-verdict="fail"');
  });

  it('runs over the JSON API with the CSRF header and answers the result; GET answers the last and whether one runs', async () => {
    const b = await loggedIn();
    const headers = { 'X-CSRF-Token': Browser.token(await b.get('/check')) };
    expect((await b.json('POST', '/api/v1/check', {})).status).toBe(403);
    expect((await b.json('POST', '/api/v1/check', { fast: true }, headers)).status).toBe(400);
    const before = runs();
    const answer = b.json('POST', '/api/v1/check', {}, headers);
    const done = await runUnderWay();
    expect((await b.json('GET', '/api/v1/check')).json).toMatchObject({ running: true, last: { verdict: 'fail' } });
    done({ ...RESULT, verdict: 'pass', checks: [] });
    expect((await answer).json).toEqual({ ...RESULT, verdict: 'pass', checks: [] });
    expect(runs()).toBe(before + 1);
    expect((await b.json('GET', '/api/v1/check')).json).toEqual({ running: false, last: { ...RESULT, verdict: 'pass', checks: [] } });
  });
});
