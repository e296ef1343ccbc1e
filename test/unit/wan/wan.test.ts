// The WAN subsystem against a fake kernel and a fake DHCP client process, with its files in a
// temporary directory: the lease the hook reports, the record of what it owns, the resolv.conf.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, Health } from '../../../src/core/index.ts';
import { restoreBootWan, Wan, WAN_DHCP_FILES, WAN_STATE_FILE, WanDhcpClient, type WanDesired } from '../../../src/wan/index.ts';
import { FakeComponent } from '../core/fakeComponent.ts';
import { FakeWanKernel } from './fakeWanKernel.ts';

const NOW = new Date('2026-03-02T08:00:00Z');
const DHCP: WanDesired = { port: 'wan0', settings: { mode: 'dhcp', address: '', gateway: '', resolvers: [] } };
const STATIC: WanDesired = { port: 'wan0', settings: { mode: 'static', address: '192.168.178.9/24', gateway: '192.168.178.1', resolvers: [] } };
const nullLog = () => createLogger({ destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });

let dir: string;
let kernel: FakeWanKernel;
let client: FakeComponent;
let health: Health;
let told: (readonly string[])[];
const running: Wan[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tibox-wan-'));
  kernel = new FakeWanKernel();
  health = new Health(() => undefined, () => NOW);
  told = [];
  client = new FakeComponent(['busybox', 'udhcpc', '-f', '-i', 'wan0', '-s', join(dir, 'hooks', WAN_DHCP_FILES.hook)]);
});

afterEach(async () => {
  for (const wan of running.splice(0)) await wan.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startWan(desired: WanDesired | undefined, graceMs = 10_000): Promise<Wan> {
  const wan = new Wan({
    kernel,
    client: new WanDhcpClient(join(dir, 'hooks'), client),
    stateDir: join(dir, 'state'),
    resolvConf: join(dir, 'run', 'resolv.conf'),
    health,
    log: nullLog(),
    onResolvers: (resolvers) => told.push(resolvers),
    ...(desired ? { desiredAtStart: () => desired } : {}),
    graceMs,
    intervalMs: 60_000,
    now: () => NOW,
  });
  running.push(wan);
  await wan.start(AbortSignal.timeout(5_000));
  return wan;
}

function lease(ip = '192.168.178.2'): void {
  writeFileSync(join(dir, 'hooks', WAN_DHCP_FILES.lease), `ip=${ip}\nmask=24\nrouter=192.168.178.1\ndns=203.0.113.53\nlease=3600\nat=${NOW.getTime() / 1000}\n`);
}

describe('the WAN subsystem', () => {
  it('asks by DHCP on the port and waits; takes the lease the hook reports, once', async () => {
    const wan = await startWan(DHCP);
    expect(readFileSync(join(dir, 'hooks', WAN_DHCP_FILES.port), 'utf8')).toBe('wan0\n');
    expect(readFileSync(join(dir, 'hooks', WAN_DHCP_FILES.hook), 'utf8')).toContain('only reports the lease');
    expect(wan.status()).toMatchObject({ state: 'degraded', detail: 'no DHCP lease on wan0: the router does not answer' });
    expect(kernel.text()).toBe('link wan0 up carrier');

    lease();
    await wan.apply(DHCP);
    expect(kernel.text()).toBe(['addr wan0 192.168.178.2/24 valid 3600', 'default via 192.168.178.1 dev wan0 proto dhcp', 'link wan0 up carrier'].join('\n'));
    expect(readFileSync(join(dir, 'run', 'resolv.conf'), 'utf8')).toBe("# tibox: the WAN's name servers, written by the agent\nnameserver 203.0.113.53\n");
    expect(told).toEqual([[], ['203.0.113.53']]);
    expect(JSON.parse(readFileSync(join(dir, 'state', WAN_STATE_FILE), 'utf8'))).toMatchObject({ dev: 'wan0', address: '192.168.178.2/24', gateway: '192.168.178.1' });
    expect(wan.status()).toMatchObject({ state: 'running', detail: 'wan0 dhcp 192.168.178.2/24 via 192.168.178.1, lease until 2026-03-02T09:00:00.000Z, DNS 203.0.113.53' });

    const writes = kernel.writes.length;
    await wan.apply(DHCP);
    expect(kernel.writes.length).toBe(writes);
    expect(client.events).toEqual([]);
  });

  it('goes static: the client ends and its lease goes, the static address and route come; and back to DHCP', async () => {
    const wan = await startWan(DHCP);
    lease();
    await wan.apply(DHCP);
    await wan.apply(STATIC);
    expect(client.events).toEqual(['SIGTERM 1000', 'start 1001']);
    expect(existsSync(join(dir, 'hooks', WAN_DHCP_FILES.port))).toBe(false);
    expect(existsSync(join(dir, 'hooks', WAN_DHCP_FILES.lease))).toBe(false);
    expect(kernel.text()).toBe(['addr wan0 192.168.178.9/24', 'default via 192.168.178.1 dev wan0 proto static', 'link wan0 up carrier'].join('\n'));

    await wan.apply(DHCP);
    expect(readFileSync(join(dir, 'hooks', WAN_DHCP_FILES.port), 'utf8')).toBe('wan0\n');
    // No lease yet: the static address and its route go; the new lease brings them back.
    expect(kernel.text()).toBe('link wan0 up carrier');
    lease('192.168.178.3');
    await wan.apply(DHCP);
    expect(kernel.text()).toBe(['addr wan0 192.168.178.3/24 valid 3600', 'default via 192.168.178.1 dev wan0 proto dhcp', 'link wan0 up carrier'].join('\n'));
  });

  it('puts back what was changed behind its back, and a restarted agent takes up its own record', async () => {
    let wan = await startWan(STATIC);
    kernel.routes = [];
    kernel.addresses = [];
    await wan.apply(STATIC);
    expect(kernel.text()).toBe(['addr wan0 192.168.178.9/24', 'default via 192.168.178.1 dev wan0 proto static', 'link wan0 up carrier'].join('\n'));
    await wan.stop();
    expect(kernel.text()).toContain('addr wan0 192.168.178.9/24');

    wan = await startWan({ ...STATIC, settings: { ...STATIC.settings, address: '192.168.178.10/24' } });
    expect(kernel.text()).toBe(['addr wan0 192.168.178.10/24', 'default via 192.168.178.1 dev wan0 proto static', 'link wan0 up carrier'].join('\n'));
  });

  it('raises its warnings once they have held the grace time, and clears them at once', async () => {
    kernel.links.set('wan0', { up: true, carrier: false });
    const wan = await startWan(STATIC, 0);
    expect(health.list().map((w) => `${w.code}: ${w.detail ?? ''}`)).toEqual(['wan.noLink: the WAN port wan0 has no link: cable unplugged or the router switched off']);
    kernel.links.set('wan0', { up: true, carrier: true });
    await wan.apply(STATIC);
    expect(health.list().map((w) => `${w.code}: ${w.detail ?? ''}`)).toEqual(['wan.noDns: no name server is set (wan.resolvers)']);
    await wan.apply({ ...STATIC, settings: { ...STATIC.settings, resolvers: ['9.9.9.9'] } });
    expect(health.list()).toEqual([]);
  });

  it('waits out the grace time before it warns', async () => {
    await startWan(DHCP);
    expect(health.list()).toEqual([]);
  });
});

describe('the WAN at boot', () => {
  it('puts back the recorded address, route and resolvers, a lease only while it lasts', async () => {
    const wan = await startWan(DHCP);
    lease();
    await wan.apply(DHCP);
    await wan.stop();
    const after = new FakeWanKernel();
    const writes = await restoreBootWan(join(dir, 'state'), join(dir, 'boot', 'resolv.conf'), after, nullLog(), new Date(NOW.getTime() + 600_000));
    expect(writes).toEqual(['addr replace 192.168.178.2/24 dev wan0 valid_lft 3000', 'route replace default via 192.168.178.1 dev wan0 proto dhcp']);
    expect(readFileSync(join(dir, 'boot', 'resolv.conf'), 'utf8')).toContain('nameserver 203.0.113.53');

    const late = new FakeWanKernel();
    expect(await restoreBootWan(join(dir, 'state'), join(dir, 'boot', 'resolv.conf'), late, nullLog(), new Date(NOW.getTime() + 3_600_000))).toEqual([]);
    expect(late.text()).toBe('link wan0 up carrier');
  });

  it('restores nothing without a record, or from one it cannot read, and never throws', async () => {
    expect(await restoreBootWan(join(dir, 'state'), join(dir, 'resolv.conf'), kernel, nullLog())).toEqual([]);
    await startWan(STATIC);
    writeFileSync(join(dir, 'state', WAN_STATE_FILE), 'garbage');
    expect(await restoreBootWan(join(dir, 'state'), join(dir, 'resolv.conf'), new FakeWanKernel(), nullLog())).toEqual([]);
  });
});
