// The web UI's pages and JSON API against the real agent in the lab, over HTTPS from the practice
// LAN as a browser would (curl with a cookie jar): the overview following the agent live over
// server-sent events, a profile imported by upload, devices registered, and hostile input (markup
// and control characters in names, 10 kB, oversized, malformed and forged uploads, a missing CSRF
// token) refused in words with the agent's state the same before and after.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { startProcess, type ProcessHandle } from '../../src/core/runner.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { waitFor } from './waitFor.ts';

const NEW_PASSWORD = 'Praxis-Nord sagt 2026 Hallo!';

interface OverviewEvent {
  at: number;
  overview: { verdict: string; chain: { name: string; state: string }[]; tunnel: { state: string; gateway?: string } | null; devices: { name: string }[] };
  html: string;
}

describe('web UI pages in the lab', () => {
  let lab: Lab;
  let socketPath: string;
  let base: string;
  let jar: string;
  let agent: ControlClient<AgentStatus>;
  const streams: ProcessHandle[] = [];

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    ({ socketPath } = await lab.startAgent());
    ({ url: base } = await lab.startWebui());
    base = base.replace(/\/$/, '');
    jar = join(lab.dir, 'pages-cookies.txt');
    agent = new ControlClient<AgentStatus>(socketPath);
    // The first login with the label's password, and its change.
    const login = await browse('/login');
    await browse('/login', { form: { _csrf: token(login.body), user: 'admin', password: PLAN.provisioning.initialPassword } });
    const forced = await browse('/password');
    const changed = await browse('/password', { form: { _csrf: token(forced.body), oldPassword: PLAN.provisioning.initialPassword, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD } });
    expect(changed.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    for (const stream of streams) stream.kill();
    await lab?.destroy();
  });

  /** curl from the PVS host with the session's cookie jar: status, headers and body. */
  async function browse(path: string, options: { form?: Record<string, string>; files?: Record<string, string>; json?: { method: string; body?: unknown; csrf?: string }; raw?: { type: string; body: string } } = {}) {
    const args = ['-sS', '-k', '-m', '20', '-D', '-', '-b', jar, '-c', jar];
    for (const [k, v] of Object.entries(options.form ?? {})) args.push(options.files ? '-F' : '--data-urlencode', `${k}=${v}`);
    for (const [k, file] of Object.entries(options.files ?? {})) args.push('-F', `${k}=@${file};filename=profile.tibox`);
    if (options.json) {
      args.push('-X', options.json.method, '-H', 'Accept: application/json');
      if (options.json.csrf) args.push('-H', `X-CSRF-Token: ${options.json.csrf}`);
      if (options.json.body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(options.json.body));
    }
    if (options.raw) args.push('-H', `Content-Type: ${options.raw.type}`, '--data-binary', options.raw.body);
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', [...args, `${base}${path}`], 30_000);
    // A 100 Continue before the answer for uploads: the last head is the answer's.
    const parts = stdout.split('\r\n\r\n');
    let index = 0;
    while (/^HTTP\/1\.1 100/.test(parts[index] ?? '')) index++;
    const head = parts[index] ?? '';
    const body = parts.slice(index + 1).join('\r\n\r\n');
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), head: head.toLowerCase(), body };
  }
  const token = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

  /** The overview's event stream, read by curl on the PVS host; events collect with the time they came. */
  function follow(): { events: OverviewEvent[] } {
    const events: OverviewEvent[] = [];
    let event = '';
    const onStdoutLine = (line: string) => {
      if (line.startsWith('event: ')) event = line.slice('event: '.length);
      else if (line.startsWith('data: ') && event === 'overview') events.push({ at: Date.now(), ...(JSON.parse(line.slice('data: '.length)) as Omit<OverviewEvent, 'at'>) });
      else if (line === '') event = '';
    };
    streams.push(startProcess('curl', ['-sS', '-k', '-N', '-b', jar, `${base}/api/v1/events`], { netns: lab.names.pvs, onStdoutLine }));
    return { events };
  }

  /** What a refused request must leave as it was. */
  const agentState = async () => ({
    devices: await agent.action('devices.list'),
    profile: await agent.action('profile.show'),
    audit: await agent.action('audit.list', { limit: 1000 }),
    devicesAudit: await agent.action('devices.audit', { limit: 1000 }),
  });

  it('refuses forged, oversized and malformed profile uploads in words and keeps the box as it was, then imports the signed profile by upload and follows the tunnel coming up live', async () => {
    const { events } = follow();
    await waitFor(() => expect(events[0]?.overview.tunnel?.state).toBe('no-profile'), 10_000);
    const before = await agentState();
    const forged = join(lab.dir, 'forged.tibox');
    writeFileSync(forged, '<script>alert(1)</script>');
    const oversized = join(lab.dir, 'oversized.tibox');
    writeFileSync(oversized, Buffer.alloc(300 * 1024, 0x41));
    let page = await browse('/profile');
    expect(page.body).toContain('Es ist noch kein VPN-Profil eingespielt.');
    const refusedForged = await browse('/profile', { form: { _csrf: token(page.body) }, files: { profile: forged } });
    expect(refusedForged.status).toBe(422);
    expect(refusedForged.body).toContain('Die Datei ist kein lesbares VPN-Profil.');
    expect(refusedForged.body).not.toContain('<script>alert');
    const refusedLarge = await browse('/profile', { form: { _csrf: token(refusedForged.body) }, files: { profile: oversized } });
    expect(refusedLarge.status).toBe(413);
    expect(refusedLarge.body).toContain('Die Datei ist größer als 256 KiB');
    const malformed = await browse('/profile', { raw: { type: 'multipart/form-data; boundary=xyz', body: `--xyz\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token(refusedLarge.body)}\r\n--xyz\r\nContent-Disposition: form-data; name="profile"; filename="p"\r\n\r\nabc` } });
    expect(malformed.status).toBe(400);
    page = await browse('/profile');
    const noToken = await browse('/profile', { form: { password: '' }, files: { profile: lab.profiles?.pem ?? '' } });
    expect(noToken.status).toBe(403);
    expect(await agentState()).toEqual(before);

    const imported = await browse('/profile', { form: { _csrf: token(page.body) }, files: { profile: lab.profiles?.pem ?? '' } });
    expect([imported.status, imported.head]).toEqual([303, expect.stringContaining('location: /profile')]);
    const audited = (await agent.action('audit.list', { limit: 1 })) as { actor: string; action: string }[];
    expect(audited[0]).toMatchObject({ actor: 'webui:admin', action: 'profile.import' });
    await waitFor(() => expect(events.at(-1)?.overview.tunnel?.state).toBe('up'), 30_000);
    expect(events.at(-1)?.overview.verdict).toBe('allOk');
    expect(events.at(-1)?.html).toContain('Der Tunnel zum Rechenzentrum trägt Verkehr.');
    const shown = await browse('/profile');
    expect(shown.body).toContain('Das Profil ist eingespielt.');
    expect(shown.body).toMatch(/läuft in \d+ Tagen ab/);
  }, 120_000);

  it('switches the tunnel off and on by the JSON API, and the overview shows each within a second', async () => {
    const { events } = follow();
    await waitFor(() => expect(events[0]?.overview.tunnel?.state).toBe('up'), 10_000);
    const csrf = token((await browse('/profile')).body);
    const refused = await browse('/api/v1/tunnel/down', { json: { method: 'POST', body: {} } });
    expect(refused.status).toBe(403);
    expect((await agent.status()).tunnel.state).toBe('up');
    const asked = Date.now();
    const down = await browse('/api/v1/tunnel/down', { json: { method: 'POST', body: {}, csrf } });
    expect(down.status).toBe(200);
    await waitFor(() => expect(events.at(-1)?.overview.tunnel?.state).toBe('disabled'), 5_000);
    const disabledAt = events.find((e) => e.overview.tunnel?.state === 'disabled')?.at ?? Infinity;
    expect(disabledAt - asked).toBeLessThan(1_000);
    const up = await browse('/api/v1/tunnel/up', { json: { method: 'POST', body: {}, csrf } });
    expect(up.status).toBe(200);
    await waitFor(() => expect(events.at(-1)?.overview.tunnel?.state).toBe('up'), 30_000);
    // The WAN cable pulled: the internet link turns red, and green again once it is back.
    const internet = () => events.at(-1)?.overview.chain.find((link) => link.name === 'internet')?.state;
    await lab.cutWan('carrier', true);
    try {
      // The WAN's warning is raised once the missing link has held a few seconds.
      await waitFor(() => expect(internet()).toBe('down'), 40_000);
      expect(events.at(-1)?.overview.verdict).toBe('internet');
    } finally {
      await lab.cutWan('carrier', false);
    }
    await waitFor(() => expect(events.at(-1)?.overview.verdict).toBe('allOk'), 60_000);
  }, 120_000);

  it('refuses hostile device names (control characters, 10 kB) and a bad MAC in words, changing nothing, registers the PVS host with markup in its name escaped, and shows its setup commands', async () => {
    const before = await agentState();
    const mac = (JSON.parse((await lab.exec(lab.names.pvs, 'ip', ['-j', 'link', 'show', 'eth0'])).stdout) as { address: string }[])[0]?.address ?? '';
    const fields = { kind: 'pvs', name: 'PVS <script>alert(1)</script>', address: PLAN.tiSegment.pvs, mac, cetpPorts: String(PLAN.pvsCetpPort) };
    let page = await browse('/devices');
    for (const [change, text] of [
      [{ name: 'PVS\u0007\u001b[31m' }, 'Der Name darf nur druckbare Zeichen enthalten'],
      [{ name: 'x'.repeat(10_240) }, 'Der Name ist zu lang (höchstens 63 Zeichen).'],
      [{ mac: 'zz:00:00:00:00:01' }, 'Die MAC-Adresse hat nicht die Form'],
      [{ address: '192.168.1.77' }, 'Die Adresse liegt nicht im Teil des TI-Segments für diese Geräteart.'],
    ] as const) {
      const refused = await browse('/devices', { form: { _csrf: token(page.body), ...fields, ...change } });
      expect(refused.status, text).toBeGreaterThanOrEqual(400);
      expect(refused.body, text).toContain(text);
      page = refused;
    }
    const api = await browse('/api/v1/devices', { json: { method: 'POST', body: { ...fields, cetpPorts: [PLAN.pvsCetpPort], name: 'a\nb' }, csrf: token(page.body) } });
    expect([api.status, JSON.parse(api.body)]).toEqual([400, { error: { code: 'nameControl', message: 'Der Name darf nur druckbare Zeichen enthalten (keine Steuerzeichen).' } }]);
    expect(await agentState()).toEqual(before);

    page = await browse('/devices');
    const registered = await browse('/devices', { form: { _csrf: token(page.body), ...fields } });
    expect(registered.status).toBe(303);
    const location = /location: (\/devices\/\d+)/.exec(registered.head)?.[1] ?? '';
    const device = await browse(location);
    expect(device.body).toContain('PVS &lt;script>alert(1)&lt;/script>');
    expect(device.body).not.toContain('<script>alert');
    expect(device.body).toContain('id="setup-windows"');
    expect(device.body).toContain(PLAN.tiSegment.pvs);
    expect(device.body).toContain('Warum blockiert?');
    const audit = (await agent.action('devices.audit', { limit: 1 })) as { actor: string; action: string }[];
    expect(audit[0]).toMatchObject({ actor: 'webui:admin', action: 'register' });
  }, 60_000);

  it('answers the API without a session with 401 in JSON, and nothing at all from the WAN side', async () => {
    const anonymous = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-k', '-m', '5', '-w', '\n%{http_code}', `${base}/api/v1/overview`]);
    expect(anonymous.stdout).toMatch(/"code":"notLoggedIn".*\n401$/s);
    await expect(lab.exec(lab.names.router, 'curl', ['-sS', '-k', '-m', '2', '-o', '/dev/null', `https://${PLAN.boxWan.box}/api/v1/overview`])).rejects.toThrow();
  });
});

