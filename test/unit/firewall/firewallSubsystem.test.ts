// The Firewall subsystem against a fake nft: each load is `nft -c` then `nft -f` of the same
// text, a repeat apply runs nothing, a refused desired state runs nothing and changes nothing
// (neither the kernel nor what `firewall.print` answers), and a failed load leaves it failed.
// Every full ruleset the kernel took is saved for the boot (0600), and only such a one; its
// removal reaches the disk before apply(null) resolves.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { Health } from '../../../src/core/health.ts';
import { Firewall, NftLoader, renderRuleset, RULESET_STATE_FILE, type FirewallDesired } from '../../../src/firewall/index.ts';
import { memoryLogger } from '../control/helpers.ts';
import { FakeNft, NO_HEALTH, NO_MONITOR } from './fakeNft.ts';
import { ONE_PVS_ONE_TERMINAL, PVS, TERMINAL } from './firewallDesired.ts';

const NOW = new Date('2025-05-02T08:00:00.000Z');
/** The text a first load puts into an empty kernel at `now`: no counter to carry, the devices' counting from then. */
const firstLoad = (desired: FirewallDesired, now = NOW) => renderRuleset(desired, { values: new Map(), now: now.toISOString() });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tibox-fw-'));
  dirs.push(dir);
  const stateDir = join(dir, 'state');
  const nft = new FakeNft();
  // Each directory sync with what the directory held at that moment: a sync seen after a removal
  // no longer lists the file.
  const syncs: { dir: string; entries: string[] }[] = [];
  const syncDirectory = async (path: string) => void syncs.push({ dir: path, entries: readdirSync(path).sort() });
  const firewall = new Firewall({ monitor: NO_MONITOR, health: NO_HEALTH, nft: new NftLoader(nft), stateDir, log: memoryLogger().log, syncDirectory, now: () => NOW });
  const actions = new ControlActions();
  firewall.registerActions(actions);
  const print = async () => ((await actions.run('firewall.print', {}, { actor: 'test' })) as { ruleset: string }).ruleset;
  const saved = join(stateDir, RULESET_STATE_FILE);
  return { nft, firewall, print, stateDir, saved, syncs };
}

describe('Firewall', () => {
  it('reads the counters, checks, then loads the rendered ruleset and lists what the kernel took; a repeat apply runs nothing', async () => {
    const { nft, firewall } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    expect(nft.calls).toEqual(['nft -j list counters table inet tibox', 'nft -c -f -', 'nft -f -', 'nft -s list table inet tibox']);
    expect(nft.table).toBe(firstLoad(ONE_PVS_ONE_TERMINAL));
    await firewall.apply(structuredClone(ONE_PVS_ONE_TERMINAL));
    expect(nft.calls).toHaveLength(4);
  });

  it('carries every counter over a device change: a changed device keeps its own, a removed one takes them along', async () => {
    const { nft, firewall, saved } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    nft.count('device_1_accepted', 1200, 96_000);
    nft.count('device_1_dropped', 3, 180);
    nft.count('device_2_dropped', 2, 120);
    nft.count('wrong_mac', 3, 180);
    // The PVS host is renamed and moves to another address and MAC; the terminal is removed.
    const moved = { ...ONE_PVS_ONE_TERMINAL, hosts: [{ ...PVS, name: 'Empfang 2', address: '10.77.12.11', mac: '02:00:5e:10:00:11' }] };
    await firewall.apply(moved);
    const counters = nft.table?.split('\n').filter((line) => /^ {2}counter (device_|wrong_mac)/.test(line));
    expect(counters).toEqual([
      '  counter wrong_mac { comment "tibox: dropped: a registered TI address sent from another MAC" packets 3 bytes 180 }',
      `  counter device_1_accepted { comment "tibox: routed to and from a registered device, since ${NOW.toISOString()}" packets 1200 bytes 96000 }`,
      `  counter device_1_dropped { comment "tibox: dropped from or to a registered device, since ${NOW.toISOString()}" packets 3 bytes 180 }`,
    ]);
    // The boot counts from zero: its file is the ruleset `fw print` shows, without values or times.
    expect(readFileSync(saved, 'utf8')).toBe(renderRuleset(moved));
    // The terminal registered again is a new device with counters of its own.
    await firewall.apply({ ...ONE_PVS_ONE_TERMINAL, hosts: [{ ...TERMINAL, id: 3 }] });
    expect(nft.table?.split('\n').filter((line) => line.startsWith('  counter device_'))).toEqual([
      `  counter device_3_accepted { comment "tibox: routed to and from a registered device, since ${NOW.toISOString()}" }`,
      `  counter device_3_dropped { comment "tibox: dropped from or to a registered device, since ${NOW.toISOString()}" }`,
    ]);
  });

  it('refuses a bad desired state before running anything and keeps what it had', async () => {
    const { nft, firewall, print } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    await expect(firewall.apply({ ...ONE_PVS_ONE_TERMINAL, hosts: [{ ...PVS, mac: 'not-a-mac' }] })).rejects.toMatchObject({
      code: 'TIBOX_FIREWALL_INVALID',
    });
    expect(nft.calls).toHaveLength(4);
    expect(await print()).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
    expect(firewall.status().state).toBe('running');
  });

  it('reports failed when nft refuses, and loads again on the next apply', async () => {
    const { nft, firewall } = setup();
    nft.refuse = true;
    await expect(firewall.apply(ONE_PVS_ONE_TERMINAL)).rejects.toThrow('nft -c -f - exited with 1: Error: Could not process rule');
    expect(firewall.status()).toMatchObject({ state: 'failed', detail: expect.stringContaining('Could not process rule') });
    nft.refuse = false;
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    expect(firewall.status().state).toBe('running');
    expect(nft.table).toBe(firstLoad(ONE_PVS_ONE_TERMINAL));
  });

  it('apply(null) loads the fail-closed baseline', async () => {
    const { nft, firewall } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    await firewall.apply(null);
    expect(nft.table).toBe(renderRuleset(null));
  });
});

describe('the ruleset saved for the boot', () => {
  it('is each full ruleset the kernel took, readable by root alone', async () => {
    const { firewall, stateDir, saved } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    expect(readFileSync(saved, 'utf8')).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
    expect(statSync(saved).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    const next = { ...ONE_PVS_ONE_TERMINAL, hosts: [PVS] };
    await firewall.apply(next);
    expect(readFileSync(saved, 'utf8')).toBe(renderRuleset(next));
  });

  it('is not one the kernel refused: the last one it took stays', async () => {
    const { nft, firewall, saved } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    nft.refuse = true;
    await expect(firewall.apply({ ...ONE_PVS_ONE_TERMINAL, hosts: [PVS] })).rejects.toThrow('Could not process rule');
    expect(readFileSync(saved, 'utf8')).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
  });

  it('is never the baseline: apply(null) removes the file, also one an earlier agent left', async () => {
    const { firewall, stateDir, saved } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    const restarted = new Firewall({ monitor: NO_MONITOR, health: NO_HEALTH, nft: new NftLoader(new FakeNft()), stateDir, log: memoryLogger().log });
    await restarted.apply(null);
    expect(existsSync(saved)).toBe(false);
    await firewall.apply(null);
    expect(existsSync(saved)).toBe(false);
  });

  it('is removed for good: the state directory is synced after the removal', async () => {
    const { firewall, stateDir, syncs } = setup();
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    expect(syncs).toEqual([]);
    await firewall.apply(null);
    expect(syncs).toEqual([{ dir: stateDir, entries: [] }]);
    // Already the baseline, already removed: nothing to do.
    await firewall.apply(null);
    expect(syncs).toHaveLength(1);
  });

  it('is the baseline on a box without a state directory, which apply(null) does not create', async () => {
    const { firewall, stateDir, syncs } = setup();
    await firewall.apply(null);
    expect(existsSync(stateDir)).toBe(false);
    expect(syncs).toEqual([]);
    expect(firewall.status().state).toBe('running');
  });

  it('is saved on a repeat apply when saving failed, without loading again', async () => {
    const { nft, firewall, stateDir, saved } = setup();
    // A file where the state directory belongs: nothing can be saved.
    writeFileSync(stateDir, '');
    // The kernel took it: the apply succeeds, and the firewall says what the boot would miss.
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    expect(firewall.status()).toMatchObject({ state: 'degraded', detail: expect.stringMatching(/^ruleset loaded, but not saved for the boot: /) });
    expect(nft.table).toBe(firstLoad(ONE_PVS_ONE_TERMINAL));
    rmSync(stateDir);
    const calls = nft.calls.length;
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    expect(nft.calls).toHaveLength(calls);
    expect(readFileSync(saved, 'utf8')).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
    expect(firewall.status().state).toBe('running');
  });
});

/** A monitor the test fires by hand, as nft monitor would on any ruleset change. */
class HandMonitor {
  private listeners = new Set<() => void>();
  watch(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }
  fire(): void {
    for (const listener of this.listeners) listener();
  }
  get watching(): number {
    return this.listeners.size;
  }
}

describe('Firewall, when the kernel table is changed behind its back', () => {
  const started: Firewall[] = [];
  afterEach(async () => {
    for (const firewall of started.splice(0)) await firewall.stop();
  });

  function watched() {
    const { nft, stateDir } = setup();
    const monitor = new HandMonitor();
    const logger = memoryLogger();
    const clock = { now: new Date('2025-05-02T08:00:00.000Z') };
    const now = () => clock.now;
    const health = new Health(() => undefined, now);
    const firewall = new Firewall({ monitor, nft: new NftLoader(nft), stateDir, log: logger.log, health, now, settleMs: 5, checkIntervalMs: 60_000 });
    started.push(firewall);
    /** The health list as `code (since): detail` lines. */
    const warnings = () => health.list().map((w) => `${w.code} (${w.since}): ${w.detail ?? ''}`);
    /** Lets the clock go on; timers stay real. */
    const later = (ms: number) => (clock.now = new Date(clock.now.getTime() + ms));
    return { nft, monitor, firewall, logger, warnings, later };
  }
  /** The monitor's event, then the settled pass. */
  const after = async (monitor: HandMonitor) => {
    monitor.fire();
    await new Promise((r) => setTimeout(r, 30));
  };

  it('loads its ruleset again after `nft flush ruleset`, and says so in the log and the health list', async () => {
    const { nft, monitor, firewall, logger, warnings, later } = watched();
    await firewall.start(AbortSignal.timeout(1_000));
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    later(60_000);
    nft.table = undefined;
    await after(monitor);
    // Its counters went with the table: they count anew from the repair.
    expect(nft.table).toBe(firstLoad(ONE_PVS_ONE_TERMINAL, new Date('2025-05-02T08:01:00.000Z')));
    expect(firewall.status().state).toBe('running');
    expect(logger.lines().map((l) => l.msg)).toContain('the tibox table is missing from the kernel: loading it again');
    expect(warnings()).toEqual([
      'firewall.tableChanged (2025-05-02T08:01:00.000Z): the tibox table is missing from the kernel; loaded again at 2025-05-02T08:01:00.000Z',
    ]);
  });

  it('loads its ruleset again when a rule was added to its table from outside', async () => {
    const { nft, monitor, firewall, logger } = watched();
    await firewall.start(AbortSignal.timeout(1_000));
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    const loaded = nft.table;
    nft.count('device_1_accepted', 10, 800);
    nft.table = `${nft.table}# a rule someone inserted\n`;
    await after(monitor);
    expect(nft.table).toBe(loaded?.replace(/(counter device_1_accepted \{ comment "[^"]*")/, '$1 packets 10 bytes 800'));
    expect(logger.lines().map((l) => l.msg)).toContain('the tibox table was changed from outside: loading it again');
  });

  it('keeps the warning for a day after the table is back, the day starting again with each new change', async () => {
    const { nft, monitor, firewall, warnings, later } = watched();
    await firewall.start(AbortSignal.timeout(1_000));
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    nft.table = `${nft.table}# a rule someone inserted\n`;
    await after(monitor);
    const first = 'firewall.tableChanged (2025-05-02T08:00:00.000Z): the tibox table was changed from outside';
    expect(warnings()).toEqual([`${first}; loaded again at 2025-05-02T08:00:00.000Z`]);
    // Twelve hours on someone flushes the ruleset: the warning says so, and stands since the first.
    later(12 * 3_600_000);
    nft.table = undefined;
    await after(monitor);
    const second = 'firewall.tableChanged (2025-05-02T08:00:00.000Z): the tibox table is missing from the kernel; loaded again at 2025-05-02T20:00:00.000Z';
    expect(warnings()).toEqual([second]);
    // The checks that find the table as loaded keep it until a day after the second restore.
    later(24 * 3_600_000 - 1);
    await after(monitor);
    expect(warnings()).toEqual([second]);
    later(1);
    await after(monitor);
    expect(warnings()).toEqual([]);
  });

  it('loads nothing when the change was its own or another table\'s', async () => {
    const { nft, monitor, firewall, warnings } = watched();
    await firewall.start(AbortSignal.timeout(1_000));
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    const loads = nft.calls.filter((c) => c === 'nft -f -').length;
    await after(monitor);
    await after(monitor);
    expect(nft.calls.filter((c) => c === 'nft -f -')).toHaveLength(loads);
    expect(nft.calls.at(-1)).toBe('nft -s list table inet tibox');
    expect(warnings()).toEqual([]);
  });

  it('does not say running while the table is missing and cannot be loaded again', async () => {
    const { nft, monitor, firewall, warnings, later } = watched();
    await firewall.start(AbortSignal.timeout(1_000));
    await firewall.apply(ONE_PVS_ONE_TERMINAL);
    nft.table = undefined;
    nft.refuse = true;
    await after(monitor);
    expect(firewall.status()).toMatchObject({
      state: 'failed',
      detail: expect.stringMatching(/^the tibox table is missing from the kernel, and loading it again failed: /),
    });
    expect(warnings()).toEqual([
      expect.stringMatching(/^firewall\.tableChanged \(2025-05-02T08:00:00\.000Z\): the tibox table is missing from the kernel, and loading it again failed: /),
    ]);
    // As soon as nft takes it again, the next change or check restores it.
    later(5 * 60_000);
    nft.refuse = false;
    await after(monitor);
    expect(nft.table).toBe(firstLoad(ONE_PVS_ONE_TERMINAL, new Date('2025-05-02T08:05:00.000Z')));
    expect(firewall.status().state).toBe('running');
    expect(warnings()).toEqual([
      'firewall.tableChanged (2025-05-02T08:00:00.000Z): the tibox table is missing from the kernel; loaded again at 2025-05-02T08:05:00.000Z',
    ]);
  });

  it('leaves the table the boot loaded alone until its own first load, and stops watching when stopped', async () => {
    const { nft, monitor, firewall, warnings } = watched();
    await firewall.start(AbortSignal.timeout(1_000));
    nft.table = 'the boot\'s table';
    await after(monitor);
    expect(nft.calls).toEqual([]);
    expect(warnings()).toEqual([]);
    expect(monitor.watching).toBe(1);
    await firewall.stop();
    expect(monitor.watching).toBe(0);
  });
});

describe('firewall.print', () => {
  it('answers the baseline before any apply, then the ruleset it would load, loading nothing', async () => {
    const { nft, firewall, print } = setup();
    expect(await print()).toBe(renderRuleset(null));
    nft.refuse = true;
    await expect(firewall.apply(ONE_PVS_ONE_TERMINAL)).rejects.toThrow();
    // Not in the kernel, but what the agent is trying to load.
    expect(await print()).toBe(renderRuleset(ONE_PVS_ONE_TERMINAL));
    const calls = nft.calls.length;
    await print();
    expect(nft.calls).toHaveLength(calls);
  });

  it('takes no arguments', async () => {
    const actions = new ControlActions();
    setup().firewall.registerActions(actions);
    await expect(actions.run('firewall.print', { apply: true }, { actor: 'test' })).rejects.toMatchObject({ code: 'TIBOX_BAD_REQUEST', message: 'bad request: unknown argument "apply"' });
    await expect(actions.run('firewall.print', [], { actor: 'test' })).rejects.toMatchObject({ code: 'TIBOX_BAD_REQUEST' });
  });
});
