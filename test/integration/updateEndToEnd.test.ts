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
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRunner } from '../../src/core/runner.ts';
import type { UpdateStatus } from '../../src/updater/index.ts';
import type { LabDdiAdmin } from '../lab/ddi/admin.ts';
import { Lab } from '../lab/lab.ts';
import { createUpdateSigner, LabRauc, LabRebootRequests, type UpdateSigner } from '../lab/rauc.ts';
import { PLAN } from '../lab/topology.ts';
import { waitFor } from './waitFor.ts';

const REPO = join(fileURLToPath(import.meta.url), '..', '..', '..');
/** The agent's options where the box's image unit would give them: the lab's RAUC, its reboot, a short health commit. */
let agentArgs: string[] = [];
const tibox = join(REPO, 'bin', 'tibox');
const COMPATIBLE = 'tibox-lab';
/** The health commit's bound here: long enough for the tunnel after a boot, short for the bad case. */
const COMMIT_SECONDS = 40;

let lab: Lab;
let admin: LabDdiAdmin;
let rauc: LabRauc;
let signer: UpdateSigner;
let reboots: LabRebootRequests;
let socketPath: string;

/** A bundle of the agent's build, signed by the lab's update signer; `payload`: of that system instead. */
async function bundle(version: string, payload?: string): Promise<string> {
  const out = join(lab.dir, `tibox-${version}.raucb`);
  await processRunner.run(join(REPO, 'scripts', 'bundle.sh'), [
    '--cert', signer.cert, '--key', signer.key, '--out', out, '--version', version, '--compatible', COMPATIBLE, ...(payload ? ['--payload', payload] : []),
  ], { timeoutMs: 60_000 });
  return out;
}

/** A system whose agent cannot reach charon: its launcher gives a socket that is not there (the later option wins). */
function brokenSystem(version: string): string {
  const root = join(lab.dir, `broken-${version}`);
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

/** What the box's reboot does, in the lab's order: everything stops, the bootloader picks a slot, RAUC and the agent of that slot start. */
async function reboot(): Promise<string> {
  await lab.stopAgentAsAfterBoot();
  const booted = await rauc.reboot();
  lab.setAgentExtra(agentArgs, rauc.env, await rauc.bootedRoot(join(REPO, 'node_modules')));
  ({ socketPath } = await lab.startAgent());
  return booted;
}

const updateStatus = async (): Promise<UpdateStatus> => JSON.parse((await processRunner.run(tibox, ['--socket', socketPath, 'update', 'status', '--json'])).stdout) as UpdateStatus;
const feedback = async (id: string) => (await admin.action(id)).feedback.map((f) => `${f.execution}/${f.finished}: ${f.details.join(' | ')}`);

beforeAll(async () => {
  lab = await Lab.create({ boxCharon: 'agent', ddi: true });
  admin = lab.ddiAdmin();
  signer = await createUpdateSigner(processRunner, join(lab.dir, 'update-pki'), 'tibox');
  rauc = await LabRauc.start({ runner: processRunner, dir: join(lab.dir, 'rauc'), keyring: signer.ca, compatible: COMPATIBLE });
  reboots = new LabRebootRequests(join(lab.dir, 'reboot'));
  agentArgs = ['--rauc-conf', rauc.confFile, '--reboot-command', reboots.command, '--health-commit-seconds', String(COMMIT_SECONDS)];
  lab.setAgentExtra(agentArgs, rauc.env);
  // The deployer reads a waiting deployment again at the server's interval.
  await admin.setPolling('00:00:05');
  ({ socketPath } = await lab.startAgent());
  await lab.importProfile({ variant: 'v2' });
  await waitFor(async () => expect((await admin.target(PLAN.boxId)).configData?.data).toMatchObject({ tunnel: 'up', 'os.slot': 'A' }), 60_000);
}, 180_000);

afterAll(async () => {
  await rauc?.stop();
  await lab?.destroy();
});

describe('a system update through remote management, in the lab', () => {
  let actionId = '';

  it('waits while the server\'s maintenance window is closed, and writes nothing', async () => {
    const file = await bundle('2.0.0');
    actionId = await admin.assign({
      controllerId: PLAN.boxId, update: 'forced', maintenanceWindow: 'unavailable',
      chunks: [{ part: 'os', version: '2.0.0', name: 'tibox', artifacts: [{ filename: 'tibox.raucb', path: file }] }],
    });
    await waitFor(async () => expect(await feedback(actionId)).toContain("scheduled/none: downloaded; the install waits: the server's maintenance window is closed"), 60_000, 500);
    const status = await updateStatus();
    expect(status).toMatchObject({ action: { id: actionId, phase: 'waiting', detail: "the server's maintenance window is closed" }, system: { booted: 'A' } });
    expect(status.system?.slots.find((s) => s.bootname === 'B')?.version).toBeUndefined();
    expect(rauc.bootloaderState()).toBe('primary A; A good; B good');
  }, 120_000);

  it('installs into the other slot once the window opens, refuses a cancel during the install, and asks for the reboot', async () => {
    rauc.holdInstalls(true);
    try {
      await admin.setMaintenanceWindow(actionId, 'available');
      await waitFor(async () => expect(await updateStatus()).toMatchObject({ action: { id: actionId, phase: 'installing' } }), 60_000, 500);
      // The server's operator changes their mind while RAUC installs: too late.
      await admin.cancel(actionId);
      await waitFor(async () => expect((await admin.action(actionId)).cancelFeedback.map((f) => `${f.execution}/${f.finished}: ${f.details.join()}`)).toEqual(['rejected/none: the install has started; it cannot be canceled']), 60_000, 500);
      expect(await updateStatus()).toMatchObject({ action: { id: actionId, phase: 'installing' } });
    } finally {
      rauc.holdInstalls(false);
    }
    await reboots.next(90_000);
    expect(rauc.bootloaderState()).toBe('primary B; A good; B good');
    const status = await updateStatus();
    expect(status).toMatchObject({ action: { id: actionId, phase: 'rebooting' }, system: { pending: { slot: 'B', version: '2.0.0', previousSlot: 'A', actionId, boots: 0, committed: false } } });
    expect(status.system?.slots.find((s) => s.bootname === 'B')?.version).toBe('2.0.0');
    expect(await feedback(actionId)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^proceeding\/none: installing: the deployment is forced$/),
      expect.stringMatching(/^proceeding\/none: installing version 2\.0\.0 into slot B \(rootfs\.1\); version 0\.1\.0 keeps running in slot A$/),
      expect.stringMatching(/^proceeding\/none: RAUC: 100% /),
      expect.stringMatching(/^proceeding\/none: version 2\.0\.0 installed into slot B \(RAUC: 100% Installing done\.\) \| rebooting into version 2\.0\.0/),
    ]));
    expect((await admin.action(actionId)).state).toBe('open');
  }, 150_000);

  it('boots the new slot, passes the health commit, marks it good and reports success with the new version', async () => {
    expect(await reboot()).toBe('B');
    await waitFor(async () => expect((await admin.action(actionId)).state).toBe('finished'), 90_000, 500);
    expect((await feedback(actionId)).at(-1)).toBe('closed/success: version 2.0.0 runs in slot B, passed its health check and is marked good');
    // The agent that runs is slot B's own, and says so.
    expect((await admin.target(PLAN.boxId)).configData?.data).toMatchObject({ firmware: '2.0.0', 'os.slot': 'B', 'os.version': '2.0.0', tunnel: 'up' });
    expect(rauc.bootloaderState()).toBe('primary B; A good; B good');
    const status = await updateStatus();
    expect(status.system).toMatchObject({ booted: 'B', lastOutcome: { actionId, result: 'success', version: '2.0.0' } });
    expect(status.system?.pending).toBeUndefined();
    const { stdout } = await processRunner.run(tibox, ['--socket', socketPath, 'update', 'status'], { env: { TIBOX_LANG: 'en' } });
    expect(stdout).toContain('System: slot B runs version 2.0.0\n  slot A (rootfs.0): inactive, good, no version installed by RAUC\n  slot B (rootfs.1): booted, good, version 2.0.0\n  last update: success, version 2.0.0');
  }, 150_000);

  it('marks a new system whose agent cannot bring the tunnel up bad, boots back, and reports the failure from the old one', async () => {
    const file = await bundle('3.0.0', brokenSystem('3.0.0'));
    const id = await admin.assign({ controllerId: PLAN.boxId, update: 'forced', chunks: [{ part: 'os', version: '3.0.0', name: 'tibox', artifacts: [{ filename: 'tibox.raucb', path: file }] }] });
    // The first poll after the server's 5 s interval floor of 30 s brings it.
    await reboots.next(120_000);
    expect(rauc.bootloaderState()).toBe('primary A; A good; B good');
    expect(await reboot()).toBe('A');
    // Version 3.0.0 runs, without a tunnel; its health commit gives up at its bound, marks A bad and asks for the reboot back.
    expect((await updateStatus()).system?.pending).toMatchObject({ slot: 'A', version: '3.0.0' });
    await reboots.next((COMMIT_SECONDS + 30) * 1000);
    expect(rauc.bootloaderState()).toBe('primary A; A bad; B good');
    expect(await reboot()).toBe('B');
    await waitFor(async () => expect((await admin.action(id)).state).toBe('failed'), 90_000, 500);
    expect((await feedback(id)).at(-1)).toBe('closed/failure: version 3.0.0 in slot A did not come up healthy; slot B with version 2.0.0 runs again');
    const after = await updateStatus();
    expect(after.system).toMatchObject({ booted: 'B', lastOutcome: { actionId: id, result: 'failure', version: '3.0.0' } });
    expect(after.system?.pending).toBeUndefined();
    expect((await admin.target(PLAN.boxId)).configData?.data).toMatchObject({ firmware: '2.0.0', 'os.slot': 'B', 'os.version': '2.0.0' });
  }, 420_000);
});
