// The installer of `os` modules: the RAUC bundle goes into the other slot, and the box boots it.
// RAUC checks the bundle's signature and compatible, then its pre-install handler judges the
// verified manifest's version against the permit given here (an older version than the running
// one only when forced), all before RAUC writes anything and without the agent reading the
// bundle a second time. After the install the pending boot is recorded on the data partition, so
// that the next boot judges the new slot and the action's outcome reaches the server after the reboot.
import { bootedSlot, otherSlot, stepWorthReporting, type RaucDriver } from '../rauc/index.ts';
import type { HealthCommit } from '../health/index.ts';
import type { ModuleInstaller } from './moduleInstaller.ts';

export interface RaucInstallerDeps {
  rauc: Pick<RaucDriver, 'status' | 'install'>;
  prepareBoot: HealthCommit['prepare'];
  /** The running firmware's version, where RAUC installed no bundle into the booted slot (the factory's). */
  runningVersion: string;
}

export function raucInstaller(deps: RaucInstallerDeps): ModuleInstaller {
  return {
    part: 'os',
    async install(job) {
      if (job.files.length !== 1) throw new Error(`an os module carries one RAUC bundle; this one carries ${job.files.length} artifacts`);
      const file = job.files[0]!;
      const status = await deps.rauc.status();
      const booted = bootedSlot(status);
      const target = otherSlot(status);
      if (!booted?.bootname || !target?.bootname) throw new Error(`RAUC names no slot to install into beside the booted ${status.booted}`);
      const installed = booted.version ?? deps.runningVersion;
      await job.progress([`installing ${job.chunk.name} ${job.chunk.version} into slot ${target.bootname} (${target.name}) once RAUC has checked it; version ${installed} keeps running in slot ${booted.bootname}`]);
      // RAUC's progress as it goes, a quarter at a time, in order.
      let lastReported: number | undefined;
      let reports = Promise.resolve();
      const { steps, verdict } = await deps.rauc.install(file, { installed, forced: job.forced }, (step) => {
        if (!stepWorthReporting(step, lastReported)) return;
        lastReported = step.percent;
        reports = reports.then(() => job.progress([`RAUC: ${step.percent}% ${step.message}`], { cnt: step.percent, of: 100 }));
      });
      await reports;
      const { version } = verdict;
      await deps.prepareBoot({ slot: target.bootname, version, previousSlot: booted.bootname, previousVersion: installed, actionId: job.actionId }, job.forced);
      const last = steps.at(-1);
      return {
        kind: 'rebootInto',
        version,
        details: [`version ${version} installed into slot ${target.bootname}${last ? ` (RAUC: ${last.percent}% ${last.message})` : ''}`],
      };
    },
  };
}
