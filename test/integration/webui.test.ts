// The web UI in the lab's box namespace, next to the agent, as on the box: its own process as
// user tibox-web, HTTPS on the LAN side with the device certificate whose fingerprint
// `tibox status` shows, plain HTTP redirected, nothing on the WAN side, reachable on a box without
// a profile, and a public status page that reveals nothing but the chain.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { processRunner } from '../../src/core/runner.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import type { Supervised } from '../lab/supervisor.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');

describe('web UI in the lab', () => {
  let lab: Lab;
  let socketPath: string;
  let webui: Supervised;
  let url: string;
  let fingerprint256: string;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    ({ socketPath } = await lab.startAgent());
    ({ webui, url, fingerprint256 } = await lab.startWebui());
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  const status = async (): Promise<AgentStatus> => JSON.parse((await processRunner.run(tibox, ['--socket', socketPath, 'status', '--json'])).stdout) as AgentStatus;
  /** curl from the PVS host on the practice LAN: headers and body. */
  const fetchFrom = async (ns: string, target: string, extra: string[] = []) => {
    const { stdout } = await lab.exec(ns, 'curl', ['-sS', '-k', '-m', '3', '-D', '-', ...extra, target]);
    const [head = '', body = ''] = stdout.split('\r\n\r\n');
    return { head: head.toLowerCase(), body };
  };

  it('runs as user tibox-web, not root', () => {
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${webui.pid}/status`, 'utf8'))?.[1];
    expect(uid).toBe(/^tibox-web:x:(\d+):/m.exec(readFileSync('/etc/passwd', 'utf8'))?.[1]);
  });

  it('answers HTTPS on the practice LAN on a box without a profile, with strict headers and its fingerprint, and tibox status shows the same fingerprint', async () => {
    expect((await status()).tunnel.state).toBe('no-profile');
    const { head, body } = await fetchFrom(lab.names.pvs, url);
    expect(head).toMatch(/^http\/1\.1 200 ok/);
    expect(head).toContain("content-security-policy: default-src 'self';script-src 'self';style-src 'self'");
    expect(head).toContain('x-frame-options: deny');
    expect(head).toContain('strict-transport-security: max-age=31536000');
    expect(body).toContain('Es ist noch kein VPN-Profil eingespielt.');
    expect(body).toContain(fingerprint256);
    expect((await status()).webui.certificateSha256).toBe(fingerprint256);
    const text = (await processRunner.run(tibox, ['--socket', socketPath, 'status'], { env: { ...process.env, LANG: 'en_US.UTF-8' } })).stdout;
    expect(text).toContain(fingerprint256);
  });

  it('redirects plain HTTP on the LAN to HTTPS', async () => {
    const { head } = await fetchFrom(lab.names.pvs, `http://${PLAN.practiceLan.box}/status`);
    expect(head).toMatch(/^http\/1\.1 301/);
    expect(head).toContain(`location: https://${PLAN.practiceLan.box}/status`);
  });

  it('answers nothing on the WAN side, neither HTTPS nor HTTP', async () => {
    for (const target of [`https://${PLAN.boxWan.box}/`, `http://${PLAN.boxWan.box}/`]) {
      await expect(lab.exec(lab.names.router, 'curl', ['-sS', '-k', '-m', '2', '-o', '/dev/null', target]), target).rejects.toThrow();
    }
  });

  it('refuses TLS 1.1 and a CBC suite', async () => {
    await expect(lab.exec(lab.names.pvs, 'curl', ['-sS', '-k', '-m', '3', '-o', '/dev/null', '--tls-max', '1.1', url])).rejects.toThrow();
    await expect(lab.exec(lab.names.pvs, 'curl', ['-sS', '-k', '-m', '3', '-o', '/dev/null', '--tls-max', '1.2', '--ciphers', 'ECDHE-RSA-AES128-SHA256', url])).rejects.toThrow();
  });

  it('logs in with the initial password only to change it, refuses a dictionary word and a post without CSRF token, and the agent audits the change as the web UI user', async () => {
    const jar = join(lab.dir, 'webui-cookies.txt');
    const browse = (path: string, form?: Record<string, string>) =>
      fetchFrom(lab.names.pvs, `${url.replace(/\/$/, '')}${path}`, ['-b', jar, '-c', jar, ...Object.entries(form ?? {}).flatMap(([k, v]) => ['--data-urlencode', `${k}=${v}`])]);
    const token = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
    const login = await browse('/login');
    expect(login.body).toContain(fingerprint256);
    const wrong = await browse('/login', { _csrf: token(login.body), user: 'admin', password: 'not the password' });
    expect(wrong.head).toMatch(/^http\/1\.1 401/);
    const right = await browse('/login', { _csrf: token(wrong.body), user: 'admin', password: PLAN.provisioning.initialPassword });
    expect(right.head).toMatch(/^http\/1\.1 303/);
    expect(right.head).toContain('location: /password');
    expect(right.head).toMatch(/set-cookie: __host-tibox-session=[^;]+; path=\/; expires=[^;]+; httponly; secure; samesite=strict/);
    const page = await browse('/password');
    expect(page.body).toContain('Bitte ersetzen Sie das Passwort vom Etikett der Box');
    const noToken = await browse('/password', { oldPassword: PLAN.provisioning.initialPassword, newPassword: 'Praxis-Nord sagt 2026 Hallo!', repeatPassword: 'Praxis-Nord sagt 2026 Hallo!' });
    expect(noToken.head).toMatch(/^http\/1\.1 403/);
    const weak = await browse('/password', { _csrf: token(page.body), oldPassword: PLAN.provisioning.initialPassword, newPassword: 'Sonnenblume1', repeatPassword: 'Sonnenblume1' });
    expect(weak.head).toMatch(/^http\/1\.1 422/);
    const changed = await browse('/password', { _csrf: token(weak.body), oldPassword: PLAN.provisioning.initialPassword, newPassword: 'Praxis-Nord sagt 2026 Hallo!', repeatPassword: 'Praxis-Nord sagt 2026 Hallo!' });
    expect(changed.head).toMatch(/^http\/1\.1 200/);
    const audited = (await new ControlClient<AgentStatus>(socketPath).action('audit.list', { limit: 1 })) as { actor: string; action: string; detail: unknown }[];
    expect(audited).toEqual([expect.objectContaining({ actor: 'webui:admin', action: 'webui.changePassword', detail: { user: 'admin' } })]);
    // The initial password no longer logs in.
    const again = await browse('/logout', { _csrf: token(changed.body) });
    expect(again.head).toMatch(/^http\/1\.1 303/);
    const form = await browse('/login');
    const refused = await browse('/login', { _csrf: token(form.body), user: 'admin', password: PLAN.provisioning.initialPassword });
    expect(refused.head).toMatch(/^http\/1\.1 401/);
    // The new one does, and the page after it tells of the failure since the previous login.
    expect((await browse('/login', { _csrf: token(refused.body), user: 'admin', password: 'Praxis-Nord sagt 2026 Hallo!' })).head).toContain('location: /');
    expect((await browse('/')).body).toMatch(/Seit Ihrer letzten Anmeldung \([^)]+\) gab es 1 fehlgeschlagenen Anmeldeversuch\./);
  });

  it('shows the datacenter reached once a profile is in, and still no address, name or profile detail', async () => {
    await lab.importProfile();
    await waitFor(async () => expect((await status()).tunnel.state).toBe('up'), 20_000);
    const { body } = await fetchFrom(lab.names.pvs, url);
    expect(body).toContain('Der Tunnel zum Rechenzentrum trägt Verkehr.');
    for (const secret of [PLAN.gw1.public, PLAN.gw2.public, PLAN.gw1.id, PLAN.boxId, PLAN.provisioning.serial, PLAN.tiSegment.prefix, PLAN.ti.connector, PLAN.boxWan.box]) {
      expect(body, secret).not.toContain(secret);
    }
    // The web UI still answers on the LAN side once the full ruleset is loaded.
    expect((await fetchFrom(lab.names.pvs, `http://${PLAN.practiceLan.box}/`)).head).toMatch(/^http\/1\.1 301/);
  });
});
