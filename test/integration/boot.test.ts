// The boot unit's entry point against the real kernel: a box namespace where the firewall, the
// LAN links and the TI routes are applied as the agent applies them (their state files in one
// state dir), then "reboots": a fresh namespace with the same ports and nothing else, where the
// compiled boot entry runs as on the box. It must load exactly the saved ruleset, put the owned
// addresses and the bridge with its port back, put the WAN back as the agent recorded it (its
// address, default route and resolvers), and make the TI prefixes unreachable; with a saved
// ruleset that does not load (cut short, or naming a device this kernel lacks) it loads the
// fail-closed baseline and still restores the rest.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.ts';
import { processRunner } from '../../src/core/runner.ts';
import { Firewall, NftLoader, renderRuleset, RULESET_STATE_FILE, type TiRoutesDesired } from '../../src/firewall/index.ts';
import type { LanLinksDesired } from '../../src/lan/index.ts';
import { renderOwned, WAN_STATE_FILE } from '../../src/wan/index.ts';
import { Netns } from '../lab/netns.ts';
import { ONE_PVS_ONE_TERMINAL } from '../unit/firewall/firewallDesired.ts';
import { NO_HEALTH, NO_MONITOR } from '../unit/firewall/fakeNft.ts';
import { withoutCounterSince } from './tableText.ts';

const here = join(fileURLToPath(import.meta.url), '..');
const repo = join(here, '..', '..');
const id = `tboot${randomBytes(2).toString('hex')}`;
const netns = new Netns(processRunner);
const TI = ['100.102.0.0/15', '100.64.0.0/10'];
const links: LanLinksDesired = {
  lan: { port: 'lan0', addresses: ['10.77.12.1/27', '192.168.100.1/24'] },
  terminals: { bridge: 'br-term', ports: ['term0'], addresses: ['10.77.12.33/27'] },
};
const closed: TiRoutesDesired = { prefixes: TI, path: { kind: 'unreachable' } };
/** The WAN as the agent records it (static: no lease to run out). */
const wanRecord = renderOwned({ dev: 'wan0', address: '192.168.178.2/24', proto: 'static', gateway: '192.168.178.1', resolvers: ['192.168.178.1'] });
/** Where the WAN was before the reboot: the record's, restored by the boot. */
const WAN_AFTER = 'wan0 up 192.168.178.2/24';

const ip = async (ns: string, args: string[]) => (await processRunner.run('ip', args, { netns: ns })).stdout;
/** The tibox table as the kernel lists it, without counter values. */
const table = async (ns: string) => (await processRunner.run('nft', ['-s', 'list', 'table', 'inet', 'tibox'], { netns: ns })).stdout;
/** The box's ports and the bridge: kind, master, up, and their IPv4 addresses, one line each. */
const lanSide = async (ns: string) => {
  const shown = JSON.parse(await ip(ns, ['-j', '-d', 'addr', 'show'])) as {
    ifname: string; flags: string[]; master?: string; linkinfo?: { info_kind?: string }; addr_info: { family: string; local: string; prefixlen: number }[];
  }[];
  return shown
    .filter((l) => ['lan0', 'wan0', 'term0', 'br-term'].includes(l.ifname))
    .map((l) => [
      l.ifname, l.linkinfo?.info_kind === 'bridge' ? 'bridge' : '', l.master ? `master ${l.master}` : '', l.flags.includes('UP') ? 'up' : 'down',
      ...l.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`).sort(),
    ].filter(Boolean).join(' '))
    .sort();
};
const tiTable = async (ns: string) => (await ip(ns, ['-4', 'route', 'show', 'table', '8742'])).split('\n').map((l) => l.trim()).filter(Boolean).sort();

/** A box namespace with its ports (each a veth whose peer stays down beside it), down, and nothing else. */
async function freshBox(ns: string): Promise<void> {
  await netns.add(ns);
  for (const port of ['lan0', 'wan0', 'term0']) await ip(ns, ['link', 'add', port, 'type', 'veth', 'peer', 'name', `${port}p`]);
}

/** Runs the compiled boot entry in `ns` as the box's boot unit does; returns its log messages. */
async function boot(ns: string, stateDir: string): Promise<string[]> {
  const { stdout } = await processRunner.run(join(repo, 'bin', 'tibox-node'), [join(repo, 'build', 'agent', 'boot.js'), '--state-dir', stateDir, '--run-dir', join(stateDir, 'run')], {
    netns: ns, timeoutMs: 20_000,
  });
  return stdout.trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);
}

describe('boot after a reboot', () => {
  const before = `${id}-before`;
  const used: string[] = [before];
  let dir: string;
  let stateDir: string;
  let beforeTable: string;
  let beforeLan: string[];
  /** The ports after the boot: the LAN side as before, the WAN as recorded. */
  const afterLan = () => beforeLan.map((line) => (line.startsWith('wan0 ') ? WAN_AFTER : line));

  const driver = async (name: 'lanDriver' | 'routesDriver', ns: string, state: string, desired: unknown) =>
    JSON.parse((await processRunner.run(process.execPath, [join(here, `${name}.ts`), 'apply', state, JSON.stringify(desired)], { netns: ns })).stdout) as { writes: string[] };
  /** A copy of the applied state dir, for one reboot, with the saved ruleset replaced if asked. */
  const stateCopy = (name: string, ruleset?: string) => {
    const copy = join(dir, name);
    cpSync(stateDir, copy, { recursive: true });
    if (ruleset !== undefined) writeFileSync(join(copy, RULESET_STATE_FILE), ruleset, { mode: 0o600 });
    return copy;
  };
  const rebooted = async (name: string) => {
    const ns = `${id}-${name}`;
    used.push(ns);
    await freshBox(ns);
    return ns;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-boot-'));
    stateDir = join(dir, 'state');
    await freshBox(before);
    await driver('lanDriver', before, stateDir, links);
    await new Firewall({ monitor: NO_MONITOR, health: NO_HEALTH, nft: new NftLoader(processRunner, before), stateDir, log: createLogger({ level: 'silent' }) }).apply(ONE_PVS_ONE_TERMINAL);
    await driver('routesDriver', before, stateDir, closed);
    writeFileSync(join(stateDir, WAN_STATE_FILE), wanRecord, { mode: 0o600 });
    beforeTable = await table(before);
    beforeLan = await lanSide(before);
    expect(beforeLan).toEqual([
      'br-term bridge up 10.77.12.33/27',
      'lan0 up 10.77.12.1/27 192.168.100.1/24',
      'term0 master br-term up',
      'wan0 down',
    ]);
  });

  afterAll(async () => {
    for (const ns of used) await netns.remove(ns);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads exactly the saved ruleset, puts the LAN side and the WAN back and closes the TI prefixes; the agent then has nothing to write', async () => {
    const ns = await rebooted('after');
    const state = stateCopy('after');
    expect(await boot(ns, state)).toEqual(['saved ruleset loaded', 'owned LAN links restored', 'WAN restored', 'TI prefixes unreachable until the tunnel is up']);
    // The saved ruleset starts the device counters anew: only their since differs.
    expect(await table(ns)).toBe(withoutCounterSince(beforeTable));
    expect(await lanSide(ns)).toEqual(afterLan());
    // Its peer stays down here: the route waits for the link.
    expect((await ip(ns, ['-4', 'route', 'show', 'default'])).trim()).toBe('default via 192.168.178.1 dev wan0 proto static linkdown');
    expect(readFileSync(join(state, 'run', 'resolv.conf'), 'utf8')).toContain('nameserver 192.168.178.1\n');
    expect(await tiTable(ns)).toEqual(['unreachable 100.102.0.0/15 proto static', 'unreachable 100.64.0.0/10 proto static']);
    expect((await driver('lanDriver', ns, state, links)).writes).toEqual([]);
    expect((await driver('routesDriver', ns, state, closed)).writes).toEqual([]);
  });

  it.each([
    ['cut short', (saved: string) => saved.slice(0, saved.length / 2)],
    ['naming a device this kernel lacks', (saved: string) => saved.replace('policy drop;\n', 'policy drop;\n    iif "tibox-none" drop\n')],
  ])('loads the fail-closed baseline instead of a saved ruleset %s, and still restores the rest', async (name, spoil) => {
    const saved = readFileSync(join(stateDir, RULESET_STATE_FILE), 'utf8');
    expect(spoil(saved)).not.toBe(saved);
    const ns = await rebooted(name === 'cut short' ? 'cut' : 'nodev');
    const messages = await boot(ns, stateCopy(name, spoil(saved)));
    expect(messages).toEqual([
      'saved ruleset does not load: fail-closed baseline instead',
      'fail-closed baseline loaded',
      'owned LAN links restored',
      'WAN restored',
      'TI prefixes unreachable until the tunnel is up',
    ]);
    const booted = await table(ns);
    await processRunner.run('nft', ['-f', '-'], { netns: ns, input: renderRuleset(null) });
    expect(booted).toBe(await table(ns));
    expect(await lanSide(ns)).toEqual(afterLan());
    expect(await tiTable(ns)).toEqual(['unreachable 100.102.0.0/15 proto static', 'unreachable 100.64.0.0/10 proto static']);
  });
});
