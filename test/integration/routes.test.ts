// The TI routes module against the real kernel, in a fresh network namespace with a WAN-like
// veth (default route via a gateway, so a leak would be visible), charon's TUN device and the
// TI-segment address. The module runs in routesDriver.ts inside the namespace: its netlink
// sockets are the process's, as the agent's are in the box namespace.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRunner, startProcess, type ProcessHandle } from '../../src/core/runner.ts';
import type { TiRoutesDesired } from '../../src/firewall/index.ts';
import { renderRouteBatch } from '../../src/firewall/routes/routeBatch.ts';
import { waitFor } from './waitFor.ts';

const here = join(fileURLToPath(import.meta.url), '..');
const driver = join(here, 'routesDriver.ts');
const boot = join(here, '..', '..', 'src', 'agent', 'boot.ts');
const ns = `tibox-rt-${process.pid}`;
const bootNs = `tibox-rtboot-${process.pid}`;
const TI = '100.102.0.0/15';
const TI_HOST = '100.102.3.4';
const closed: TiRoutesDesired = { prefixes: [TI, '10.10.0.0/16'], path: { kind: 'unreachable' } };
const tunnel: TiRoutesDesired = { prefixes: [TI, '10.10.0.0/16'], path: { kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.1' } };

const ip = async (args: string[], netns = ns) => (await processRunner.run('ip', args, { netns })).stdout;
const routeGet = () => ip(['route', 'get', TI_HOST]);
/** IPv4 rules and every table's IPv4 routes, without tibox's: what must never change. (IPv6
 * link-local routes come and go by themselves after link-up.) */
const others = async (netns = ns) => {
  const rules = (await ip(['-4', 'rule'], netns)).split('\n').filter((l) => !/^874[23]:/.test(l));
  const routes = (await ip(['-4', 'route', 'show', 'table', 'all'], netns)).split('\n').filter((l) => !l.includes('table 8742'));
  return [...rules, ...routes].join('\n');
};
const tiTable = async (netns = ns) => (await ip(['-4', 'route', 'show', 'table', 'all'], netns)).split('\n').filter((l) => l.includes('table 8742'));

describe('TI routes in a namespace', () => {
  let dir: string;
  let stateDir: string;
  let untouched: string;

  const apply = async (desired: TiRoutesDesired | null) => {
    const { stdout } = await processRunner.run(process.execPath, [driver, 'apply', stateDir, JSON.stringify(desired)], { netns: ns });
    return JSON.parse(stdout) as { writes: string[]; status: { state: string; detail?: string } };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-routes-'));
    stateDir = join(dir, 'state');
    await processRunner.run('ip', ['netns', 'add', ns]);
    for (const args of [
      ['link', 'set', 'lo', 'up'],
      ['link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'lan0'],
      ['addr', 'add', '192.0.2.10/24', 'dev', 'wan0'],
      ['addr', 'add', '10.77.12.1/27', 'dev', 'lan0'],
      ['link', 'set', 'wan0', 'up'],
      ['link', 'set', 'lan0', 'up'],
      ['route', 'add', 'default', 'via', '192.0.2.1', 'dev', 'wan0'],
      ['route', 'add', '198.51.100.0/24', 'via', '192.0.2.1', 'dev', 'wan0'],
      ['rule', 'add', 'from', '10.99.0.0/16', 'lookup', '100', 'pref', '100'],
      ['tuntap', 'add', 'ipsec0', 'mode', 'tun'],
      ['link', 'set', 'ipsec0', 'up'],
    ]) {
      await ip(args);
    }
    // Without tibox, TI traffic would leave in clear via the WAN's default route.
    expect(await routeGet()).toContain('via 192.0.2.1 dev wan0');
    untouched = await others();
  });

  afterAll(async () => {
    await processRunner.run('ip', ['netns', 'del', ns]).catch(() => undefined);
    await processRunner.run('ip', ['netns', 'del', bootNs]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the TI prefixes unreachable, with its rules, and a repeat writes nothing', async () => {
    const first = await apply(closed);
    expect(first.writes).toHaveLength(6);
    await expect(routeGet()).rejects.toThrow(/No route to host/);
    const rules = await ip(['rule']);
    expect(rules).toMatch(/^8742:\s+from all to 100\.102\.0\.0\/15 lookup 8742 proto static/m);
    expect(rules).toMatch(/^8743:\s+from all to 100\.102\.0\.0\/15 unreachable proto static/m);
    expect((await apply(closed)).writes).toEqual([]);
    expect(JSON.parse(readFileSync(join(stateDir, 'ti-routes.json'), 'utf8'))).toEqual({ prefixes: ['10.10.0.0/16', TI] });
  });

  it('routes the TI prefixes into the TUN device from the TI-segment address', async () => {
    const result = await apply(tunnel);
    expect(result.writes).toEqual([
      'replace route 10.10.0.0/16 dev ipsec0 table 8742 proto static src 10.77.12.1',
      'replace route 100.102.0.0/15 dev ipsec0 table 8742 proto static src 10.77.12.1',
    ]);
    expect(await routeGet()).toMatch(/dev ipsec0 table 8742 src 10\.77\.12\.1/);
  });

  it("the resume's ip batch writes the routes the module would: the module has nothing left to do", async () => {
    await apply(closed);
    await processRunner.run('ip', ['-batch', '-'], { netns: ns, input: renderRouteBatch(tunnel) });
    expect((await apply(tunnel)).writes).toEqual([]);
    await processRunner.run('ip', ['-batch', '-'], { netns: ns, input: renderRouteBatch(tunnel) });
    // linkdown: nothing reads this TUN device here.
    expect(await tiTable()).toEqual([
      '10.10.0.0/16 dev ipsec0 table 8742 proto static scope link src 10.77.12.1 linkdown ',
      '100.102.0.0/15 dev ipsec0 table 8742 proto static scope link src 10.77.12.1 linkdown ',
    ]);
  });

  describe('while watching', () => {
    let watcher: ProcessHandle;
    let output: string;

    beforeAll(async () => {
      output = join(dir, 'watch.out');
      const fd = openSync(output, 'w');
      watcher = startProcess(process.execPath, [driver, 'watch', stateDir, JSON.stringify(tunnel)], { netns: ns, outputFd: fd });
      closeSync(fd);
      await waitFor(() => expect(readFileSync(output, 'utf8')).toContain('ready'), 10_000);
    });
    afterAll(() => watcher.kill('SIGKILL'));

    it('repairs a route someone deleted within a second, unreachable meanwhile', async () => {
      await ip(['route', 'del', TI, 'table', '8742']);
      const deleted = Date.now();
      // The guard rule: no fall-through to the WAN while the route is missing.
      expect(await routeGet().catch((e: Error) => e.message)).toMatch(/Network is unreachable|dev ipsec0/);
      await waitFor(async () => expect(await routeGet()).toContain('dev ipsec0'), 1_000, 20);
      expect(Date.now() - deleted).toBeLessThan(1_000);
    });

    it('falls back to unreachable when the TUN device goes, and back into it when it returns', async () => {
      await ip(['link', 'del', 'ipsec0']);
      await waitFor(async () => expect(await tiTable()).toEqual([
        'unreachable 10.10.0.0/16 table 8742 proto static ',
        'unreachable 100.102.0.0/15 table 8742 proto static ',
      ]), 1_000, 20);
      await expect(routeGet()).rejects.toThrow(/No route to host/);
      await ip(['tuntap', 'add', 'ipsec0', 'mode', 'tun']);
      await ip(['link', 'set', 'ipsec0', 'up']);
      await waitFor(async () => expect(await routeGet()).toContain('dev ipsec0'), 1_000, 20);
    });

    it('leaves the routes in place when stopped', async () => {
      const before = await tiTable();
      watcher.kill('SIGTERM');
      expect(await watcher.exited).toEqual({ code: 0, signal: null });
      expect(readFileSync(output, 'utf8')).toContain('stopped');
      expect(await tiTable()).toEqual(before);
      expect(await routeGet()).toContain('dev ipsec0');
    });
  });

  it('never touched the unrelated routes and rule', async () => {
    expect(await others()).toBe(untouched);
  });

  it('apply(null) removes exactly its rules and routes', async () => {
    await apply(null);
    expect(await tiTable()).toEqual([]);
    expect(await ip(['rule'])).not.toMatch(/^874[23]:/m);
    expect(await others()).toBe(untouched);
    expect(await routeGet()).toContain('via 192.0.2.1 dev wan0');
  });

  it('boot installs unreachable routes for the saved prefixes into a fresh namespace', async () => {
    const bootState = join(dir, 'boot-state');
    await processRunner.run('mkdir', ['-p', bootState]);
    writeFileSync(join(bootState, 'ti-routes.json'), JSON.stringify({ prefixes: [TI] }));
    await processRunner.run('ip', ['netns', 'add', bootNs]);
    await ip(['link', 'set', 'lo', 'up'], bootNs);
    await processRunner.run(process.execPath, [boot, '--state-dir', bootState], { netns: bootNs });
    expect(await tiTable(bootNs)).toEqual(['unreachable 100.102.0.0/15 table 8742 proto static ']);
    expect(await ip(['rule'], bootNs)).toMatch(/^8742:\s+from all to 100\.102\.0\.0\/15 lookup 8742/m);
    await expect(ip(['route', 'get', TI_HOST], bootNs)).rejects.toThrow(/No route to host/);
  });
});
