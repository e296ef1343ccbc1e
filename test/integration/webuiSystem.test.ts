// The system page against the real agent in the lab, over HTTPS from the PVS host as a browser
// would (curl with a cookie jar): the services it lists are those the box's kernel has listening
// (compared with `ss` in the box's namespace), the firewall is shown active, the security log
// comes down whole through both sockets with the failed and good logins and a config change in
// it, a settings backup is made and checked while a changed or cut one and a wrong passphrase are
// refused, a restart on a lab box without its own system is refused in words, changing nothing, a
// backup checked is restored from its preview, an installation protocol is listed and comes down
// as a PDF, and the factory reset takes the serial number, ends the session, brings the initial
// password back and keeps the security log; one asked for over the control API ends the web UI's
// sessions too.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOX_KEY_FILE } from '../../src/agent/backup/boxKey.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { processRunner } from '../../src/core/runner.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { waitFor } from './waitFor.ts';

const NEW_PASSWORD = 'Praxis-Nord sagt 2026 Hallo!';
const PASSPHRASE = 'Sommer im Wartezimmer 2026';

describe('the system page in the lab', () => {
  let lab: Lab;
  let agent: ControlClient<AgentStatus>;
  let dataDir: string;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    const started = await lab.startAgent();
    const socketPath = started.socketPath;
    dataDir = started.dataDir;
    await lab.startWebui();
    agent = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 10_000 });
    const wrong = await browse('/login');
    await browse('/login', { form: { _csrf: token(wrong.body), user: 'admin', password: 'not the password at all' } });
    const login = await browse('/login');
    await browse('/login', { form: { _csrf: token(login.body), user: 'admin', password: PLAN.provisioning.initialPassword } });
    const forced = await browse('/password');
    const changed = await browse('/password', { form: { _csrf: token(forced.body), oldPassword: PLAN.provisioning.initialPassword, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD } });
    expect(changed.status).toBe(200);
    await agent.action('config.commit', { change: { practice: { name: 'Praxis Dr. Muster' } } });
  }, 120_000);
  afterAll(async () => {
    await lab?.destroy();
  });

  async function browse(path: string, options: { form?: Record<string, string>; upload?: { file: string; fields: Record<string, string> }; output?: string } = {}) {
    const jar = join(lab.dir, 'system-cookies.txt');
    const args = ['-sS', '-k', '-m', '20', '-D', '-', '-b', jar, '-c', jar];
    for (const [k, v] of Object.entries(options.form ?? {})) args.push('--data-urlencode', `${k}=${v}`);
    if (options.upload) {
      for (const [k, v] of Object.entries(options.upload.fields)) args.push('-F', `${k}=${v}`);
      args.push('-F', `backup=@${options.upload.file};filename=sicherung.tibox`);
    }
    if (options.output) args.push('-o', options.output);
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', [...args, `https://${PLAN.practiceLan.box}${path}`], 30_000);
    // A 100 Continue before the answer for uploads: the last head is the answer's.
    const parts = stdout.split('\r\n\r\n');
    while (/^HTTP\/1\.1 100/.test(parts[0] ?? '')) parts.shift();
    const [head = '', ...rest] = parts;
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), head: head.toLowerCase(), body: rest.join('\r\n\r\n') };
  }
  const token = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  /** What `ss` shows listening in the box's namespace, as `proto address port`, sorted. */
  const fromSs = async () => {
    const { stdout } = await lab.exec(lab.names.box, 'ss', ['-H', '-n', '-l', '-t', '-u']);
    // `udp UNCONN 0 0 0.0.0.0%lan0:67 0.0.0.0:*`: IPv6 in brackets, a bound interface after %,
    // and `*` for an IPv6 socket that takes IPv4 too.
    const lines = stdout.trim().split('\n').map((line) => {
      const [proto = '', , , , local = ''] = line.trim().split(/\s+/);
      const at = local.lastIndexOf(':');
      const address = local.slice(0, at).replace(/^\[|\]$/g, '').replace(/%.*$/, '').replace(/^\*$/, '::');
      return `${proto} ${address} ${local.slice(at + 1)}`;
    });
    return [...new Set(lines)].sort();
  };

  it("lists the services the box's kernel has listening, each as ss sees them, and shows the firewall active", async () => {
    const page = await browse('/system');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<strong data-field="firewall-state"[^>]*>aktiv<\/strong>/);
    expect(page.body).toMatch(/<td>TCP<\/td><td><code>[0-9.:]+<\/code><\/td><td>443<\/td>/);
    // Read again until both agree: a DHCP client may open and close a socket between the two reads.
    let listed: { proto: string; address: string; port: number; programs: string[] }[] = [];
    await waitFor(async () => {
      listed = (await agent.action('system.listening')) as typeof listed;
      expect(listed.map((s) => `${s.proto} ${s.address} ${s.port}`).sort()).toEqual(await fromSs());
    }, 10_000, 500);
    // The agent runs as root: it finds the program of every listening socket.
    expect(listed.filter((s) => s.programs.length === 0)).toEqual([]);
    expect(listed.find((s) => s.proto === 'udp' && s.port === 500)?.programs).toEqual(['charon-systemd']);
    for (const service of listed) expect(page.body).toContain(`<td><code>${service.address}</code></td><td>${service.port}</td>`);
  }, 60_000);

  it('hands the security log down whole, with the logins and the config change in it', async () => {
    const log = await browse('/system/security-log');
    expect(log.status).toBe(200);
    expect(log.head).toContain('content-disposition: attachment; filename="tibox-security-log-');
    const lines = log.body.trimEnd().split('\n');
    expect(lines.some((l) => /\tadmin\tlogin failed from 192\.168\.1\.20$/.test(l))).toBe(true);
    expect(lines.some((l) => /\tadmin\tlogin succeeded from 192\.168\.1\.20$/.test(l))).toBe(true);
    expect(lines.some((l) => l.endsWith('\tlocal-cli\tconfig practice.name: "" -> "Praxis Dr. Muster"'))).toBe(true);
    expect(lines.some((l) => /\twebui:admin\twebui\.changePassword /.test(l))).toBe(true);
    expect(log.body).not.toContain(NEW_PASSWORD);
    const times = lines.map((l) => l.split('\t')[0] ?? '');
    expect(times).toEqual([...times].sort());
    // Each reading is audited with who read it; the next one shows it.
    const again = await browse('/system/security-log');
    expect(again.body.split('\n').some((l) => /\twebui:admin\tsecurityLog\.download\b/.test(l))).toBe(true);
  }, 60_000);

  it('lists the installation protocols and hands each down as a PDF in German or English', async () => {
    const made = (await agent.action('protocol.make', {})) as { id: number };
    const page = await browse('/system');
    expect(page.body).toContain(`<a href="/system/protocols/${made.id}.pdf?lang=en" download>PDF auf Englisch</a>`);
    const file = join(lab.dir, 'protocol.pdf');
    const pdf = await browse(`/system/protocols/${made.id}.pdf?lang=en`, { output: file });
    expect(pdf.status).toBe(200);
    expect(pdf.head).toContain('content-type: application/pdf');
    expect(pdf.head).toContain(`content-disposition: attachment; filename="installation-protocol-${made.id}-`);
    const { stdout } = await processRunner.run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    expect(stdout).toContain('Installation protocol');
    expect(stdout).toContain('Praxis Dr. Muster');
    expect(stdout).toContain('No function test was run.');
    // One not kept, or a name that is none, is refused in words.
    expect((await browse(`/system/protocols/${made.id + 1}.pdf`)).status).toBe(404);
    expect((await browse('/system/protocols/..%2Fsecrets.pdf')).status).toBe(404);
    expect((await browse(`/system/protocols/${made.id}.pdf?lang=fr`)).status).toBe(404);
  });

  it('makes a backup that the box signs and its passphrase opens, and refuses a changed one or a wrong passphrase in words, changing nothing', async () => {
    const state = async () => ({ config: await agent.action('config.get'), devices: await agent.action('devices.list'), audit: await agent.action('config.audit', { limit: 1000 }) });
    const before = await state();
    const file = join(lab.dir, 'sicherung.tibox');
    const page = await browse('/system');
    const made = await browse('/system/backup', { form: { _csrf: token(page.body), passphrase: PASSPHRASE, passphraseRepeat: PASSPHRASE }, output: file });
    expect(made.status).toBe(200);
    expect(made.head).toContain('content-disposition: attachment; filename="tibox-backup-tbx-');
    const bytes = readFileSync(file);
    expect(bytes.toString()).not.toContain('Praxis Dr. Muster');
    expect(statSync(join(dataDir, BOX_KEY_FILE)).mode & 0o777).toBe(0o600);
    const checked = await browse('/system/backup/inspect', { upload: { file, fields: { _csrf: token((await browse('/system')).body), passphrase: PASSPHRASE } } });
    expect(checked.status).toBe(200);
    expect(checked.body).toContain('Die Sicherung entspricht den jetzigen Einstellungen und Geräten.');
    const wrong = await browse('/system/backup/inspect', { upload: { file, fields: { _csrf: token(checked.body), passphrase: 'Winter im Wartezimmer 2026' } } });
    expect([wrong.status, wrong.body.includes('Die Passphrase öffnet diese Sicherung nicht.')]).toEqual([422, true]);
    const changed = join(lab.dir, 'geaendert.tibox');
    writeFileSync(changed, bytes.toString().replace('"ciphertext":"', '"ciphertext":"AAAA'));
    const forged = await browse('/system/backup/inspect', { upload: { file: changed, fields: { _csrf: token(wrong.body), passphrase: PASSPHRASE } } });
    expect([forged.status, forged.body.includes('Die Signatur der Sicherung stimmt nicht')]).toEqual([422, true]);
    const cut = join(lab.dir, 'abgeschnitten.tibox');
    writeFileSync(cut, bytes.subarray(0, bytes.length / 2));
    const truncated = await browse('/system/backup/inspect', { upload: { file: cut, fields: { _csrf: token(forged.body), passphrase: PASSPHRASE } } });
    expect([truncated.status, truncated.body.includes('keine lesbare Sicherung')]).toEqual([422, true]);
    expect(await state()).toEqual(before);
    const audited = (await agent.action('audit.list', { limit: 5 })) as { actor: string; action: string }[];
    expect(audited[0]).toMatchObject({ actor: 'webui:admin', action: 'backup.create' });
  }, 60_000);

  it('refuses a restart in words on a box without its own system, and audits nothing', async () => {
    const before = await agent.action('audit.list', { limit: 1000 });
    const page = await browse('/system');
    const unconfirmed = await browse('/system/reboot', { form: { _csrf: token(page.body) } });
    expect(unconfirmed.status).toBe(400);
    const refused = await browse('/system/reboot', { form: { _csrf: token(unconfirmed.body), confirm: 'yes' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('Diese Box kann nicht von hier aus neu gestartet werden.');
    expect(await agent.action('audit.list', { limit: 1000 })).toEqual(before);
    expect((await agent.status()).uptimeS).toBeGreaterThan(0);
  }, 60_000);

  it('restores a backup from its preview, and refuses a restore of nothing checked in words, changing nothing', async () => {
    const state = async () => ({ config: await agent.action('config.get'), devices: await agent.action('devices.list'), audit: await agent.action('config.audit', { limit: 1000 }) });
    const file = join(lab.dir, 'wiederherstellen.tibox');
    const made = await browse('/system/backup', { form: { _csrf: token((await browse('/system')).body), passphrase: PASSPHRASE, passphraseRepeat: PASSPHRASE }, output: file });
    expect(made.status).toBe(200);
    await agent.action('config.commit', { change: { practice: { name: 'Praxis Neu' } } });
    const before = await state();
    // A check refused ends the one before it: nothing is left to restore.
    const wrong = await browse('/system/backup/inspect', { upload: { file, fields: { _csrf: token((await browse('/system')).body), passphrase: 'Winter im Wartezimmer 2026' } } });
    expect(wrong.status).toBe(422);
    expect(wrong.body).not.toContain('action="/system/backup/restore"');
    const nothing = await browse('/system/backup/restore', { form: { _csrf: token(wrong.body) } });
    expect([nothing.status, nothing.body.includes('Die geprüfte Sicherung liegt nicht mehr vor')]).toEqual([409, true]);
    expect(await state()).toEqual(before);

    const checked = await browse('/system/backup/inspect', { upload: { file, fields: { _csrf: token(nothing.body), passphrase: PASSPHRASE } } });
    expect(checked.status).toBe(200);
    expect(checked.body).toContain('<code>practice.name</code>');
    expect(checked.body).not.toContain('name="acceptOtherBox"');
    const restored = await browse('/system/backup/restore', { form: { _csrf: token(checked.body) } });
    expect([restored.status, restored.head]).toEqual([303, expect.stringContaining('location: /system')]);
    expect(((await agent.action('config.get')) as { config: { practice: { name: string } } }).config.practice.name).toBe('Praxis Dr. Muster');
    expect((await browse('/system')).body).toContain('Die Sicherung wurde wiederhergestellt.');
    const audited = (await agent.action('audit.list', { limit: 5 })) as { actor: string; action: string }[];
    expect(audited[0]).toMatchObject({ actor: 'webui:admin', action: 'backup.restore' });
    // Restored once, the backup is no longer held.
    const again = await browse('/system/backup/restore', { form: { _csrf: token((await browse('/system')).body) } });
    expect(again.status).toBe(409);
  }, 60_000);

  it('resets the box only with its serial number, ends the session and keeps the security log', async () => {
    const state = async () => ({ config: await agent.action('config.get'), devices: await agent.action('devices.list'), audit: await agent.action('audit.list', { limit: 1000 }) });
    const before = await state();
    const page = await browse('/system');
    expect(page.body).toContain(PLAN.provisioning.serial);
    const refused = await browse('/system/factory-reset', { form: { _csrf: token(page.body), confirm: 'TBX-99999999' } });
    expect([refused.status, refused.body.includes('Nicht zurückgesetzt')]).toEqual([422, true]);
    expect(await state()).toEqual(before);

    const reset = await browse('/system/factory-reset', { form: { _csrf: token(refused.body), confirm: PLAN.provisioning.serial } });
    expect([reset.status, reset.head]).toEqual([303, expect.stringContaining('location: /login')]);
    expect((await browse('/system')).head).toContain('location: /login');
    expect(((await agent.action('config.get')) as { config: { practice: { name: string } } }).config.practice.name).toBe('');
    const login = await browse('/login');
    const loggedIn = await browse('/login', { form: { _csrf: token(login.body), user: 'admin', password: PLAN.provisioning.initialPassword } });
    expect([loggedIn.status, loggedIn.head]).toEqual([303, expect.stringContaining('location: /password')]);
    const forced = await browse('/password');
    await browse('/password', { form: { _csrf: token(forced.body), oldPassword: PLAN.provisioning.initialPassword, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD } });
    const log = await browse('/system/security-log');
    const lines = log.body.trimEnd().split('\n');
    // What happened before the reset is still there, and the reset with who asked for it.
    expect(lines.some((l) => l.endsWith('\tlocal-cli\tconfig practice.name: "" -> "Praxis Dr. Muster"'))).toBe(true);
    expect(lines.some((l) => /\twebui:admin\tsystem\.factoryReset /.test(l))).toBe(true);

    // A reset asked for elsewhere (`tibox factory-reset`, the control API) ends the web UI's sessions as well.
    expect((await browse('/system')).status).toBe(200);
    await agent.action('system.factoryReset', { confirm: PLAN.provisioning.serial });
    await waitFor(async () => expect((await browse('/system')).head).toContain('location: /login'), 5_000);
  }, 60_000);
});
