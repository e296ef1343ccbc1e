// The system page and its API over real HTTPS against the app with a fake agent: the firmware's
// version and slots, the firewall's state and ruleset, the services that listen as the agent read
// them, the security log streamed through whole (larger than any request limit), and the restart
// only once the tick box confirms it, refused in words where the agent refuses it; a backup checked
// and then restored from its preview (another box's only with the tick), and the factory reset
// only with the serial number typed, ending the session. A reset the agent announces, however it
// was asked for and even when its profile step failed, ends every session and drops every held backup.
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
const BACKUP_BYTES = Buffer.from('{"header":"sealed"}\n');
const PASSPHRASE = 'Sommer im Wartezimmer 2026';
const restores: unknown[] = [];
/** The app's listeners for the agent's announcement of a factory reset, as the live overview calls them. */
const resetListeners = new Set<() => void>();
const announceReset = () => {
  for (const listener of resetListeners) listener();
};
const live = {
  subscribe: () => () => undefined,
  onReset: (listener: () => void) => {
    resetListeners.add(listener);
    return () => resetListeners.delete(listener);
  },
};
/** The next reset's profile step fails after its database part, as charon not answering makes it. */
let profileStepFails = false;
async function ask(_user: string, action: string, args?: unknown): Promise<unknown> {
  asked.push(action);
  if (action === 'backup.create') {
    if ((args as { passphrase: string }).passphrase.length < 16) throw new ControlApiError(422, { code: 'TIBOX_BACKUP_PASSPHRASE', message: 'short' });
    return { name: 'tibox-backup-TBX-00012345-2026-12-07.tibox', file: BACKUP_BYTES.toString('base64') };
  }
  if (action === 'backup.inspect') {
    const { file, passphrase } = args as { file: string; passphrase: string };
    if (Buffer.from(file, 'base64').toString() !== BACKUP_BYTES.toString()) throw new ControlApiError(422, { code: 'TIBOX_BACKUP_MALFORMED', message: 'no' });
    if (passphrase !== PASSPHRASE) throw new ControlApiError(422, { code: 'TIBOX_BACKUP_WRONG_PASSPHRASE', message: 'no' });
    return {
      createdAt: '2026-12-07T09:00:00.000Z',
      box: { serial: 'TBX-00099999', name: 'Alte Box <i>' },
      otherBox: { backup: { serial: 'TBX-00099999', name: 'Alte Box <i>' }, thisBox: { serial: 'TBX-00012345', name: 'Empfang' } },
      changes: [{ path: 'practice.name', now: '', restored: 'Praxis Dr. Muster' }],
      devices: { added: ['PVS Empfang'], removed: [], changed: [] },
    };
  }
  if (action === 'backup.restore') {
    const { acceptOtherBox, ...rest } = args as { file: string; passphrase: string; acceptOtherBox: boolean };
    restores.push(rest);
    if (!acceptOtherBox) throw new ControlApiError(409, { code: 'TIBOX_BACKUP_OTHER_BOX', message: 'another box' });
    return { ...(await ask(_user, 'backup.inspect', rest) as object), revision: 7, pending: { revision: 7, deadline: '2026-12-07T10:07:00.000Z' } };
  }
  if (action === 'system.factoryReset') {
    if ((args as { confirm: string }).confirm !== 'TBX-00012345') throw new ControlApiError(422, { code: 'TIBOX_FACTORY_RESET_NOT_CONFIRMED', message: 'no' });
    // The agent announces the reset on its event stream before it removes the profile.
    announceReset();
    if (profileStepFails) throw new ControlApiError(500, { code: 'TIBOX_ACTION_FAILED', message: 'the settings were reset, but the VPN profile was not removed' });
    return { revision: 8 };
  }
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
  const app = createApp({ status: async () => SAMPLE_STATUS as unknown as OverviewStatus, ask, download, live, fingerprint: certificate.fingerprint256, accounts, log: logger.log, now: () => new Date('2026-12-07T10:05:30.000Z') });
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
    expect(page.body).toContain('<td>rootfs.0 (A)</td><td>gestartet</td><td>1.4.2</td><td>in Ordnung</td>');
    expect(page.body).toContain('<td>rootfs.1 (B)</td><td>inaktiv</td><td>1.4.1</td><td>in Ordnung</td>');
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

  it('makes a backup only with the passphrase twice the same, and hands it down as a file', async () => {
    const b = await loggedIn();
    const before = asked.filter((a) => a === 'backup.create').length;
    const mismatch = await b.post('/system/backup', { _csrf: Browser.token(await b.get('/system')), passphrase: PASSPHRASE, passphraseRepeat: `${PASSPHRASE}!` });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toContain('Die beiden Passphrasen stimmen nicht überein.');
    expect(asked.filter((a) => a === 'backup.create').length).toBe(before);
    const short = await b.post('/system/backup', { _csrf: Browser.token(mismatch), passphrase: 'zu kurz', passphraseRepeat: 'zu kurz' });
    expect([short.status, short.body.includes('Die Passphrase muss mindestens 16 Zeichen lang sein.')]).toEqual([422, true]);
    const made = await b.post('/system/backup', { _csrf: Browser.token(short), passphrase: PASSPHRASE, passphraseRepeat: PASSPHRASE });
    expect(made.status).toBe(200);
    expect(made.headers['content-disposition']).toBe('attachment; filename="tibox-backup-TBX-00012345-2026-12-07.tibox"');
    expect(made.body).toBe(BACKUP_BYTES.toString());
  });

  it('checks a backup and shows what it would change, warning with both boxes named when another box made it; bad uploads are refused in words', async () => {
    const b = await loggedIn();
    const file = { field: 'backup', name: 'sicherung.tibox', content: BACKUP_BYTES };
    let token = Browser.token(await b.get('/system'));
    const checked = await b.multipart('/system/backup/inspect', { _csrf: token, passphrase: PASSPHRASE }, file);
    expect(checked.status).toBe(200);
    expect(checked.body).toContain('Achtung: Diese Sicherung stammt von einer anderen Box (Alte Box &lt;i> (TBX-00099999)), nicht von dieser (Empfang (TBX-00012345)).');
    expect(checked.body).toContain('<tr><td><code>practice.name</code></td><td></td><td>Praxis Dr. Muster</td></tr>');
    expect(checked.body).toContain('Geräte, die hinzukämen: PVS Empfang');
    token = Browser.token(checked);
    const wrong = await b.multipart('/system/backup/inspect', { _csrf: token, passphrase: 'Winter im Wartezimmer 2026' }, file);
    expect([wrong.status, wrong.body.includes('Die Passphrase öffnet diese Sicherung nicht.')]).toEqual([422, true]);
    const large = await b.multipart('/system/backup/inspect', { _csrf: Browser.token(wrong), passphrase: PASSPHRASE }, { ...file, content: Buffer.alloc(600 * 1024, 0x41) });
    expect([large.status, large.body.includes('Die Datei ist größer als 512 KiB')]).toEqual([413, true]);
    const none = await b.multipart('/system/backup/inspect', { _csrf: Browser.token(large), passphrase: PASSPHRASE });
    expect([none.status, none.body.includes('Bitte wählen Sie eine Sicherungsdatei aus.')]).toEqual([400, true]);
    const inspected = asked.filter((a) => a === 'backup.inspect').length;
    const forged = await b.multipart('/system/backup/inspect', { passphrase: PASSPHRASE }, file);
    expect(forged.status).toBe(403);
    expect(asked.filter((a) => a === 'backup.inspect').length).toBe(inspected);
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

  it('restores the backup just checked from its preview, another box\'s only with the tick, and says a network change awaits confirmation', async () => {
    const b = await loggedIn();
    const nothing = await b.post('/system/backup/restore', { _csrf: Browser.token(await b.get('/system')) });
    expect([nothing.status, nothing.body.includes('Die geprüfte Sicherung liegt nicht mehr vor')]).toEqual([409, true]);
    const checked = await b.multipart('/system/backup/inspect', { _csrf: Browser.token(nothing), passphrase: PASSPHRASE }, { field: 'backup', name: 'sicherung.tibox', content: BACKUP_BYTES });
    expect(checked.body).toContain('<form method="post" action="/system/backup/restore"');
    expect(checked.body).toContain('Diese Box (Empfang (TBX-00012345)) ersetzt die Box Alte Box &lt;i> (TBX-00099999); ihre Sicherung soll hier gelten.');
    const unticked = await b.post('/system/backup/restore', { _csrf: Browser.token(checked) });
    expect([unticked.status, unticked.body.includes('Bestätigen Sie mit dem Häkchen, dass diese Box die andere ersetzt.')]).toEqual([409, true]);
    // Refused, the preview and its form are there again.
    expect(unticked.body).toContain('name="acceptOtherBox"');
    const restored = await b.post('/system/backup/restore', { _csrf: Browser.token(unticked), acceptOtherBox: 'yes' });
    expect([restored.status, restored.headers.location]).toEqual([303, '/system']);
    expect(restores.at(-1)).toEqual({ file: BACKUP_BYTES.toString('base64'), passphrase: PASSPHRASE });
    expect((await b.get('/system')).body).toContain('Sie ändert Netzwerkeinstellungen: Bestätigen Sie diese auf der Seite „Netzwerk“');
    const again = await b.post('/system/backup/restore', { _csrf: Browser.token(await b.get('/system')), acceptOtherBox: 'yes' });
    expect(again.status).toBe(409);
  });

  it('resets the box only with its serial number typed, then ends the session', async () => {
    const b = await loggedIn();
    const page = await b.get('/system');
    expect(page.body).toContain('Zur Bestätigung die Seriennummer der Box eingeben: TBX-00012345');
    const refused = await b.post('/system/factory-reset', { _csrf: Browser.token(page), confirm: 'TBX-1' });
    expect([refused.status, refused.body.includes('Nicht zurückgesetzt')]).toEqual([422, true]);
    const reset = await b.post('/system/factory-reset', { _csrf: Browser.token(refused), confirm: 'TBX-00012345' });
    expect([reset.status, reset.headers.location]).toEqual([303, '/login']);
    expect((await b.get('/system')).headers.location).toBe('/login');
  });

  it('ends every session and drops every held backup when the agent announces a reset asked for elsewhere', async () => {
    const [b, other] = [await loggedIn(), await loggedIn()];
    const checked = await b.multipart('/system/backup/inspect', { _csrf: Browser.token(await b.get('/system')), passphrase: PASSPHRASE }, { field: 'backup', name: 'sicherung.tibox', content: BACKUP_BYTES });
    expect(checked.status).toBe(200);
    // `tibox factory-reset` on the box, or system.factoryReset over the control API.
    announceReset();
    expect((await b.get('/system')).headers.location).toBe('/login');
    expect((await other.json('GET', '/api/v1/system')).status).toBe(401);
    // Logged in again with the initial password, the backup checked before the reset is gone.
    const again = await loggedIn();
    const nothing = await again.post('/system/backup/restore', { _csrf: Browser.token(await again.get('/system')), acceptOtherBox: 'yes' });
    expect(nothing.status).toBe(409);
  });

  it('ends every session when a reset from this page fails at its profile step', async () => {
    const [b, other] = [await loggedIn(), await loggedIn()];
    profileStepFails = true;
    try {
      const failed = await b.post('/system/factory-reset', { _csrf: Browser.token(await b.get('/system')), confirm: 'TBX-00012345' });
      expect(failed.status).toBe(500);
    } finally {
      profileStepFails = false;
    }
    expect((await b.get('/system')).headers.location).toBe('/login');
    expect((await other.get('/system')).headers.location).toBe('/login');
  });

  it('offers backup, check, restore and reset over the JSON API', async () => {
    const b = await loggedIn();
    const token = Browser.token(await b.get('/system'));
    const headers = { 'X-CSRF-Token': token };
    const made = await b.json('POST', '/api/v1/system/backup', { passphrase: PASSPHRASE }, headers);
    expect([made.status, made.json]).toEqual([200, { name: 'tibox-backup-TBX-00012345-2026-12-07.tibox', file: BACKUP_BYTES.toString('base64') }]);
    expect((await b.json('POST', '/api/v1/system/backup', { passphrase: PASSPHRASE, extra: 1 }, headers)).status).toBe(400);
    const file = { field: 'backup', name: 'sicherung.tibox', content: BACKUP_BYTES };
    const checked = await b.multipart('/api/v1/system/backup/inspect', { _csrf: token, passphrase: PASSPHRASE }, file);
    expect(JSON.parse(checked.body)).toMatchObject({ otherBox: { backup: { serial: 'TBX-00099999' } } });
    const unaccepted = await b.multipart('/api/v1/system/backup/restore', { _csrf: token, passphrase: PASSPHRASE }, file);
    expect([unaccepted.status, (JSON.parse(unaccepted.body) as { error: { code: string } }).error.code]).toEqual([409, 'TIBOX_BACKUP_OTHER_BOX']);
    const restored = await b.multipart('/api/v1/system/backup/restore', { _csrf: token, passphrase: PASSPHRASE, acceptOtherBox: 'true' }, file);
    expect(JSON.parse(restored.body)).toMatchObject({ revision: 7, pending: { revision: 7 } });
    const refused = await b.json('POST', '/api/v1/system/factory-reset', { confirm: 'TBX-1' }, headers);
    expect([refused.status, (refused.json as { error: { code: string } }).error.code]).toEqual([422, 'TIBOX_FACTORY_RESET_NOT_CONFIRMED']);
    const reset = await b.json('POST', '/api/v1/system/factory-reset', { confirm: 'TBX-00012345' }, headers);
    expect([reset.status, reset.json]).toEqual([200, { revision: 8 }]);
    expect((await b.json('GET', '/api/v1/system')).status).toBe(401);
  });
});
