// TiRoutes against the fake kernel: idempotent applies (no write the second time), a random
// order of desired states always ending in that state's text, repair after someone else changes
// the routes, the fallback to unreachable with its reason, stop() leaving routes in place,
// apply(null) removing only tibox's objects, and the state file the boot unit reads.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/log.ts';
import { loadBootRoutes, TiRoutes, type TiRoutesDesired } from '../../../src/firewall/index.ts';
import { FakeRouteKernel } from './fakeRouteKernel.ts';

const TI = '100.102.0.0/15';
const EXTRA = '10.10.0.0/16';
const tunnel: TiRoutesDesired = { prefixes: [TI], path: { kind: 'libipsec', dev: 'ipsec0', src: '10.77.12.1' } };
const closed: TiRoutesDesired = { prefixes: [TI], path: { kind: 'unreachable' } };

const rules = (prefix: string) => [`rule 8742: from all to ${prefix} lookup 8742 proto static`, `rule 8743: from all to ${prefix} unreachable proto static`];
const unreachableText = (...prefixes: string[]) =>
  [...prefixes.flatMap(rules), ...prefixes.map((p) => `route unreachable ${p} table 8742 proto static`)].sort().join('\n');
const tunnelText = [...rules(TI), `route ${TI} dev ipsec0 table 8742 proto static src 10.77.12.1`].sort().join('\n');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(kernel = new FakeRouteKernel()) {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'tibox-routes-')), 'state');
  dirs.push(join(stateDir, '..'));
  const lines: string[] = [];
  const log = createLogger({ destination: new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(String(chunk)), cb()) }) });
  const routes = new TiRoutes({ kernel, stateDir, log, settleMs: 5, intervalMs: 60_000 });
  return { kernel, routes, stateDir, lines };
}

const until = async (check: () => boolean, ms = 1_000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
};

describe('TiRoutes', () => {
  it('applies once and writes nothing when applied again with the same input', async () => {
    const { kernel, routes } = setup();
    kernel.addLink('ipsec0');
    await routes.apply(tunnel);
    expect(kernel.text()).toBe(tunnelText);
    const written = kernel.writes.length;
    await routes.apply(structuredClone(tunnel));
    expect(kernel.writes.length).toBe(written);
  });

  it('writes nothing on a repeated apply that falls back to unreachable either', async () => {
    const { kernel, routes } = setup();
    await routes.apply(tunnel);
    expect(kernel.writes).toHaveLength(3);
    await routes.apply(tunnel);
    expect(kernel.writes).toHaveLength(3);
  });

  it('ends in the text of the last state, whatever order the states come in', async () => {
    const states: [TiRoutesDesired | null, string][] = [
      [closed, unreachableText(TI)],
      [tunnel, tunnelText],
      [{ prefixes: [TI, EXTRA], path: { kind: 'unreachable' } }, unreachableText(EXTRA, TI)],
      [{ prefixes: [TI], path: { kind: 'xfrm', via: '192.0.2.1', dev: 'wan', src: '10.77.12.1' } }, [...rules(TI), `route ${TI} via 192.0.2.1 dev wan table 8742 proto static src 10.77.12.1`].sort().join('\n')],
      [null, ''],
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(states.length - 1), { minLength: 1, maxLength: 12 }), async (order) => {
        const { kernel, routes } = setup(new FakeRouteKernel());
        kernel.addLink('ipsec0');
        for (const i of order) {
          const [desired, text] = states[i]!;
          await routes.apply(desired);
          expect(kernel.text()).toBe(text);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('falls back to unreachable while the TUN device is missing and reports why', async () => {
    const { kernel, routes, lines } = setup();
    await routes.start(AbortSignal.timeout(1_000));
    await routes.apply(tunnel);
    expect(kernel.text()).toBe(unreachableText(TI));
    expect(routes.status()).toMatchObject({ state: 'degraded', detail: 'tunnel device ipsec0 does not exist' });
    expect(lines.join('')).toContain('"reason":"tunnel device ipsec0 does not exist"');
    // charon comes back with its TUN device: the event brings the tunnel route.
    kernel.addLink('ipsec0');
    await until(() => kernel.text() === tunnelText);
    expect(kernel.text()).toBe(tunnelText);
    expect(routes.status().state).toBe('running');
    // charon exits, its device takes the route along: unreachable again.
    kernel.removeLink('ipsec0');
    await until(() => kernel.text() === unreachableText(TI));
    expect(kernel.text()).toBe(unreachableText(TI));
    await routes.stop();
  });

  it('sets the TUN device up again within one pass when someone sets it down, warning once', async () => {
    const { kernel, routes, lines } = setup();
    kernel.addLink('ipsec0');
    await routes.start(AbortSignal.timeout(1_000));
    await routes.apply(tunnel);
    const written = kernel.writes.length;
    kernel.setLinkDown('ipsec0');
    expect(kernel.text()).toBe(rules(TI).sort().join('\n'));
    // The link event's pass: the device up first, then the route the kernel dropped with it.
    await until(() => kernel.text() === tunnelText);
    expect(kernel.text()).toBe(tunnelText);
    expect(kernel.writes.slice(written)).toEqual(['set link ipsec0 up', `add route ${TI} dev ipsec0 table 8742 proto static src 10.77.12.1`]);
    expect([...kernel.linksDown]).toEqual([]);
    expect(routes.status().state).toBe('running');
    // More events and the timer's passes find nothing to do, and say nothing more.
    kernel.addLink('lan2');
    await routes.apply(tunnel);
    expect(kernel.writes.length).toBe(written + 2);
    const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string; link?: string }).filter((l) => l.level === 40);
    expect(warnings).toEqual([expect.objectContaining({ msg: 'ipsec0 was set down from outside; set up again', link: 'ipsec0' })]);
    // A second occurrence is a second warning.
    kernel.setLinkDown('ipsec0');
    await until(() => kernel.text() === tunnelText);
    expect(lines.filter((line) => line.includes('was set down from outside'))).toHaveLength(2);
    await routes.stop();
  });

  it('leaves a down TUN device alone while the TI prefixes do not go into it', async () => {
    const { kernel, routes } = setup();
    kernel.addLink('ipsec0');
    kernel.setLinkDown('ipsec0');
    await routes.start(AbortSignal.timeout(1_000));
    await routes.apply(closed);
    expect([...kernel.linksDown]).toEqual(['ipsec0']);
    expect(kernel.writes).not.toContain('set link ipsec0 up');
    // The tunnel comes up: its routes bring the device up with them.
    await routes.apply(tunnel);
    expect(kernel.text()).toBe(tunnelText);
    expect([...kernel.linksDown]).toEqual([]);
    await routes.stop();
  });

  it('falls back to unreachable when the kernel refuses the tunnel route', async () => {
    const { kernel, routes } = setup();
    kernel.badGateways.add('192.0.2.1');
    await routes.start(AbortSignal.timeout(1_000));
    await routes.apply({ prefixes: [TI], path: { kind: 'xfrm', via: '192.0.2.1', dev: 'wan', src: '10.77.12.1' } });
    expect(kernel.text()).toBe(unreachableText(TI));
    expect(routes.status()).toMatchObject({ state: 'degraded', detail: expect.stringMatching(/^the kernel refused the tunnel routes: .*invalid gateway/) });
    await routes.stop();
  });

  it('repairs a route someone deleted, after the event', async () => {
    const { kernel, routes } = setup();
    await routes.start(AbortSignal.timeout(1_000));
    await routes.apply(closed);
    kernel.deleteRoute(`unreachable ${TI} table 8742 proto static`);
    await until(() => kernel.text() === unreachableText(TI));
    expect(kernel.text()).toBe(unreachableText(TI));
    await routes.stop();
  });

  it('does not touch the kernel before the first apply (the boot routes stay)', async () => {
    const { kernel, routes } = setup(new FakeRouteKernel({ rules: [{ priority: 8742, to: TI, action: 'lookup 8742' }] }));
    await routes.start(AbortSignal.timeout(1_000));
    kernel.addLink('ipsec0');
    await new Promise((r) => setTimeout(r, 50));
    expect(kernel.writes).toEqual([]);
    await routes.stop();
  });

  it('stop() unsubscribes and leaves the routes in place', async () => {
    const { kernel, routes } = setup();
    await routes.start(AbortSignal.timeout(1_000));
    await routes.apply(closed);
    await routes.stop();
    expect(kernel.watchers).toBe(0);
    expect(kernel.text()).toBe(unreachableText(TI));
    expect(routes.status().state).toBe('stopped');
  });

  it('apply(null) removes its rules and table entries and nothing else', async () => {
    const foreignRule = { priority: 220, action: 'lookup 220' };
    const foreignRoute = { table: 254, dst: '0.0.0.0/0', type: 'unicast', via: '192.0.2.1', dev: 'wan' };
    const { kernel, routes } = setup(new FakeRouteKernel({ rules: [foreignRule], routes: [foreignRoute] }));
    const before = kernel.text();
    await routes.apply(closed);
    await routes.apply(null);
    expect(kernel.text()).toBe(before);
  });

  it('saves the prefixes, and only them, for the boot unit', async () => {
    const { routes, stateDir } = setup();
    await routes.apply({ ...tunnel, prefixes: [TI, EXTRA] });
    expect(JSON.parse(readFileSync(join(stateDir, 'ti-routes.json'), 'utf8'))).toEqual({ prefixes: [EXTRA, TI] });
    await routes.apply(null);
    expect(JSON.parse(readFileSync(join(stateDir, 'ti-routes.json'), 'utf8'))).toEqual({ prefixes: [] });
  });

  it('rejects malformed input without writing anything', async () => {
    const { kernel, routes } = setup();
    await expect(routes.apply({ prefixes: ['100.102.0.1/15'], path: { kind: 'unreachable' } })).rejects.toThrow(/host bits/);
    expect(kernel.writes).toEqual([]);
  });
});

describe('loadBootRoutes', () => {
  it('installs the rules and unreachable routes for the saved prefixes, once', async () => {
    const { kernel, stateDir, routes, lines } = setup();
    kernel.addLink('ipsec0');
    await routes.apply({ ...tunnel, prefixes: [TI, EXTRA] });
    const boot = new FakeRouteKernel();
    const log = createLogger({ destination: new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(String(chunk)), cb()) }) });
    expect(await loadBootRoutes(stateDir, boot, log)).toEqual({ prefixes: [EXTRA, TI], writes: 6 });
    expect(boot.text()).toBe(unreachableText(EXTRA, TI));
    expect(await loadBootRoutes(stateDir, boot, log)).toEqual({ prefixes: [EXTRA, TI], writes: 0 });
  });

  it('has nothing to do without a state file, and says so', async () => {
    const { kernel, stateDir, lines } = setup();
    const log = createLogger({ destination: new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(String(chunk)), cb()) }) });
    expect(await loadBootRoutes(stateDir, kernel, log)).toEqual({ prefixes: undefined, writes: 0 });
    expect(kernel.writes).toEqual([]);
    expect(lines.join('')).toContain('no saved TI prefixes');
  });

  it('refuses a damaged state file, naming it', async () => {
    const { kernel, stateDir, routes } = setup();
    await routes.apply(closed);
    writeFileSync(join(stateDir, 'ti-routes.json'), '{"prefixes":["100.102.0.0"]}');
    const log = createLogger({ destination: new Writable({ write: (_c, _e, cb) => cb() }) });
    await expect(loadBootRoutes(stateDir, kernel, log)).rejects.toThrow(/ti-routes\.json: not an IPv4 prefix/);
  });
});
