// The web UI's app over real HTTPS with the device certificate: security headers on every answer,
// the public status page revealing nothing but the chain, escaping, the language switch, and the
// redirect from plain HTTP.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type ConnectionOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlApiError } from '../../../src/control/client.ts';
import { createApp, createDeviceCertificate, WebUiServers, type DeviceCertificate, type OverviewStatus } from '../../../src/webui/index.ts';
import type { Accounts } from '../../../src/webui/auth/accounts.ts';
import { ConcurrencyLimit } from '../../../src/webui/auth/concurrencyLimit.ts';
import { formatTime, messagesFor } from '../../../src/webui/i18n/index.ts';
import { memoryLogger, SAMPLE_STATUS } from '../control/helpers.ts';
import { Browser, type Answer } from './browser.ts';

const INITIAL = 'k7mq-3xtr-9pfa-uw4e';
/** The agent's account checks, faked: the initial password until changed. */
const account = { password: INITIAL, changed: false, logins: 0, failed: 0 };
const accounts: Accounts = {
  login: async (user, password, source) => {
    account.logins++;
    expect(source).toBe('127.0.0.1');
    const ok = user === 'admin' && password === account.password;
    const failedSince = account.failed;
    account.failed = ok ? 0 : account.failed + 1;
    return { ok, mustChange: ok && !account.changed, passwordChangedAt: null, ...(ok ? { failedSince, previousLogin: '2025-05-02T08:00:00.000Z' } : {}) };
  },
  changePassword: async (_user, oldPassword, newPassword) => {
    if (oldPassword !== account.password) throw new ControlApiError(403, { code: 'TIBOX_WEBUI_WRONG_PASSWORD', message: 'the current password is wrong' });
    Object.assign(account, { password: newPassword, changed: true });
    return { passwordChangedAt: new Date().toISOString() };
  },
};

const logger = memoryLogger();
/** One password check at a time and none waiting, so a test can hold the only place. */
const strengthChecks = new ConcurrencyLimit({ running: 1, waiting: 0 });
let certificate: DeviceCertificate;
let servers: WebUiServers;
let status: OverviewStatus | Error = SAMPLE_STATUS;
let port: number;
let httpPort: number;

beforeAll(async () => {
  certificate = createDeviceCertificate(['127.0.0.1'], new Date());
  const app = createApp({
    status: async () => {
      if (status instanceof Error) throw status;
      return status;
    },
    // The pages behind the login have their own tests (pages.test.ts): no device, no live updates.
    ask: async (_user, action) => (action === 'devices.list' || action === 'devices.neighbours' ? [] : null),
    live: { subscribe: () => () => undefined, onReset: () => () => undefined },
    fingerprint: certificate.fingerprint256,
    accounts,
    log: logger.log,
    now: () => new Date('2025-05-02T10:05:30.000Z'),
    strengthChecks,
  });
  servers = new WebUiServers();
  await servers.start(app, certificate, { host: '127.0.0.1', httpsPort: 0, httpPort: 0 });
  port = servers.httpsPort() ?? 0;
  httpPort = servers.httpPort() ?? 0;
});
afterAll(async () => {
  // No request may have failed unseen.
  expect(logger.lines().filter((l) => Number(l.level) >= 50)).toEqual([]);
  await servers.stop();
});

function get(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, ca: certificate.cert, servername: 'tibox.local' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function form(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const body = new URLSearchParams(fields).toString();
  return get(path, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)), ...headers } });
}

describe('the web UI app', () => {
  it('sends strict security headers on every answer: CSP self only and no inline, no framing, no sniffing, no referrer, HSTS', async () => {
    for (const path of ['/', '/assets/style.css', '/nowhere']) {
      const { headers } = await get(path);
      expect(headers['content-security-policy'], path).toBe(
        "default-src 'self';script-src 'self';style-src 'self';img-src 'self';font-src 'self';connect-src 'self';object-src 'none';base-uri 'none';form-action 'self';frame-ancestors 'none'",
      );
      expect(headers['x-content-type-options'], path).toBe('nosniff');
      expect(headers['x-frame-options'], path).toBe('DENY');
      expect(headers['referrer-policy'], path).toBe('no-referrer');
      expect(headers['strict-transport-security'], path).toBe('max-age=31536000');
      expect(headers['cross-origin-opener-policy'], path).toBe('same-origin');
      expect(headers['x-powered-by'], path).toBeUndefined();
    }
    expect((await get('/')).headers['cache-control']).toBe('no-store');
  });

  it('shows the chain in German by default, with the certificate fingerprint, and no address, gateway or serial number', async () => {
    const { status: code, body, headers } = await get('/');
    expect(code).toBe(200);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(body).toMatch(/^<!doctype html><html lang="de">/);
    expect(body).toContain('Liegt es an uns, am Internet, am Rechenzentrum oder an der TI?');
    expect(body).toContain('data-link="datacenter"');
    expect(body).toContain(certificate.fingerprint256);
    for (const secret of ['192.0.2.10', '198.51.100.10', '192.168.1.2', '10.77.12.1', 'TBX-00012345', 'database', 'firewall']) expect(body).not.toContain(secret);
    expect(body).not.toMatch(/<script|style=/);
  });

  it('puts the fault at the box when the agent does not answer', async () => {
    status = new Error('the tibox agent is not running');
    try {
      const { status: code, body } = await get('/');
      expect(code).toBe(200);
      expect(body).toContain('Die Störung liegt an der Box in der Praxis.');
      expect(body).not.toContain('not running');
    } finally {
      status = SAMPLE_STATUS;
    }
  });

  it('switches to English by a form post from its own page, kept in a __Host- cookie', async () => {
    const switched = await form('/language', { language: 'en', return: '/' }, { Origin: `https://127.0.0.1:${port}`, Host: `127.0.0.1:${port}` });
    expect([switched.status, switched.headers.location]).toEqual([303, '/']);
    const cookie = String(switched.headers['set-cookie']);
    expect(cookie).toMatch(/^__Host-lang=en; Max-Age=31536000; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
    const { body } = await get('/', { headers: { Cookie: '__Host-lang=en' } });
    expect(body).toMatch(/^<!doctype html><html lang="en">/);
    expect(body).toContain('Is it us, the internet, the datacenter or the TI?');
  });

  it("switches from its own page whose no-referrer policy makes the browser send 'Origin: null', by Sec-Fetch-Site; a null origin from elsewhere is refused", async () => {
    const own = await form('/language', { language: 'en', return: '/' }, { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' });
    expect([own.status, own.headers.location]).toEqual([303, '/']);
    expect(String(own.headers['set-cookie'])).toMatch(/^__Host-lang=en;/);
    for (const site of ['cross-site', 'same-site', undefined]) {
      const refused = await form('/language', { language: 'en' }, { Origin: 'null', ...(site ? { 'Sec-Fetch-Site': site } : {}) });
      expect([refused.status, refused.headers['set-cookie']], String(site)).toEqual([403, undefined]);
    }
  });

  it('refuses the switch from another site, returns only to its own paths, and takes only its languages', async () => {
    const foreign = await form('/language', { language: 'en' }, { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['set-cookie']).toBeUndefined();
    expect(foreign.body).toContain('Die Anfrage kam nicht von einer Seite dieser Box');
    for (const target of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      expect((await form('/language', { language: 'en', return: target })).headers.location, target).toBe('/');
    }
    expect(String((await form('/language', { language: '<script>' })).headers['set-cookie'])).toMatch(/^__Host-lang=de;/);
  });

  it('serves its icon at /favicon.ico, where browsers look by themselves, and at the address every page links', async () => {
    const page = await get('/');
    expect(page.body).toContain('<link rel="icon" href="/assets/icon.svg" type="image/svg+xml"/>');
    for (const path of ['/favicon.ico', '/assets/icon.svg']) {
      const icon = await get(path);
      expect([icon.status, icon.headers['content-type']], path).toEqual([200, 'image/svg+xml; charset=utf-8']);
      expect(icon.body, path).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*>[\s\S]*<\/svg>\n$/);
      expect(icon.body, path).not.toMatch(/<script|href=|style=/);
      expect(icon.headers['content-security-policy'], path).toContain("default-src 'self'");
    }
  });

  it('answers an unknown page with 404 in the page language, and escapes what the request carried', async () => {
    const { status: code, body } = await get('/%3Cscript%3Ealert(1)%3C/script%3E', { headers: { Cookie: '__Host-lang=en' } });
    expect(code).toBe(404);
    expect(body).toContain('There is no such page.');
    expect(body).not.toContain('<script>');
  });

  it('refuses a form body larger than its limit without changing anything', async () => {
    const answer = await form('/language', { language: 'en', return: '/', pad: 'x'.repeat(17_000) });
    expect(answer.status).toBe(413);
    expect(answer.headers['set-cookie']).toBeUndefined();
  });
});

/** A visitor with a cookie jar of its own. */
const visitor = () => new Browser(port, certificate.cert);

describe('login and the password', () => {
  it('forces a change at the first login with the initial password, refuses a dictionary word, then lets the user in', async () => {
    const browser = visitor();
    const loggedIn = await browser.login(INITIAL);
    expect([loggedIn.status, loggedIn.headers.location]).toEqual([303, '/password']);
    expect(String(loggedIn.headers['set-cookie'])).toMatch(/__Host-tibox-session=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict/);
    expect((await browser.get('/')).headers.location).toBe('/password');
    const page = await browser.get('/password');
    // Nothing but the password change is taken with the label's password.
    const early = await browser.post('/devices', { _csrf: Browser.token(page), kind: 'pvs', name: 'PVS', address: '10.77.12.10', mac: '02:00:00:00:00:10' });
    expect(early.status).toBe(403);
    expect(early.body).toContain('Bitte zuerst das Passwort vom Etikett ändern.');
    expect(page.body).toContain('Bitte ersetzen Sie das Passwort vom Etikett der Box');
    const weak = await browser.post('/password', { _csrf: Browser.token(page), oldPassword: INITIAL, newPassword: 'Sonnenblume1', repeatPassword: 'Sonnenblume1' });
    expect(weak.status).toBe(422);
    expect(weak.body).toContain('zu leicht zu erraten');
    expect(account.changed).toBe(false);
    const strong = 'Praxis-Nord sagt 2026 Hallo!';
    const changed = await browser.post('/password', { _csrf: Browser.token(weak), oldPassword: INITIAL, newPassword: strong, repeatPassword: strong });
    expect(changed.status).toBe(200);
    expect(changed.body).toContain('Das Passwort ist geändert.');
    expect((await browser.get('/')).status).toBe(200);
  });

  it('refuses a state change without a CSRF token, with a foreign one, and a logged-out session replayed', async () => {
    const browser = visitor();
    expect((await browser.login(account.password)).status).toBe(303);
    const page = await browser.get('/');
    const noToken = await browser.post('/logout', {});
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('Das Formular ist abgelaufen');
    const other = visitor();
    await other.login(account.password);
    const foreign = await browser.post('/logout', { _csrf: Browser.token(await other.get('/')) });
    expect(foreign.status).toBe(403);
    const stolen = new Map(browser.cookies);
    expect((await browser.post('/logout', { _csrf: Browser.token(page) })).status).toBe(303);
    const replay = visitor();
    replay.cookies = stolen;
    expect((await replay.get('/password')).headers.location).toBe('/login');
    expect((await replay.post('/password', { _csrf: Browser.token(page), oldPassword: account.password, newPassword: 'x', repeatPassword: 'x' })).status).toBe(403);
  });

  it('ends the other sessions when the password changes, and needs the old password for it', async () => {
    const [first, second] = [visitor(), visitor()];
    await first.login(account.password);
    await second.login(account.password);
    const page = await first.get('/password');
    const wrong = await first.post('/password', { _csrf: Browser.token(page), oldPassword: 'not it', newPassword: 'Zweiter Satz mit 2027 Wörtern', repeatPassword: 'Zweiter Satz mit 2027 Wörtern' });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toContain('Das bisherige Passwort ist falsch.');
    const ok = await first.post('/password', { _csrf: Browser.token(wrong), oldPassword: account.password, newPassword: 'Zweiter Satz mit 2027 Wörtern', repeatPassword: 'Zweiter Satz mit 2027 Wörtern' });
    expect(ok.status).toBe(200);
    expect((await second.get('/password')).headers.location).toBe('/login');
    expect((await first.get('/password')).status).toBe(200);
  });

  it('keeps the failed logins before a first login through the forced password change: on the password page, then once on the page after', async () => {
    // The agent's login log counted two failures before the first login with the label's password.
    Object.assign(account, { password: INITIAL, changed: false, failed: 2 });
    const news = messagesFor('de').login.since(2, formatTime('de', '2025-05-02T08:00:00.000Z'));
    expect(news).toContain('2 fehlgeschlagene');
    const browser = visitor();
    expect((await browser.login(INITIAL)).headers.location).toBe('/password');
    const forced = await browser.get('/password');
    expect(forced.body).toContain(news);
    // Our own files are served all the same, the icon too, not sent to the password page.
    expect((await browser.get('/favicon.ico')).status).toBe(200);
    const next = 'Vierter Satz mit 2029 Wörtern';
    const weak = await browser.post('/password', { _csrf: Browser.token(forced), oldPassword: INITIAL, newPassword: 'Sonnenblume1', repeatPassword: 'Sonnenblume1' });
    expect(weak.body).toContain(news);
    const changed = await browser.post('/password', { _csrf: Browser.token(weak), oldPassword: INITIAL, newPassword: next, repeatPassword: next });
    expect(changed.status).toBe(200);
    const landing = await browser.get('/overview');
    expect(landing.status).toBe(200);
    expect(landing.body).toContain(news);
    expect((await browser.get('/overview')).body).not.toContain(news);
    expect((await browser.get('/password')).body).not.toContain(news);
  });

  it('refuses a password change with "busy, try again" in the page language while the checks are full, and changes nothing', async () => {
    const browser = visitor();
    await browser.login(account.password);
    const before = account.password;
    const next = 'Dritter Satz mit 2028 Wörtern';
    let release = () => undefined as void;
    const holding = strengthChecks.run(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      const page = await browser.get('/password');
      const busy = await browser.post('/password', { _csrf: Browser.token(page), oldPassword: before, newPassword: next, repeatPassword: next });
      expect([busy.status, busy.headers['retry-after']]).toEqual([503, '5']);
      expect(busy.body).toContain('Die Box prüft gerade andere Passwörter. Bitte versuchen Sie es in ein paar Sekunden noch einmal.');
      browser.cookies.set('__Host-lang', 'en');
      const english = await browser.post('/password', { _csrf: Browser.token(busy), oldPassword: before, newPassword: next, repeatPassword: next });
      expect(english.status).toBe(503);
      expect(english.body).toContain('The box is busy checking other passwords. Please try again in a few seconds.');
      expect(account.password).toBe(before);
    } finally {
      release();
      await holding;
    }
    const retried = await browser.post('/password', { _csrf: Browser.token(await browser.get('/password')), oldPassword: before, newPassword: next, repeatPassword: next });
    expect(retried.status).toBe(200);
    expect(account.password).toBe(next);
  });

  it('slows failed logins down per account, and says only that user name or password is wrong', async () => {
    const browser = visitor();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const failed = await browser.login('wrong password');
      times.push(Date.now() - started);
      expect(failed.status).toBe(401);
      expect(failed.body).toContain('Benutzername oder Passwort ist falsch.');
    }
    // The fourth failure waits a second, the fifth two.
    expect(times[3]).toBeGreaterThanOrEqual(900);
    expect(times[4]).toBeGreaterThanOrEqual(1_900);
  });
});

describe('the HTTPS listener', () => {
  const handshake = (options: ConnectionOptions) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca: certificate.cert, servername: 'tibox.local', ...options }, () => {
        const result = `${socket.getProtocol()} ${socket.getCipher().name}`;
        socket.end();
        resolve(result);
      });
      socket.on('error', reject);
    });

  it('speaks TLS 1.3 and 1.2 with AES-GCM and ECDHE only', async () => {
    expect(await handshake({})).toBe('TLSv1.3 TLS_AES_256_GCM_SHA384');
    expect(await handshake({ maxVersion: 'TLSv1.2' })).toBe('TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384');
  });

  it('refuses TLS 1.1, CBC, plain RSA key exchange and ChaCha20', async () => {
    await expect(handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' })).rejects.toThrow();
    for (const cipher of ['ECDHE-RSA-AES128-SHA256', 'AES128-GCM-SHA256', 'ECDHE-RSA-CHACHA20-POLY1305']) {
      await expect(handshake({ maxVersion: 'TLSv1.2', ciphers: cipher }), cipher).rejects.toThrow();
    }
  });
});

describe('plain HTTP', () => {
  const plain = (path: string, host: string) =>
    new Promise<Answer>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: httpPort, path, headers: { Host: host } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }));
      });
      req.on('error', reject);
      req.end();
    });

  it('redirects to the same path over HTTPS, to the box\'s name or the address asked, never to another host', async () => {
    expect((await plain('/status?x=1', 'tibox.local')).headers.location).toBe(`https://tibox.local:${port}/status?x=1`);
    expect((await plain('/', '127.0.0.1')).headers.location).toBe(`https://127.0.0.1:${port}/`);
    const foreign = await plain('/', 'evil.example');
    expect([foreign.status, foreign.headers.location]).toEqual([301, `https://127.0.0.1:${port}/`]);
  });
});
