// System updates end to end in the lab: the agent in the box namespace polls the lab's DDI server
// through its tunnel, downloads a signed RAUC bundle, waits while the server's maintenance window
// is closed, installs it into the other slot of the lab's RAUC once it opens, refuses a cancel
// while RAUC installs it (the lab holds the install in RAUC's pre-install handler meanwhile), and
// asks for a reboot; the lab reboots the box (the bootloader starts the
// new slot) and starts the agent from the booted slot's image, the new version's own build; its
// health commit finds the agent, the WAN and the tunnel well and marks the slot good, and the
// server gets `success` with the new version in configData, reported by the new agent itself. A
// second update is a system whose launcher points the agent at a charon socket that is not there,
// so its agent cannot bring the tunnel up: marked bad, back in the old slot, `failure` reported by
// the old version. The factory's slot A is the checkout (the lab's slots start empty).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRunner } from '../../src/core/runner.ts';
import { PLAN } from '../lab/topology.ts';
import { REPO, TIBOX, UpdateLab } from './updateLab.ts';
import { waitFor } from './waitFor.ts';

/** The health commit's bound here: long enough for the tunnel after a boot, short for the bad case. */
const COMMIT_SECONDS = 40;

let u: UpdateLab;

/** A system whose agent cannot reach charon: its launcher gives a socket that is not there (the later option wins). */
function brokenSystem(version: string): string {
  const root = join(u.lab.dir, `broken-${version}`);
  cpSync(join(REPO, 'build'), join(root, 'build'), { recursive: true, dereference: true });
  cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(root, 'package.json'), JSON.stringify({ ...pkg, version }));
  const launcher = join(root, 'bin', 'tibox-agent');
  const exec = 'exec "$root/bin/tibox-node" --lean "$build/main.js" "$@"';
  const text = readFileSync(launcher, 'utf8');
  if (!text.includes(exec)) throw new Error('bin/tibox-agent no longer ends as this test expects');
  writeFileSync(launcher, text.replace(exec, `${exec} --charon-vici /run/tibox-lab-no-charon.vici`));
  return root;
}

beforeAll(async () => {
  u = await UpdateLab.create(COMMIT_SECONDS);
}, 180_000);

afterAll(async () => {
  await u?.destroy();
});

describe('a system update through remote management, in the lab', () => {
  let actionId = '';

  it('waits while the server\'s maintenance window is closed, and writes nothing', async () => {
    const file = await u.bundle('2.0.0');
    actionId = await u.admin.assign({
      controllerId: PLAN.boxId, update: 'forced', maintenanceWindow: 'unavailable',
      chunks: [{ part: 'os', version: '2.0.0', name: 'tibox', artifacts: [{ filename: 'tibox.raucb', path: file }] }],
    });
    await waitFor(async () => expect(await u.feedback(actionId)).toContain("scheduled/none: downloaded; the install waits: the server's maintenance window is closed"), 60_000, 500);
    const status = await u.updateStatus();
    expect(status).toMatchObject({ action: { id: actionId, phase: 'waiting', detail: "the server's maintenance window is closed" }, system: { booted: 'A' } });
    expect(status.system?.slots.find((s) => s.bootname === 'B')?.version).toBeUndefined();
    expect(u.rauc.bootloaderState()).toBe('primary A; A good; B good');
  }, 120_000);

  it('installs into the other slot once the window opens, refuses a cancel during the install, and asks for the reboot', async () => {
    u.rauc.holdInstalls(true);
    try {
      await u.admin.setMaintenanceWindow(actionId, 'available');
      await waitFor(async () => expect(await u.updateStatus()).toMatchObject({ action: { id: actionId, phase: 'installing' } }), 60_000, 500);
      // The server's operator changes their mind while RAUC installs: too late.
      await u.admin.cancel(actionId);
      await waitFor(async () => expect((await u.admin.action(actionId)).cancelFeedback.map((f) => `${f.execution}/${f.finished}: ${f.details.join()}`)).toEqual(['rejected/none: the install has started; it cannot be canceled']), 60_000, 500);
      expect(await u.updateStatus()).toMatchObject({ action: { id: actionId, phase: 'installing' } });
    } finally {
      u.rauc.holdInstalls(false);
    }
    await u.reboots.next(90_000);
    expect(u.rauc.bootloaderState()).toBe('primary B; A good; B good');
    const status = await u.updateStatus();
    expect(status).toMatchObject({ action: { id: actionId, phase: 'rebooting' }, system: { pending: { slot: 'B', version: '2.0.0', previousSlot: 'A', actionId, boots: 0, committed: false } } });
    expect(status.system?.slots.find((s) => s.bootname === 'B')?.version).toBe('2.0.0');
    expect(await u.feedback(actionId)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^proceeding\/none: installing: the deployment is forced$/),
      expect.stringMatching(/^proceeding\/none: installing tibox 2\.0\.0 into slot B \(rootfs\.1\) once RAUC has checked it; version 0\.1\.0 keeps running in slot A$/),
      expect.stringMatching(/^proceeding\/none: RAUC: 100% /),
      expect.stringMatching(/^proceeding\/none: version 2\.0\.0 installed into slot B \(RAUC: 100% Installing done\.\) \| rebooting into version 2\.0\.0/),
    ]));
    expect((await u.admin.action(actionId)).state).toBe('open');
  }, 150_000);

  it('boots the new slot, passes the health commit, marks it good and reports success with the new version', async () => {
    expect(await u.reboot()).toBe('B');
    await waitFor(async () => expect((await u.admin.action(actionId)).state).toBe('finished'), 90_000, 500);
    expect((await u.feedback(actionId)).at(-1)).toBe('closed/success: version 2.0.0 runs in slot B, passed its health check and is marked good');
    // The agent that runs is slot B's own, and says so.
    expect((await u.admin.target(PLAN.boxId)).configData?.data).toMatchObject({ firmware: '2.0.0', 'os.slot': 'B', 'os.version': '2.0.0', tunnel: 'up' });
    expect(u.rauc.bootloaderState()).toBe('primary B; A good; B good');
    const status = await u.updateStatus();
    expect(status.system).toMatchObject({ booted: 'B', lastOutcome: { actionId, result: 'success', version: '2.0.0' } });
    expect(status.system?.pending).toBeUndefined();
    const { stdout } = await processRunner.run(TIBOX, ['--socket', u.socketPath, 'update', 'status'], { env: { TIBOX_LANG: 'en' } });
    expect(stdout).toContain('System: slot B runs version 2.0.0\n  slot A (rootfs.0): inactive, good, no version installed by RAUC\n  slot B (rootfs.1): booted, good, version 2.0.0\n  last update: success, version 2.0.0');
  }, 150_000);

  it('marks a new system whose agent cannot bring the tunnel up bad, boots back, and reports the failure from the old one', async () => {
    const file = await u.bundle('3.0.0', brokenSystem('3.0.0'));
    const id = await u.admin.assign({ controllerId: PLAN.boxId, update: 'forced', chunks: [{ part: 'os', version: '3.0.0', name: 'tibox', artifacts: [{ filename: 'tibox.raucb', path: file }] }] });
    // The first poll after the server's 5 s interval floor of 30 s brings it.
    await u.reboots.next(120_000);
    expect(u.rauc.bootloaderState()).toBe('primary A; A good; B good');
    expect(await u.reboot()).toBe('A');
    // Version 3.0.0 runs, without a tunnel; its health commit gives up at its bound, marks A bad and asks for the reboot back.
    expect((await u.updateStatus()).system?.pending).toMatchObject({ slot: 'A', version: '3.0.0' });
    await u.reboots.next((COMMIT_SECONDS + 30) * 1000);
    expect(u.rauc.bootloaderState()).toBe('primary A; A bad; B good');
    expect(await u.reboot()).toBe('B');
    await waitFor(async () => expect((await u.admin.action(id)).state).toBe('failed'), 90_000, 500);
    expect((await u.feedback(id)).at(-1)).toBe('closed/failure: version 3.0.0 in slot A did not come up healthy; slot B with version 2.0.0 runs again');
    const after = await u.updateStatus();
    expect(after.system).toMatchObject({ booted: 'B', lastOutcome: { actionId: id, result: 'failure', version: '3.0.0' } });
    expect(after.system?.pending).toBeUndefined();
    expect((await u.admin.target(PLAN.boxId)).configData?.data).toMatchObject({ firmware: '2.0.0', 'os.slot': 'B', 'os.version': '2.0.0' });
  }, 420_000);
});
