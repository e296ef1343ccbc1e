// The installer of `os` modules with a fake RAUC: the install gets a permit naming the running
// version and whether the deployment is forced, which RAUC's pre-install handler judges the
// verified version by (the fake judges as the handler does); an older one is refused before
// anything is written unless forced, and after the install the pending boot names the version
// RAUC verified, the new slot, the old one, and the action.
import { describe, expect, it } from 'vitest';
import { raucInstaller, type ModuleJob, type PendingBoot, type RaucStatus } from '../../../../src/updater/index.ts';
import { judgeBundle, RaucError } from '../../../../src/updater/rauc/index.ts';

const STATUS: RaucStatus = {
  compatible: 'tibox',
  booted: 'A',
  bootPrimary: 'rootfs.0',
  slots: [
    { name: 'rootfs.0', bootname: 'A', state: 'booted', bootStatus: 'good', version: '1.4.0', installedAt: undefined },
    { name: 'rootfs.1', bootname: 'B', state: 'inactive', bootStatus: 'good', version: undefined, installedAt: undefined },
  ],
};

function setup(offered: string, booted: RaucStatus = STATUS) {
  const calls: string[] = [];
  const prepared: (Omit<PendingBoot, 'boots' | 'committed'> & { forced: boolean })[] = [];
  const installer = raucInstaller({
    rauc: {
      status: () => Promise.resolve(booted),
      install: (file, permit, onStep) => {
        calls.push(`install ${file} ${JSON.stringify(permit)}`);
        const verdict = judgeBundle(permit, { version: offered, compatible: 'tibox' });
        if (verdict.problem) return Promise.reject(new RaucError('RAUC_INSTALL_REFUSED', `the update was refused: ${verdict.problem}`));
        // What RAUC 1.8 prints, in the order it prints it.
        const steps = [[0, 'Installing'], [0, 'Determining slot states'], [20, 'Determining slot states done.'], [20, 'Checking bundle'], [40, 'Checking bundle done.'],
          [40, 'Checking manifest contents'], [60, 'Checking manifest contents done.'], [80, 'Copying image to rootfs.1'], [100, 'Copying image to rootfs.1 done.'], [100, 'Installing done.']]
          .map(([percent, message]) => ({ percent: percent as number, message: message as string }));
        for (const step of steps) onStep?.(step);
        return Promise.resolve({ steps, verdict });
      },
    },
    prepareBoot: (pending, forced) => Promise.resolve(void prepared.push({ ...pending, forced })),
    runningVersion: '1.0.0',
  });
  const progress: string[] = [];
  const job = (over: Partial<ModuleJob> = {}): ModuleJob => ({
    actionId: '9', chunk: { part: 'os', version: offered, name: 'tibox', encrypted: false, artifacts: [], metadata: [] },
    files: ['/data/updates/9/0/tibox.raucb'], forced: false, progress: (lines, step) => Promise.resolve(void progress.push(...lines.map((l) => (step ? `${step.cnt}/${step.of} ${l}` : l)))), ...over,
  });
  return { installer, calls, prepared, progress, job };
}

describe('raucInstaller', () => {
  it('installs into the other slot and records the boot that must judge it', async () => {
    const { installer, calls, prepared, progress, job } = setup('2.0.0');
    expect(await installer.install(job())).toEqual({ kind: 'rebootInto', version: '2.0.0', details: ['version 2.0.0 installed into slot B (RAUC: 100% Installing done.)'] });
    expect(calls).toEqual(['install /data/updates/9/0/tibox.raucb {"installed":"1.4.0","forced":false}']);
    // One feedback per quarter of RAUC's progress, not one per line it prints.
    expect(progress).toEqual([
      'installing tibox 2.0.0 into slot B (rootfs.1) once RAUC has checked it; version 1.4.0 keeps running in slot A',
      '40/100 RAUC: 40% Checking bundle done.',
      '60/100 RAUC: 60% Checking manifest contents done.',
      '80/100 RAUC: 80% Copying image to rootfs.1',
      '100/100 RAUC: 100% Copying image to rootfs.1 done.',
    ]);
    expect(prepared).toEqual([{ slot: 'B', version: '2.0.0', previousSlot: 'A', previousVersion: '1.4.0', actionId: '9', forced: false }]);
  });

  it('has RAUC refuse an older version than the running one before it writes, unless forced', async () => {
    const { installer, calls, prepared, job } = setup('1.3.0');
    await expect(installer.install(job())).rejects.toThrow('the update was refused: version 1.3.0 is older than the installed 1.4.0; only a forced deployment installs an older version');
    expect(prepared).toEqual([]);
    expect(await installer.install(job({ forced: true }))).toMatchObject({ kind: 'rebootInto', version: '1.3.0' });
    expect(calls).toEqual(['install /data/updates/9/0/tibox.raucb {"installed":"1.4.0","forced":false}', 'install /data/updates/9/0/tibox.raucb {"installed":"1.4.0","forced":true}']);
    expect(prepared).toEqual([expect.objectContaining({ version: '1.3.0', forced: true })]);
  });

  it('records the version RAUC verified, not the one the server names', async () => {
    const { installer, prepared, job } = setup('2.1.0');
    const named = job({ chunk: { part: 'os', version: 'nightly', name: 'tibox', encrypted: false, artifacts: [], metadata: [] } });
    expect(await installer.install(named)).toMatchObject({ kind: 'rebootInto', version: '2.1.0' });
    expect(prepared).toEqual([expect.objectContaining({ version: '2.1.0' })]);
  });

  it('takes the agent\'s version for a booted slot RAUC installed nothing into', async () => {
    const factory = { ...STATUS, slots: STATUS.slots.map((s) => ({ ...s, version: undefined })) };
    const { installer, prepared, job } = setup('0.9.0', factory);
    await expect(installer.install(job())).rejects.toThrow('version 0.9.0 is older than the installed 1.0.0');
    expect(prepared).toEqual([]);
  });

  it('refuses a module of more than one artifact', async () => {
    const { installer, calls, job } = setup('2.0.0');
    await expect(installer.install(job({ files: ['/a.raucb', '/b.raucb'] }))).rejects.toThrow('an os module carries one RAUC bundle; this one carries 2 artifacts');
    expect(calls).toEqual([]);
  });
});
