// The network page against the real agent in the lab, over HTTPS from the PVS host as a browser
// would (curl with a cookie jar per address): a change of the box's fixed practice-network address
// left unconfirmed is back in the kernel after its short deadline; one confirmed from the new
// address, after a login there, stays; a WAN gateway outside the WAN subnet is refused with the
// agent's reason and the config, its audit log and the routing table stay as they were.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status.ts';
import type { AuditEntry } from '../../src/agent/store/index.ts';
import { ControlClient } from '../../src/control/client.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { waitFor } from './waitFor.ts';

const NEW_PASSWORD = 'Praxis-Nord sagt 2026 Hallo!';
const FIRST = '169.254.77.1/16';
const MOVED = '169.254.77.9/16';
/** The PVS host's own link-local address, to reach the box's moved one as a service laptop would. */
const PVS_LINK_LOCAL = '169.254.77.50/16';

describe('the network page in the lab', () => {
  let lab: Lab;
  let agent: ControlClient<AgentStatus>;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    const { socketPath } = await lab.startAgent();
    await lab.startWebui();
    agent = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 10_000 });
    const login = await browse('/login');
    await browse('/login', { form: { _csrf: token(login.body), user: 'admin', password: PLAN.provisioning.initialPassword } });
    const forced = await browse('/password');
    const changed = await browse('/password', { form: { _csrf: token(forced.body), oldPassword: PLAN.provisioning.initialPassword, newPassword: NEW_PASSWORD, repeatPassword: NEW_PASSWORD } });
    expect(changed.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await lab?.destroy();
  });

  /** curl from the PVS host at `host` (the box's LAN address unless given), with that host's own cookie jar. */
  async function browse(path: string, options: { form?: Record<string, string>; host?: string } = {}) {
    const host = options.host ?? PLAN.practiceLan.box;
    const jar = join(lab.dir, `network-cookies-${host}.txt`);
    const args = ['-sS', '-k', '-m', '20', '-D', '-', '-b', jar, '-c', jar];
    for (const [k, v] of Object.entries(options.form ?? {})) args.push('--data-urlencode', `${k}=${v}`);
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', [...args, `https://${host}${path}`], 30_000);
    const [head = '', ...rest] = stdout.split('\r\n\r\n');
    return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), head: head.toLowerCase(), body: rest.join('\r\n\r\n') };
  }
  const token = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  /** The network form as the page fills it in, with the changes given. */
  async function submit(fields: Record<string, string>) {
    const page = await browse('/network');
    return await browse('/network', {
      form: { _csrf: token(page.body), wanMode: 'dhcp', wanAddress: '', wanGateway: '', wanResolvers: '', lanFallback: FIRST, terminals: 'term0', timeoutS: '90', ...fields },
    });
  }
  /** The fixed (link-local) addresses on the box's LAN port, as the kernel has them. */
  const fallbacks = async () => {
    const shown = JSON.parse((await lab.exec(lab.names.box, 'ip', ['-j', '-4', 'addr', 'show', 'dev', 'lan0'])).stdout) as { addr_info: { local: string; prefixlen: number }[] }[];
    return (shown[0]?.addr_info ?? []).filter((a) => a.local.startsWith('169.254.')).map((a) => `${a.local}/${a.prefixlen}`);
  };
  const inKernel = (expected: string) => waitFor(async () => expect(await fallbacks()).toEqual([expected]), 15_000, 200);
  /** The fixed address's audit entries after `revision`, oldest first, as [step, actor, new]. */
  const steps = async (revision: number) =>
    ((await agent.action('config.audit', { limit: 50 })) as AuditEntry[])
      .filter((e) => e.path === 'interfaces.lanFallback' && e.revision > revision)
      .reverse()
      .map((e) => [e.step, e.actor, e.new]);
  const revisionNow = async () => ((await agent.action('config.get')) as { revision: number }).revision;

  it('shows the routing table as the kernel holds it, and refuses a WAN gateway outside its subnet with the reason, changing nothing', async () => {
    const page = await browse('/network');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<td><code>default</code></td><td>${PLAN.boxWan.router}</td>`);
    expect(page.body).toContain('<td>Haupttabelle</td><td><code>169.254.0.0/16</code></td><td></td><td>lan0</td><td>169.254.77.1</td><td>kernel</td>');
    const before = { config: await agent.action('config.get'), audit: await agent.action('config.audit', { limit: 1000 }), routes: await agent.action('network.routes') };
    const refused = await submit({ wanMode: 'static', wanAddress: '192.168.178.2/24', wanGateway: '10.9.9.9', wanResolvers: '192.168.178.1' });
    expect(refused.status).toBe(422);
    expect(refused.body).toContain('Die Box hat die Einstellung abgelehnt. Nichts wurde geändert.');
    expect(refused.body).toContain('<strong>Gateway</strong>: 10.9.9.9 is outside the WAN subnet 192.168.178.0/24');
    expect(refused.body).toContain('value="10.9.9.9"');
    expect({ config: await agent.action('config.get'), audit: await agent.action('config.audit', { limit: 1000 }), routes: await agent.action('network.routes') }).toEqual(before);
  }, 60_000);

  it('returns to the previous fixed address by itself when a change is not confirmed by its deadline', async () => {
    await inKernel(FIRST);
    const from = await revisionNow();
    const sent = await submit({ lanFallback: MOVED, timeoutS: '5' });
    expect([sent.status, sent.head]).toEqual([303, expect.stringContaining('location: /network')]);
    await inKernel(MOVED);
    const page = await browse('/network');
    expect(page.body).toContain('Änderung wartet auf Bestätigung');
    expect(page.body).toMatch(/data-countdown="true" data-remaining="[1-5]"/);
    expect(page.body).toContain(`<a href="https://${MOVED.split('/')[0]}/network">`);
    await inKernel(FIRST);
    expect(await steps(from)).toEqual([
      ['pending', 'webui:admin', MOVED],
      ['rollback', 'deadline', FIRST],
    ]);
    expect((await browse('/network')).body).not.toContain('data-countdown');
  }, 60_000);

  it('keeps a change confirmed from the new address after a login there', async () => {
    const from = await revisionNow();
    const sent = await submit({ lanFallback: MOVED, timeoutS: '60' });
    expect(sent.status).toBe(303);
    await inKernel(MOVED);
    await lab.exec(lab.names.pvs, 'ip', ['addr', 'add', PVS_LINK_LOCAL, 'dev', 'eth0']);
    const host = MOVED.split('/')[0] ?? '';
    const login = await browse('/login', { host });
    await browse('/login', { host, form: { _csrf: token(login.body), user: 'admin', password: NEW_PASSWORD } });
    const there = await browse('/network', { host });
    expect(there.body).toContain('Änderung wartet auf Bestätigung');
    expect(there.body).not.toContain(`<a href="https://${host}/network">`);
    const revision = /name="revision" value="(\d+)"/.exec(there.body)?.[1] ?? '';
    const confirmed = await browse('/network/confirm', { host, form: { _csrf: token(there.body), revision } });
    expect(confirmed.status).toBe(303);
    expect((await browse('/network', { host })).body).toContain('Bestätigt: Die Änderung bleibt.');
    expect(await agent.action('config.pending')).toBeNull();
    expect(await steps(from)).toEqual([
      ['pending', 'webui:admin', MOVED],
      ['confirm', 'webui:admin', MOVED],
    ]);
    expect(await fallbacks()).toEqual([MOVED]);
  }, 60_000);
});
