// The WAN port in the lab, as an installer meets it: the practice router serves the box's WAN by
// DHCP; the installer sets it static and back to DHCP, each a network change confirmed in time,
// and the tunnel comes back each time; a static gateway that does not exist cuts the box off from
// the internet and is rolled back by itself at its deadline, the tunnel back after it, also when
// the box was off past the deadline (the boot restores the confirmed WAN); bad input is refused
// in words and changes nothing, neither the config nor the kernel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingSummary } from '../../src/agent/pending/pendingChange.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { ControlClient } from '../../src/control/client.ts';
import { processRunner } from '../../src/core/runner.ts';
import { Lab } from '../lab/lab.ts';
import { PLAN } from '../lab/topology.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');
const { boxWan } = PLAN;
const DHCP = { mode: 'dhcp', address: '', gateway: '', resolvers: [] };
const STATIC = { mode: 'static', address: '192.168.178.9/24', gateway: boxWan.router, resolvers: [boxWan.router] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the WAN port', () => {
  let lab: Lab;
  let socketPath: string;
  let control: ControlClient<AgentStatus>;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    ({ socketPath } = await lab.startAgent());
    control = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 10_000 });
    await lab.importProfile();
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  const cli = (args: string[]) => processRunner.run(tibox, ['--socket', socketPath, ...args], { okCodes: [1, 2] });
  /** The WAN port's addresses and the default route, as the kernel has them. */
  const wanInKernel = async () => {
    const addresses = JSON.parse((await lab.exec(lab.names.box, 'ip', ['-j', '-4', 'addr', 'show', 'dev', 'wan0'])).stdout) as { addr_info: { local: string; prefixlen: number }[] }[];
    const routes = JSON.parse((await lab.exec(lab.names.box, 'ip', ['-j', '-4', 'route', 'show', 'default'])).stdout) as { gateway?: string; dev?: string; protocol?: string }[];
    return {
      addresses: (addresses[0]?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`),
      routes: routes.map((r) => `via ${r.gateway ?? '-'} dev ${r.dev ?? '-'} proto ${r.protocol ?? '-'}`),
    };
  };
  const expectWan = (address: string, proto: string) =>
    waitFor(async () => expect(await wanInKernel()).toEqual({ addresses: [address], routes: [`via ${boxWan.router} dev wan0 proto ${proto}`] }), 20_000, 200);
  const reachesConnector = async () => {
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '2', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 4_000);
    expect(stdout).toContain('<ConnectorServices');
  };
  const tunnelBack = () => waitFor(reachesConnector, 30_000, 250);
  const reachesInternet = () => lab.exec(lab.names.box, 'ping', ['-c', '1', '-W', '1', PLAN.uplink.inet]).then(() => true, () => false);
  const change = (wan: object, timeoutS: number) => control.action('config.commit', { change: { wan }, timeoutS }) as Promise<{ revision: number; pending: PendingSummary }>;
  const revision = async () => ((await control.action('config.get')) as { revision: number }).revision;

  it('takes its address, default route and name server by DHCP from the practice router, and the tunnel carries traffic', async () => {
    await expectWan(`${boxWan.box}/24`, 'dhcp');
    await tunnelBack();
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as AgentStatus;
    const wan = status.subsystems.find((s) => s.name === 'wan');
    expect(wan).toMatchObject({ state: 'running', detail: expect.stringMatching(/^wan0 dhcp 192\.168\.178\.2\/24 via 192\.168\.178\.1, lease until .+, DNS 192\.168\.178\.1$/) });
  });

  it('goes static and back to DHCP, each a pending change confirmed in time, with the tunnel back each time', async () => {
    const toStatic = await change(STATIC, 60);
    expect(toStatic.pending).toMatchObject({ paths: ['wan.mode', 'wan.address', 'wan.gateway', 'wan.resolvers'] });
    await expectWan('192.168.178.9/24', 'static');
    await tunnelBack();
    expect((await cli(['config', 'confirm'])).stdout).toBe(`Revision ${toStatic.revision} (wan.mode, wan.address, wan.gateway, wan.resolvers) confirmed: it stays.\n`);
    // The DHCP client's service waits while the WAN is static.
    await waitFor(async () => expect(await lab.boxProcesses(/udhcpc .*wan-dhcp-hook/)).toEqual([]), 10_000, 200);

    const toDhcp = await change(DHCP, 60);
    await expectWan(`${boxWan.box}/24`, 'dhcp');
    await tunnelBack();
    await cli(['config', 'confirm']);
    expect(await control.action('config.pending')).toBeNull();
    expect(toDhcp.revision).toBe(toStatic.revision + 1);
  });

  it('rolls back by itself, at its deadline, a static gateway that cuts the box off, and the tunnel comes back', async () => {
    const { pending } = await change({ ...STATIC, gateway: '192.168.178.254' }, 8);
    await waitFor(async () => expect((await wanInKernel()).routes).toEqual(['via 192.168.178.254 dev wan0 proto static']), 10_000, 200);
    expect(await reachesInternet()).toBe(false);
    await expect(reachesConnector()).rejects.toThrow();
    await sleep(Date.parse(pending.deadline) - Date.now() + 500);
    await expectWan(`${boxWan.box}/24`, 'dhcp');
    expect(await reachesInternet()).toBe(true);
    await tunnelBack();
    expect(await control.action('config.pending')).toBeNull();
    expect((await control.action('config.get')) as { config: { wan: object } }).toMatchObject({ config: { wan: DHCP } });
  });

  it('rolls such a change back at boot when the box was off past its deadline: the boot restores the confirmed WAN', async () => {
    const { pending } = await change({ ...STATIC, gateway: '192.168.178.254' }, 6);
    await waitFor(async () => expect((await wanInKernel()).routes).toEqual(['via 192.168.178.254 dev wan0 proto static']), 10_000, 200);
    await lab.stopAgentAsAfterBoot({ offMs: Date.parse(pending.deadline) - Date.now() + 500 });
    // Before the agent starts: the boot put back the lease of the confirmed DHCP WAN, not the expired change.
    expect(await wanInKernel()).toEqual({ addresses: [`${boxWan.box}/24`], routes: [`via ${boxWan.router} dev wan0 proto dhcp`] });
    const booted = readFileSync(join(lab.dir, 'boot.log'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(booted.lastIndexOf('WAN restored')).toBeGreaterThan(booted.lastIndexOf('expired network change rolled back'));
    await lab.startAgent(socketPath);
    await expectWan(`${boxWan.box}/24`, 'dhcp');
    await tunnelBack();
    expect((await control.action('config.get')) as { config: { wan: object } }).toMatchObject({ config: { wan: DHCP } });
  });

  it('warns of a WAN port without link once it has lasted, and clears the warning when the cable is back', async () => {
    const codes = async () => (JSON.parse((await cli(['status', '--json'])).stdout) as AgentStatus).health.map((w) => w.code);
    await lab.cutWan('carrier', true);
    try {
      await waitFor(async () => expect(await codes()).toContain('wan.noLink'), 20_000, 500);
    } finally {
      await lab.cutWan('carrier', false);
    }
    await waitFor(async () => expect(await codes()).not.toContain('wan.noLink'), 10_000, 200);
    await tunnelBack();
  });

  it.each([
    ['a static address outside its prefix', ['wan.mode=static', 'wan.address=192.168.178.255/24', `wan.gateway=${boxWan.router}`],
      'wan.address 192.168.178.255/24 is not a host address of its prefix 192.168.178.0/24 (it is the network or broadcast address, or the prefix is a /31 or /32)'],
    ['a gateway outside the WAN subnet', ['wan.mode=static', 'wan.address=192.168.178.9/24', 'wan.gateway=192.168.179.1'],
      'wan.gateway 192.168.179.1 is outside the WAN subnet 192.168.178.0/24 of 192.168.178.9/24: the box could not reach it'],
    ['a WAN subnet overlapping the practice LAN', ['wan.mode=static', 'wan.address=192.168.1.9/24', 'wan.gateway=192.168.1.254'],
      'wan.address the WAN subnet 192.168.1.0/24 overlaps the practice network 192.168.1.0/24 of the LAN port (192.168.1.2/24); the WAN must be a network of its own'],
    ['a WAN subnet overlapping the TI segment', ['wan.mode=static', 'wan.address=10.77.12.50/24', 'wan.gateway=10.77.12.254'],
      "wan.address The WAN network 10.77.12.0/24 (the box's address 10.77.12.50 on wan0) overlaps the TI segment 10.77.12.0/26"],
    // The CLI knows the keys from the agent's schema and refuses before anything is sent (exit 2, a usage error).
    ['an unknown key', ['wan.netmask=255.255.255.0'], "no setting 'wan.netmask'; the group wan has wan.mode, wan.address, wan.gateway, wan.resolvers"],
  ])('refuses %s in words and changes nothing', async (_name, settings, words) => {
    const before = { revision: await revision(), kernel: await wanInKernel() };
    const { code, stdout, stderr } = await cli(['config', 'set', ...settings]);
    expect([code === 0, stdout]).toEqual([false, '']);
    expect(stderr).toContain(words);
    expect({ revision: await revision(), kernel: await wanInKernel() }).toEqual(before);
    expect(await control.action('config.pending')).toBeNull();
  });

  it('refuses an unknown key the control API is sent, naming it', async () => {
    await expect(control.action('config.commit', { change: { wan: { netmask: '255.255.255.0' } } })).rejects.toThrow(
      'the configuration change was refused: wan.netmask is not a known setting',
    );
  });
});
