// The installer of `os` modules: the RAUC bundle goes into the other slot, and the box boots it.
// Before RAUC writes anything the bundle's signature, compatible and version are read through
// RAUC (an older version only when forced); after the install the pending boot is recorded on
// the data partition, so that the next boot judges the new slot and the action's outcome reaches
// the server after the reboot.
import { bootedSlot, otherSlot, stepWorthReporting, versionProblem, type RaucDriver } from '../rauc/index.ts';
import type { HealthCommit } from '../health/index.ts';
import type { ModuleInstaller } from './moduleInstaller.ts';

export interface RaucInstallerDeps {
  rauc: Pick<RaucDriver, 'status' | 'bundleInfo' | 'install'>;
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
      const info = await deps.rauc.bundleInfo(file);
      const installed = booted.version ?? deps.runningVersion;
      const problem = versionProblem({ installed, offered: info.version, forced: job.forced });
      if (problem) throw new Error(`the update was refused: ${problem}`);
      await job.progress([`installing version ${info.version} into slot ${target.bootname} (${target.name}); version ${installed} keeps running in slot ${booted.bootname}`]);
      // RAUC's progress as it goes, a quarter at a time, in order.
      let lastReported: number | undefined;
      let reports = Promise.resolve();
      const { steps } = await deps.rauc.install(file, (step) => {
        if (!stepWorthReporting(step, lastReported)) return;
        lastReported = step.percent;
        reports = reports.then(() => job.progress([`RAUC: ${step.percent}% ${step.message}`], { cnt: step.percent, of: 100 }));
      });
      await reports;
      await deps.prepareBoot({ slot: target.bootname, version: info.version, previousSlot: booted.bootname, previousVersion: installed, actionId: job.actionId }, job.forced);
      const last = steps.at(-1);
      return {
        kind: 'rebootInto',
        version: info.version,
        details: [`version ${info.version} installed into slot ${target.bootname}${last ? ` (RAUC: ${last.percent}% ${last.message})` : ''}`],
      };
    },
  };
}
