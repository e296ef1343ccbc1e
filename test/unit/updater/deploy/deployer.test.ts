// The deployment's way after the download, with a fake server side and fake installers: it waits
// with one `scheduled` feedback per reason and installs once the window opens, hands each module
// to the installer of its type, closes with the installer's words, reboots into a new system
// and leaves its outcome to the boot after; a cancel while it waits ends it quietly. A module that
// interrupts nothing installs during opening hours, and installsDone() waits for its last word.
import { describe, expect, it, vi } from 'vitest';
import {
  Deployer, InstallFailure, REBOOT_RETRY_MS, type ActionReport, type AfterDownloadPhase, type DeploymentBase, type DownloadedAction, type ModuleInstaller, type UpdateOutcome, type UpdateTimes,
} from '../../../../src/updater/index.ts';

const TIMES: UpdateTimes = { openingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], openingFrom: '06:00', openingUntil: '22:00', closedOnHolidays: true, installMinutes: 30 };
const CLOSED = new Date('2026-07-14T21:00:00Z');
const log = { info: () => {}, warn: () => {} };
const chunk = (part: string) => ({ part, version: '2.0.0', name: part, encrypted: false, artifacts: [], metadata: [] });

function deployment(over: Partial<DeploymentBase> = {}): DeploymentBase {
  return { id: '7', download: 'forced', update: 'attempt', maintenanceWindow: undefined, chunks: [chunk('os')], actionHistory: undefined, ...over };
}

/** The server side as the deployer sees it: reports as text, phases, and the deployment each refresh returns. */
function fakeAction(first: DeploymentBase, later: DeploymentBase[] = []) {
  const reports: string[] = [];
  const phases: string[] = [];
  const abort = new AbortController();
  const action: DownloadedAction = {
    deployment: first,
    files: first.chunks.map((c, i) => [`/data/updates/7/${i}/${c.part}.bin`]),
    signal: abort.signal,
    refresh: () => Promise.resolve(later.shift() ?? first),
    report: (r: ActionReport) => {
      reports.push(`${r.execution}/${r.finished}: ${r.details.join(' | ')}`);
      return Promise.resolve();
    },
    setPhase: (phase: AfterDownloadPhase, detail?: string) => void phases.push(detail ? `${phase}: ${detail}` : phase),
    pollIntervalMs: () => 300_000,
  };
  return { action, reports, phases, abort };
}

function installer(part: string, outcome: 'installed' | 'rebootInto' | Error, calls: string[]): ModuleInstaller {
  return {
    part,
    async install(job) {
      calls.push(`${part} ${job.files.join(',')} forced=${job.forced}`);
      await job.progress([`${part} under way`]);
      if (outcome instanceof Error) throw outcome;
      return outcome === 'installed' ? { kind: 'installed', details: [`${part} installed`] } : { kind: 'rebootInto', version: '2.0.0', details: [`${part} written to slot B`] };
    },
  };
}

function deployer(installers: ModuleInstaller[], over: { waits?: number[]; now?: Date; reboots?: string[]; outcomes?: UpdateOutcome[] } = {}) {
  return new Deployer({
    installers,
    times: () => TIMES,
    reboot: { reboot: (reason) => Promise.resolve(void over.reboots?.push(reason)) },
    recordOutcome: (outcome) => Promise.resolve(void over.outcomes?.push(outcome)),
    log,
    now: () => over.now ?? CLOSED,
    wait: (ms, signal) => {
      over.waits?.push(ms);
      signal.throwIfAborted();
      return Promise.resolve();
    },
  });
}

describe('Deployer', () => {
  it('waits for the server\'s window with one scheduled feedback, and installs when a later look finds it open', async () => {
    const calls: string[] = [];
    const waits: number[] = [];
    const closed = deployment({ maintenanceWindow: 'unavailable', chunks: [chunk('app')] });
    const { action, reports, phases } = fakeAction(closed, [closed, deployment({ maintenanceWindow: 'available', chunks: [chunk('app')] })]);
    const outcomes: UpdateOutcome[] = [];
    expect(await deployer([installer('app', 'installed', calls)], { waits, outcomes }).handle(action)).toBe('closed');
    expect(waits).toEqual([300_000, 300_000]);
    expect(reports).toEqual([
      "scheduled/none: downloaded; the install waits: the server's maintenance window is closed",
      'proceeding/none: installing: the practice is closed long enough for the install and the reboot',
      'proceeding/none: app under way',
      'closed/success: app installed',
    ]);
    expect(phases).toEqual(["waiting: the server's maintenance window is closed", "waiting: the server's maintenance window is closed", 'installing']);
    expect(calls).toEqual(['app /data/updates/7/0/app.bin forced=false']);
    expect(outcomes).toMatchObject([{ actionId: '7', result: 'success', details: ['app installed'] }]);
  });

  it('refuses a module type it has no installer for, and installs nothing', async () => {
    const calls: string[] = [];
    const outcomes: UpdateOutcome[] = [];
    const { action, reports } = fakeAction(deployment({ chunks: [chunk('os'), chunk('bios')] }));
    expect(await deployer([installer('os', 'rebootInto', calls)], { outcomes }).handle(action)).toBe('closed');
    expect(reports).toEqual(['closed/failure: the box has no installer for software modules of type "bios" (it knows os)']);
    expect(calls).toEqual([]);
    expect(outcomes).toMatchObject([{ result: 'failure' }]);
  });

  it('closes with the installer\'s words when it fails', async () => {
    const { action, reports } = fakeAction(deployment());
    expect(await deployer([installer('os', new Error('the update was refused: signature verification failed'), [])]).handle(action)).toBe('closed');
    expect(reports.at(-1)).toBe('closed/failure: the update was refused: signature verification failed');
    const lines = fakeAction(deployment());
    await deployer([installer('os', new InstallFailure(['imported', 'not carried', 'went back']), [])]).handle(lines.action);
    expect(lines.reports.at(-1)).toBe('closed/failure: imported | not carried | went back');
  });

  it('installs other modules before the system image, then reboots into it and leaves the outcome to the next boot', async () => {
    const calls: string[] = [];
    const reboots: string[] = [];
    const { action, reports, phases } = fakeAction(deployment({ update: 'forced', chunks: [chunk('os'), chunk('profile')] }));
    expect(await deployer([installer('os', 'rebootInto', calls), installer('profile', 'installed', calls)], { reboots }).handle(action)).toBe('rebooting');
    expect(calls).toEqual(['profile /data/updates/7/1/profile.bin forced=true', 'os /data/updates/7/0/os.bin forced=true']);
    expect(reports.at(-1)).toBe('proceeding/none: profile installed | os written to slot B | rebooting into version 2.0.0; the outcome follows after its health check');
    expect(reports.some((r) => r.startsWith('closed/'))).toBe(false);
    expect(phases.at(-1)).toBe('rebooting: rebooting into version 2.0.0');
    expect(reboots).toEqual(['update to version 2.0.0']);
  });

  it('asks for the reboot again when it fails, and never closes the action for it', async () => {
    const waits: number[] = [];
    let attempts = 0;
    const { action, reports } = fakeAction(deployment({ update: 'forced' }));
    const flaky = new Deployer({
      installers: [installer('os', 'rebootInto', [])],
      times: () => TIMES,
      reboot: { reboot: () => (++attempts === 1 ? Promise.reject(new Error('systemctl: Failed to connect to bus')) : Promise.resolve()) },
      recordOutcome: () => Promise.resolve(),
      log,
      now: () => CLOSED,
      wait: (ms) => Promise.resolve(void waits.push(ms)),
    });
    expect(await flaky.handle(action)).toBe('rebooting');
    expect(attempts).toBe(2);
    expect(waits).toEqual([REBOOT_RETRY_MS]);
    expect(reports.at(-1)).toBe('proceeding/none: the reboot failed (systemctl: Failed to connect to bus); it is asked for again in 60 s');
    expect(reports.some((r) => r.startsWith('closed/'))).toBe(false);
  });

  it('ends quietly when the action is canceled while it waits', async () => {
    const { action, reports, abort } = fakeAction(deployment({ maintenanceWindow: 'unavailable' }));
    abort.abort(new Error('canceled by the server'));
    expect(await deployer([installer('os', 'rebootInto', [])]).handle(action)).toBe('closed');
    expect(reports).toEqual(["scheduled/none: downloaded; the install waits: the server's maintenance window is closed"]);
  });

  it('installs a module that interrupts nothing while the practice is open, and installsDone() waits until its action is closed', async () => {
    const OPEN = new Date('2026-07-14T12:00:00Z');
    let release: (() => void) | undefined;
    const live: ModuleInstaller = {
      part: 'tibox-profile',
      live: true,
      install: () => new Promise((resolve) => (release = () => resolve({ kind: 'installed', details: ['profile renewed'] }))),
    };
    const { action, reports } = fakeAction(deployment({ chunks: [chunk('tibox-profile')] }));
    const d = deployer([live, installer('os', 'rebootInto', [])], { now: OPEN });
    const handled = d.handle(action);
    await vi.waitFor(() => expect(release).toBeDefined());
    expect(reports).toEqual(['proceeding/none: installing: it interrupts nothing, so it need not wait for the practice to close']);
    let done = false;
    const waited = d.installsDone().then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    release?.();
    await waited;
    expect(reports.at(-1)).toBe('closed/success: profile renewed');
    expect(await handled).toBe('closed');
  });

  it('closes an update that needs a reboot as failed where it has no way to reboot', async () => {
    const { action, reports } = fakeAction(deployment({ update: 'forced' }));
    const noReboot = new Deployer({ installers: [installer('os', 'rebootInto', [])], times: () => TIMES, recordOutcome: () => Promise.resolve(), log, now: () => CLOSED });
    expect(await noReboot.handle(action)).toBe('closed');
    expect(reports.at(-1)).toBe('closed/failure: os written to slot B | the box has no way to reboot into the update');
  });
});
