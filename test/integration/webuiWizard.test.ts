// The first-run wizard against the real agent in the lab, over HTTPS from the practice LAN as a
// browser would (curl with a cookie jar): from a fresh box without a profile, through the forced
// password change, the WAN, the profile upload, the TI addresses and the one-click registration
// of the PVS host the box sees, to the practice data; then the PVS host reaches the connector
// through the tunnel, and the box counts as set up. Then a WAN change with fixed values from the
// wizard's WAN step, kept by its confirmation, and another returned by the step's rollback.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { messagesFor } from '../../src/webui/i18n/index.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { waitFor } from './waitFor.ts';

const NEW_PASSWORD = 'Praxis-Nord sagt 2026 Hallo!';
const de = messagesFor('de');

describe('the setup wizard in the lab', () => {
  let lab: Lab;
  let base: string;
  let jar: string;
  let agent: ControlClient<AgentStatus>;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    const { socketPath } = await lab.startAgent();
    ({ url: base } = await lab.startWebui());
    base = base.replace(/\/$/, '');
    jar = join(lab.dir, 'wizard-cookies.txt');
    agent = new ControlClient<AgentStatus>(socketPath);
  }, 120_000);
  afterAll(async () => {
    await lab?.destroy();
  });

  /** curl from the PVS host with the session's cookie jar: status, headers and body. */
  async function browse(path: string, options: { form?: Record<string, string>; file?: string } = {}) {
    const args = ['-sS', '-k', '-m', '20', '-D', '-', '-b', jar, '-c', jar];
    for (const [k, v] of Object.entries(options.form ?? {})) args.push(options.file ? '-F' : '--data-urlencode', `${k}=${v}`);
    if (options.file) args.push('-F', `profile=@${options.file};filename=profile.tibox`);
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', [...args, `${base}${path}`], 30_000);
    const parts = stdout.split('\r\n\r\n');
    let index = 0;
    while (/^HTTP\/1\.1 100/.test(parts[index] ?? '')) index++;
    const head = parts[index] ?? '';
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), location: /^location: (.*)$/im.exec(head)?.[1]?.trim(), body: parts.slice(index + 1).join('\r\n\r\n') };
  }
  const token = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  /** The hidden and filled-in fields of the form in the row the box offers for `mac`. */
  const offerFields = (body: string, mac: string): Record<string, string> => {
    const row = new RegExp(`<tr data-offer="${mac}">(.*?)</tr>`, 's').exec(body)?.[1] ?? '';
    return Object.fromEntries([...row.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
  };
  const reachesConnector = async () => {
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '2', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 5_000);
    expect(stdout).toContain('<ConnectorServices');
  };

  it('takes a fresh box from the label password to a working tunnel and a registered PVS host that reaches the connector', async () => {
    // The first login: the label's password, replaced at once; then on into the wizard.
    const loginPage = await browse('/login');
    const login = await browse('/login', { form: { _csrf: token(loginPage.body), user: 'admin', password: PLAN.provisioning.initialPassword } });
    expect(login.location).toBe('/password');
    const forced = await browse('/password');
    const changed = await browse('/password', { form: { _csrf: token(forced.body), oldPassword: PLAN.provisioning.initialPassword, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD } });
    expect(changed.body).toContain(`<a href="/wizard" rel="next">${de.wizard.password.continue}</a>`);

    // The WAN by DHCP from the practice router works as it is: the step is complete, and the box
    // without a profile stands at the profile step, as the overview says.
    await waitFor(async () => expect((await browse('/wizard')).location).toBe('/wizard/profile'), 30_000);
    const overview = await browse('/overview');
    expect(overview.body).toContain(de.wizard.banner(de.wizard.steps.profile));
    const wan = await browse('/wizard/wan');
    expect(wan.body).toContain(de.wizard.wan.working);
    const kept = await browse('/wizard/wan', { form: { _csrf: token(wan.body), mode: 'dhcp', address: '', gateway: '', resolvers: '' } });
    expect(kept.location).toBe('/wizard/wan');
    expect(await agent.action('config.pending')).toBeNull();

    // The lab's signed profile, uploaded: the tunnel comes up and the TI addresses are checked.
    const profilePage = await browse('/wizard/profile');
    const imported = await browse('/wizard/profile', { form: { _csrf: token(profilePage.body) }, file: lab.profiles?.pem ?? '' });
    expect(imported.location).toBe('/wizard/segment');
    const segment = await browse('/wizard/segment');
    expect(segment.body).toContain(`<dd><code>${PLAN.tiSegment.lanHalf}</code></dd>`);
    expect(segment.body).toContain(`<dd><code>${PLAN.tiSegment.lanGateway}</code></dd>`);
    expect(segment.body).toContain(de.wizard.segment.clean);
    await waitFor(async () => expect((await agent.status()).tunnel.state).toBe('up'), 30_000);

    // The PVS host, set up with its TI address as the commands say, is seen by the box on the LAN
    // port and offered under that address; one click registers it.
    const pvsMac = (JSON.parse((await lab.netns.ip(lab.names.pvs, '-j', 'link', 'show', 'eth0')).stdout) as { address: string }[])[0]?.address ?? '';
    await lab.exec(lab.names.pvs, 'ping', ['-c', '1', '-W', '1', '-I', PLAN.tiSegment.pvs, PLAN.tiSegment.lanGateway]).catch(() => undefined);
    let devices = await browse('/wizard/devices');
    await waitFor(async () => {
      devices = await browse('/wizard/devices');
      expect(offerFields(devices.body, pvsMac)).toMatchObject({ kind: 'pvs', mac: pvsMac, address: PLAN.tiSegment.pvs });
    }, 15_000);
    const registered = await browse('/wizard/devices', { form: { ...offerFields(devices.body, pvsMac), _csrf: token(devices.body), cetpPorts: String(PLAN.pvsCetpPort) } });
    expect(registered.location).toBe('/wizard/devices');
    expect(await agent.action('devices.list')).toMatchObject([{ kind: 'pvs', address: PLAN.tiSegment.pvs, mac: pvsMac, cetpPorts: [PLAN.pvsCetpPort] }]);
    const audit = (await agent.action('devices.audit', { limit: 1 })) as { actor: string }[];
    expect(audit[0]?.actor).toBe('webui:admin');
    const setup = await browse('/wizard/devices');
    expect(setup.body).toContain(de.wizard.devices.setup);
    expect(setup.body).toContain(PLAN.tiSegment.pvs);
    await waitFor(reachesConnector, 15_000);

    // The practice data; then the box is set up, the overview says nothing of a setup, and the
    // next login goes to the overview.
    const practice = await browse('/wizard/practice');
    const saved = await browse('/wizard/practice', { form: { _csrf: token(practice.body), name: 'Praxis Dr. Muster', street: '', postalCode: '10115', city: 'Berlin', bsnr: '', installerName: 'Erika Beispiel', installerCompany: '' } });
    expect(saved.location).toBe('/wizard/done');
    const done = await browse('/wizard/done');
    expect(done.body).toContain(de.wizard.done.complete);
    expect(done.body).toContain(de.check.start);
    expect(((await agent.action('config.get')) as { config: { practice: { name: string } } }).config.practice.name).toBe('Praxis Dr. Muster');
    expect((await browse('/overview')).body).not.toContain('data-field="setup-incomplete"');
    const logout = await browse('/overview');
    await browse('/logout', { form: { _csrf: token(logout.body) } });
    const again = await browse('/login');
    expect((await browse('/login', { form: { _csrf: token(again.body), user: 'admin', password: NEW_PASSWORD } })).location).toBe('/overview');
  }, 240_000);

  it('applies fixed WAN values as a pending change that stays once confirmed from the WAN step, and returns a later change when asked', async () => {
    const wan = await browse('/wizard/wan');
    const fixed = { mode: 'static', address: `${PLAN.boxWan.box}/24`, gateway: PLAN.boxWan.router, resolvers: PLAN.boxWan.router };
    const applied = await browse('/wizard/wan', { form: { _csrf: token(wan.body), ...fixed } });
    expect(applied.location).toBe('/wizard/wan');
    const pending = await browse('/wizard/wan');
    expect(pending.body).toContain(de.wizard.wan.saved);
    expect(pending.body).toContain('data-field="pending"');
    const revision = /name="revision" value="(\d+)"/.exec(pending.body)?.[1];
    expect((await agent.action('config.pending')) as { revision: number }).toMatchObject({ revision: Number(revision) });
    const confirmed = await browse('/wizard/wan/confirm', { form: { _csrf: token(pending.body), revision: revision ?? '' } });
    expect(confirmed.location).toBe('/wizard/wan');
    expect(await agent.action('config.pending')).toBeNull();
    const config = async () => ((await agent.action('config.get')) as { config: { wan: { mode: string; address: string } } }).config.wan;
    expect(await config()).toMatchObject({ mode: 'static', address: `${PLAN.boxWan.box}/24` });

    const kept = await browse('/wizard/wan');
    expect(kept.body).toContain(de.wizard.wan.confirmed);
    await browse('/wizard/wan', { form: { _csrf: token(kept.body), mode: 'dhcp', address: '', gateway: '', resolvers: '' } });
    const second = await browse('/wizard/wan');
    expect((await config()).mode).toBe('dhcp');
    const rolledBack = await browse('/wizard/wan/rollback', { form: { _csrf: token(second.body) } });
    expect(rolledBack.location).toBe('/wizard/wan');
    expect(await agent.action('config.pending')).toBeNull();
    expect((await config()).mode).toBe('static');
    expect((await browse('/wizard/wan')).body).toContain(de.wizard.wan.rolledBack);
  }, 120_000);
});
