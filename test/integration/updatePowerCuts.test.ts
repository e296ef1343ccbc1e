// Power cuts and crashes during a system update, in the lab (updateLab.ts), each at a step the
// update cannot finish by itself:
// - during the download: the server's line stalls half way, and the box loses power. The next
//   boot's agent asks only for the rest (HTTP Range from the byte its part file ends at), checks
//   the whole file's sha256 and goes on; no byte is downloaded twice;
// - between the install and the reboot: the agent dies after RAUC installed the new slot and
//   the reboot was asked for, before the box rebooted; its supervisor starts it again in the same
//   boot. It keeps the pending boot, reports nothing, and asks for the reboot again;
// - during the health commit: the new slot runs, but its tunnel cannot come up, and the box
//   loses power while the checks still fail. Nothing is marked; the next boot starts the new
//   slot again, its agent counts the second boot and judges it, and once the tunnel comes up the
//   slot is marked good and the server gets one `success`.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRunner } from '../../src/core/runner.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { PLAN } from '../lab/topology.ts';
import { TIBOX, UpdateLab } from './updateLab.ts';
import { waitFor } from './waitFor.ts';

/** The health commit's bound: long enough for a power cut in the middle of one that cannot pass. */
const COMMIT_SECONDS = 90;

let u: UpdateLab;

beforeAll(async () => {
  u = await UpdateLab.create(COMMIT_SECONDS);
}, 180_000);

afterAll(async () => {
  await u?.destroy();
});

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const agentStatus = async (): Promise<AgentStatus> => JSON.parse((await processRunner.run(TIBOX, ['--socket', u.socketPath, 'status', '--json'])).stdout) as AgentStatus;
const closed = async (id: string) => (await u.feedback(id)).filter((f) => f.startsWith('closed/'));

describe('power cuts and crashes during a system update, in the lab', () => {
  let actionId = '';
  let bundle = '';

  it('resumes a download a power cut broke off, asks for no byte twice, and checks the whole file', async () => {
    bundle = await u.bundle('2.0.0');
    const size = statSync(bundle).size;
    const half = Math.floor(size / 2);
    // The line stalls after half the bundle; the box's wait for more (30 s) is cut short by the power cut.
    await u.admin.setFaults({ stallDownloadAt: half });
    const since = (await u.admin.requests()).length;
    actionId = await u.admin.assign({
      controllerId: PLAN.boxId, update: 'forced', maintenanceWindow: 'unavailable',
      chunks: [{ part: 'os', version: '2.0.0', name: 'tibox', artifacts: [{ filename: 'tibox.raucb', path: bundle }] }],
    });
    const file = join(u.dataDir, 'updates', actionId, '0', 'tibox.raucb');
    // The box polls every 30 s at the least (hawkBit's floor), so the download starts within that.
    await waitFor(() => expect(existsSync(`${file}.part`) && statSync(`${file}.part`).size).toBe(half), 90_000, 100);

    expect(await u.reboot({ powerCut: true })).toBe('A');
    await waitFor(async () => expect(await u.feedback(actionId)).toContain("scheduled/none: downloaded; the install waits: the server's maintenance window is closed"), 90_000, 500);
    const downloads = (await u.admin.requests(since)).filter((r) => r.path.includes('/artifacts/')).map((r) => `${r.status} ${r.range ?? 'whole'}`);
    expect(downloads).toEqual(['200 whole', `206 bytes=${half}-`]);
    expect(await u.feedback(actionId)).toContain('proceeding/none: tibox.raucb downloaded and its sha256 checked');
    expect(existsSync(`${file}.part`)).toBe(false);
    expect(sha256(file)).toBe(sha256(bundle));
    expect(u.rauc.bootloaderState()).toBe('primary A; A good; B good');
  }, 240_000);

  it('keeps the pending boot of an agent that died between the install and the reboot, and asks for the reboot again', async () => {
    await u.admin.setMaintenanceWindow(actionId, 'available');
    await u.reboots.next(120_000);
    expect(u.rauc.bootloaderState()).toBe('primary B; A good; B good');
    const before = (await agentStatus()).startedAt;
    // The agent dies before the box reboots; its supervisor starts it again, in the same boot.
    u.lab.killAgent();
    await u.reboots.next(60_000);
    // The new agent asks for the reboot as it starts, before its control socket opens.
    await waitFor(async () => expect((await agentStatus()).startedAt).not.toBe(before), 30_000, 200);
    const status = await u.updateStatus();
    expect(status.system).toMatchObject({ booted: 'A', pending: { slot: 'B', version: '2.0.0', actionId, boots: 0, committed: false } });
    expect(status.system?.lastOutcome).toBeUndefined();
    expect(u.rauc.bootloaderState()).toBe('primary B; A good; B good');
    expect((await u.admin.action(actionId)).state).toBe('open');
    expect(await closed(actionId)).toEqual([]);
  }, 240_000);

  it('decides the new slot on the next start after a power cut during its health commit, and reports it once', async () => {
    // The new slot's tunnel cannot come up, so its health commit goes on checking.
    await u.lab.refuseTunnel(true);
    // The reboot the agent asked for comes as a power cut.
    expect(await u.reboot({ powerCut: true })).toBe('B');
    await waitFor(async () => expect((await u.updateStatus()).system?.pending).toMatchObject({ slot: 'B', boots: 1, committed: false }), 60_000, 500);
    // Power cut in the middle of the commit: nothing was marked, the bootloader starts the new slot again.
    expect(await u.reboot({ powerCut: true })).toBe('B');
    expect(u.rauc.bootloaderState()).toBe('primary B; A good; B good');
    await waitFor(async () => expect((await u.updateStatus()).system?.pending).toMatchObject({ slot: 'B', boots: 2, committed: false }), 60_000, 500);
    expect(await closed(actionId)).toEqual([]);

    await u.lab.refuseTunnel(false);
    await waitFor(async () => expect((await u.admin.action(actionId)).state).toBe('finished'), 120_000, 500);
    expect(await closed(actionId)).toEqual(['closed/success: version 2.0.0 runs in slot B, passed its health check and is marked good']);
    expect(u.rauc.bootloaderState()).toBe('primary B; A good; B good');
    const status = await u.updateStatus();
    expect(status.system).toMatchObject({ booted: 'B', lastOutcome: { actionId, result: 'success', version: '2.0.0' } });
    expect(status.system?.pending).toBeUndefined();
    expect((await u.admin.target(PLAN.boxId)).configData?.data).toMatchObject({ firmware: '2.0.0', 'os.slot': 'B', 'os.version': '2.0.0' });
  }, 300_000);
});
