// The agent in the lab's box namespace, as on the box: the fail-closed state is in the kernel
// before it starts, the CLI on the host reaches it through its socket, it survives being killed
// (its supervisor restarts it) without touching charon, and SIGTERM stops it cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import type { Supervised } from '../lab/supervisor.ts';
import { processRunner } from '../../src/core/runner.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { parseUserId } from '../../src/control/group.ts';
import { DEFAULT_WEBUI_USER } from '../../src/control/socketPath.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');

const RUNNING_WITHOUT_PROFILE = [
  ['config', 'running'],
  ['provisioning', 'running'],
  ['clock', 'running'],
  ['firewall', 'running'],
  ['ti-routes', 'running'],
  ['wan', 'running'],
  ['lan', 'running'],
  ['practice-dhcp', 'running'],
  ['wan-in-lan', 'running'],
  ['dnsmasq', 'running'],
  ['charon', 'running'],
  ['tunnel', 'degraded'],
  ['path-mtu', 'running'],
  ['inventory', 'running'],
  ['updater', 'running'],
  ['profile', 'degraded'],
  ['control', 'running'],
  ['control-webui', 'running'],
];

const ipv4Number = (address: string) => address.split('.').reduce((n, byte) => n * 256 + Number(byte), 0);

describe('agent in the lab', () => {
  let lab: Lab;
  let agent: Supervised;
  let socketPath: string;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    ({ agent, socketPath } = await lab.startAgent());
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  const status = async (): Promise<AgentStatus> => {
    const { stdout } = await processRunner.run(tibox, ['--socket', socketPath, 'status', '--json']);
    return JSON.parse(stdout) as AgentStatus;
  };

  it('finds the fail-closed baseline in the kernel: nothing is forwarded', async () => {
    const { stdout } = await lab.exec(lab.names.box, 'nft', ['list', 'chain', 'inet', 'tibox', 'forward']);
    expect(stdout).toContain('policy drop');
    await expect(
      lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '2', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds]),
    ).rejects.toThrow();
  });

  it('answers `tibox status --json` from the host', async () => {
    // chronyd needs a moment to follow the lab's NTP server; until then the clock warns. Without a
    // profile the TI is out of reach, which the health list says once the tunnel's grace is over.
    // Without a profile the box waits, fail closed, for the installer to import one; dnsmasq and the
    // DHCP client, which their services start once the agent has written their files, run.
    const s = await waitFor(async () => {
      const now = await status();
      expect(now.health.map((w) => w.code)).toEqual(['tunnel.noProfile']);
      expect(now.subsystems.map((x) => [x.name, x.state])).toEqual(RUNNING_WITHOUT_PROFILE);
      return now;
    }, 20_000);
    expect(s.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(s.subsystems.find((x) => x.name === 'dnsmasq')?.detail).toBe('nothing to serve');
    // The WAN by DHCP from the practice router, as on a box fresh from the factory.
    expect(s.subsystems.find((x) => x.name === 'wan')?.detail).toMatch(
      new RegExp(`^wan0 dhcp ${PLAN.boxWan.box}/24 via ${PLAN.boxWan.router}, lease until \\S+, DNS ${PLAN.boxWan.router}$`),
    );
    expect(s.tunnel.state).toBe('no-profile');
    // The lab's factory step ran before the agent's first start.
    expect(s.provisioning).toEqual({ state: 'provisioned', serial: PLAN.provisioning.serial, provisionedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('takes a practice-LAN address from the practice router by DHCP before any profile, so the installer can reach it', async () => {
    const [first, last] = PLAN.practiceLan.dhcpRange.map(ipv4Number) as [number, number];
    await waitFor(async () => {
      const links = JSON.parse((await lab.exec(lab.names.box, 'ip', ['-j', '-4', 'addr', 'show', 'lan0'])).stdout) as { addr_info: { local: string }[] }[];
      const leased = (links[0]?.addr_info ?? []).map((a) => ipv4Number(a.local)).filter((n) => n >= first && n <= last);
      expect(leased).toHaveLength(1);
    }, 15_000);
  });

  it('prints a human status', async () => {
    const { stdout } = await processRunner.run(tibox, ['--socket', socketPath, 'status']);
    expect(stdout).toMatch(/^tibox \d+\.\d+\.\d+, up /);
    expect(stdout.split('\n')[1]).toMatch(new RegExp(`^Serial number: ${PLAN.provisioning.serial} \\(provisioned \\d{4}-\\d\\d-\\d\\dT[^)]+\\)$`));
    expect(stdout).toMatch(/control\s+running/);
  });

  it('takes the practice data through `tibox config set`, in one revision, and shows it back', async () => {
    const cli = (...args: string[]) => processRunner.run(tibox, ['--socket', socketPath, 'config', ...args], { okCodes: [0, 1, 2] });
    const set = await cli('set', 'practice.name=Praxis Dr. Muster', 'practice.street=Hauptstraße 12a', 'practice.postalCode=01067',
      'practice.city=Dresden', 'practice.bsnr=021234500', 'practice.installerName=Jörg Schmidt', 'practice.installerCompany=Praxis-IT Sachsen GmbH');
    expect([set.code, set.stderr]).toEqual([0, '']);
    const revision = Number(/^Committed revision (\d+):\n/.exec(set.stdout)?.[1]);
    expect(set.stdout.split('\n')).toHaveLength(7 + 2);
    expect((await cli('show', 'practice')).stdout).toBe([
      "practice.name='Praxis Dr. Muster'", "practice.street='Hauptstraße 12a'", 'practice.postalCode=01067', 'practice.city=Dresden',
      'practice.bsnr=021234500', "practice.installerName='Jörg Schmidt'", "practice.installerCompany='Praxis-IT Sachsen GmbH'", '',
    ].join('\n'));
    const audit = await cli('audit', '--json', '--limit', '7');
    expect((JSON.parse(audit.stdout) as { revision: number; path: string }[]).map((e) => [e.revision, e.path]).sort()).toEqual(
      ['bsnr', 'city', 'installerCompany', 'installerName', 'name', 'postalCode', 'street'].map((f) => [revision, `practice.${f}`]),
    );

    // A bad BSNR beside a good change: refused with the reason, nothing changed.
    const refused = await cli('set', 'practice.city=Leipzig', 'practice.bsnr=02123450');
    expect([refused.code, refused.stdout]).toEqual([1, '']);
    expect(refused.stderr).toBe('tibox: the configuration change was refused: practice.bsnr must be the 9 digits of the operating-site number (BSNR), such as 021234500, or empty\n');
    const after = JSON.parse((await cli('show', 'practice', '--json')).stdout) as { revision: number; settings: Record<string, string> };
    expect([after.revision, after.settings['practice.city'], after.settings['practice.bsnr']]).toEqual([revision, 'Dresden', '021234500']);
  });

  it('leaves exactly one dnsmasq and one DHCP client on each of the LAN and the WAN port, the same ones, however often it is killed', async () => {
    const components = lab.boxComponents();
    const [dnsmasq, client, wanClient] = [components.dnsmasq.pid, components.dhcpClient.pid, components.wanDhcpClient.pid];
    for (let kill = 1; kill <= 3; kill++) {
      const before = agent.pid;
      lab.killAgent();
      await waitFor(async () => {
        expect(agent.pid).not.toBe(before);
        expect((await status()).subsystems.filter((x) => ['control', 'dnsmasq', 'practice-dhcp', 'wan'].includes(x.name)).map((x) => x.state)).toEqual(['running', 'running', 'running', 'running']);
      }, 15_000, 200);
    }
    expect(await lab.boxProcesses(/^dnsmasq /)).toEqual([dnsmasq]);
    expect((await lab.boxProcesses(/^busybox udhcpc /)).sort()).toEqual([client, wanClient].sort());
  });

  it('comes back after a crash, with the box charon untouched and the config kept', async () => {
    const control = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 5_000 });
    const committed = (await control.action('config.commit', { change: { box: { name: 'Praxis Dr. Muster' } } })) as { revision: number };
    const charonPid = lab.boxCharon?.process.pid;
    const agentPid = agent.pid;
    agent.kill('SIGKILL');
    await waitFor(async () => {
      expect(agent.pid).not.toBe(agentPid);
      expect((await status()).subsystems.find((x) => x.name === 'control')?.state).toBe('running');
    }, 15_000, 200);
    expect(lab.boxCharon?.process.pid).toBe(charonPid);
    const current = (await control.action('config.get', {})) as { revision: number; config: { box: { name: string } } };
    expect(current.revision).toBe(committed.revision);
    expect(current.config.box.name).toBe('Praxis Dr. Muster');
  });

  it("records the web UI user its own socket names, and profile imports, in the audit log; the CLI's socket stays local-cli", async () => {
    const webuiSocket = lab.webuiSocket();
    const st = statSync(webuiSocket);
    expect([st.isSocket(), st.mode & 0o777, st.uid]).toEqual([true, 0o600, parseUserId(readFileSync('/etc/passwd', 'utf8'), DEFAULT_WEBUI_USER)]);
    const webui = new ControlClient<AgentStatus>(webuiSocket, { timeoutMs: 5_000 });
    await expect(webui.action('config.commit', { change: { box: { name: 'Anonym' } } })).rejects.toMatchObject({ code: 'TIBOX_CONTROL_ACTOR_MISSING' });
    const asAdmin = webui.actingFor('admin');
    const committed = (await asAdmin.action('config.commit', { change: { box: { name: 'Praxis Nord' } } })) as { revision: number };
    const cli = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 5_000 });
    const audit = (await cli.action('config.audit', { limit: 1 })) as { revision: number; actor: string; path: string }[];
    expect(audit).toEqual([expect.objectContaining({ revision: committed.revision, actor: 'webui:admin', path: 'box.name' })]);
    await expect(cli.actingFor('admin').action('config.get')).rejects.toMatchObject({ code: 'TIBOX_CONTROL_ACTOR_REFUSED' });

    const profile = readFileSync(lab.describe().profile?.pem ?? '').toString('base64');
    const imported = (await asAdmin.action('profile.import', { profile })) as { boxId: string };
    const actions = (await cli.action('audit.list', { limit: 5 })) as { actor: string; action: string; detail: Record<string, unknown> }[];
    expect(actions[0]).toMatchObject({ actor: 'webui:admin', action: 'profile.import', detail: { boxId: imported.boxId } });
  });

  it('stops cleanly on SIGTERM and removes its socket, leaving the fail-closed state in place', async () => {
    const exit = await agent.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(existsSync(socketPath)).toBe(false);
    const { stdout } = await lab.exec(lab.names.box, 'nft', ['list', 'chain', 'inet', 'tibox', 'forward']);
    expect(stdout).toContain('policy drop');
  });
});
