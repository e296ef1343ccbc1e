// Takes a downloaded deployment to its end (deploymentPlan.ts decides each step): waits, with a
// `scheduled` feedback naming why, until the server's window and the practice's hours allow it,
// then hands each software module to the installer of its type with `proceeding` feedback, and
// closes the action with `success` or `failure` and the installer's words. An update that runs
// after a reboot is left to the reboot: its outcome is reported after the health commit. Once the
// install starts the action can no longer be canceled (the DDI client refuses it).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../core/index.ts';
import type { DeploymentBase, DownloadedAction } from '../ddi/index.ts';
import type { UpdateTimes } from '../schedule/index.ts';
import { installOrder, planDeployment, planReboot } from './deploymentPlan.ts';
import type { UpdateOutcome } from './lastOutcome.ts';
import { InstallFailure, type ModuleInstaller } from './moduleInstaller.ts';
import type { Reboot } from './reboot.ts';

export interface DeployerDeps {
  installers: readonly ModuleInstaller[];
  /** The `updates.*` config group as it is now. */
  times: () => UpdateTimes;
  /** Needed where an installer installs by a reboot (RAUC's). */
  reboot?: Reboot;
  /** Each closed action's outcome, for `tibox update status`. */
  recordOutcome: (outcome: UpdateOutcome) => Promise<void>;
  log: Pick<Logger, 'info' | 'warn'>;
  now?: () => Date;
  /** Waits while a deployment waits for its window; tests pass one that does not. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  timeZone?: string;
}

/** How long after a failed reboot the next is asked for. */
export const REBOOT_RETRY_MS = 60_000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Deployer {
  private readonly deps: DeployerDeps;
  private readonly installers: ReadonlyMap<string, ModuleInstaller>;
  private readonly liveParts: ReadonlySet<string>;
  /** Installs under way, each until its action is closed or left to a reboot. */
  private readonly installing = new Set<Promise<unknown>>();
  private readonly now: () => Date;
  private readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(deps: DeployerDeps) {
    this.deps = deps;
    this.installers = new Map(deps.installers.map((installer) => [installer.part, installer]));
    this.liveParts = new Set(deps.installers.filter((installer) => installer.live).map((installer) => installer.part));
    this.now = deps.now ?? (() => new Date());
    this.wait = deps.wait ?? ((ms, signal) => sleep(ms, undefined, { signal }));
  }

  /** The DDI client's DeploymentHandler. */
  readonly handle = async (action: DownloadedAction): Promise<'closed' | 'rebooting'> => {
    const deployment = await this.waitForWindow(action);
    if (deployment === undefined) return 'closed';
    const installing = this.install(action, deployment);
    this.installing.add(installing);
    let reboot: { version: string; details: string[] } | undefined;
    try {
      reboot = await installing;
    } finally {
      this.installing.delete(installing);
    }
    return reboot === undefined ? 'closed' : this.rebootInto(action, deployment, reboot.version, reboot.details);
  };

  /**
   * Resolves once no install is under way, its action closed or left to a reboot. A new management
   * identity (a renewed profile brings one) waits for it: the client it replaces must still send
   * the action's last feedback.
   */
  async installsDone(): Promise<void> {
    await Promise.allSettled([...this.installing]);
  }

  /** Each module by the installer of its type; closes the action unless a module needs a reboot, whose version it then returns. */
  private async install(action: DownloadedAction, deployment: DeploymentBase): Promise<{ version: string; details: string[] } | undefined> {
    action.setPhase('installing');
    let rebootInto: string | undefined;
    const details: string[] = [];
    try {
      for (const index of installOrder(deployment)) {
        const chunk = deployment.chunks[index]!;
        const installer = this.installers.get(chunk.part)!;
        const outcome = await installer.install({
          actionId: deployment.id,
          chunk,
          files: action.files[index] ?? [],
          forced: deployment.update === 'forced',
          progress: (lines, step) =>
            action.report({ execution: 'proceeding', finished: 'none', details: lines, ...(step ? { progress: step } : {}) }).catch((error: unknown) => {
              this.deps.log.warn({ err: error, action: deployment.id }, 'progress feedback did not reach the server');
            }),
        });
        details.push(...outcome.details);
        if (outcome.kind === 'rebootInto') rebootInto = outcome.version;
      }
    } catch (error) {
      await this.close(action, 'failure', undefined, error instanceof InstallFailure ? error.details : [errorText(error)]);
      return undefined;
    }
    if (rebootInto === undefined) {
      await this.close(action, 'success', undefined, details);
      return undefined;
    }
    return { version: rebootInto, details };
  }

  /** The deployment once it may be installed, or undefined when it was refused or canceled. */
  private async waitForWindow(action: DownloadedAction): Promise<DeploymentBase | undefined> {
    let deployment = action.deployment;
    let told: string | undefined;
    for (;;) {
      const step = planDeployment({
        deployment, parts: new Set(this.installers.keys()), liveParts: this.liveParts, now: this.now(), times: this.deps.times(), pollIntervalMs: action.pollIntervalMs(),
        ...(this.deps.timeZone ? { timeZone: this.deps.timeZone } : {}),
      });
      if (step.kind === 'install') {
        await action.report({ execution: 'proceeding', finished: 'none', details: [`installing: ${step.reason}`] });
        return deployment;
      }
      if (step.kind === 'refuse') {
        await this.close(action, 'failure', undefined, [step.reason]);
        return undefined;
      }
      action.setPhase('waiting', step.reason);
      if (step.reason !== told) {
        this.deps.log.info({ action: deployment.id, reason: step.reason }, 'update waits');
        await action.report({ execution: 'scheduled', finished: 'none', details: [`downloaded; the install waits: ${step.reason}`] });
        told = step.reason;
      }
      try {
        await this.wait(step.recheckMs, action.signal);
      } catch {
        // Canceled by the server, or the agent stops: the DDI client says which.
        return undefined;
      }
      try {
        deployment = await action.refresh();
      } catch (error) {
        if (action.signal.aborted) return undefined;
        this.deps.log.warn({ err: error, action: deployment.id }, 'the waiting deployment could not be read again; the last one read counts');
      }
    }
  }

  private async rebootInto(action: DownloadedAction, deployment: DeploymentBase, version: string, details: string[]): Promise<'closed' | 'rebooting'> {
    const { reboot } = this.deps;
    if (!reboot) {
      await this.close(action, 'failure', version, [...details, 'the box has no way to reboot into the update']);
      return 'closed';
    }
    const forced = deployment.update === 'forced';
    await this.rebootWhenAllowed(reboot, version, forced, action.signal, {
      // The install ran into the practice's hours: the new slot is booted at their end.
      waiting: () => action.setPhase('rebooting', 'installed; the reboot waits for the practice to close'),
      rebooting: async () => {
        action.setPhase('rebooting', `rebooting into version ${version}`);
        await action.report({ execution: 'proceeding', finished: 'none', details: [...details, `rebooting into version ${version}; the outcome follows after its health check`] });
        this.deps.log.info({ action: deployment.id, version }, 'rebooting into the update');
      },
      failed: (error) => {
        this.deps.log.warn({ err: error, action: deployment.id }, 'the reboot into the update failed; asked again later');
        return action.report({ execution: 'proceeding', finished: 'none', details: [`the reboot failed (${errorText(error)}); it is asked for again in ${REBOOT_RETRY_MS / 1000} s`] });
      },
    });
    return 'rebooting';
  }

  /**
   * The reboot into an update installed in this boot by an agent that has since started again
   * (it crashed, or was restarted, before the reboot): asked for again, when the practice's hours
   * allow it as they would have before. Resolves once asked for, or when `signal` aborts.
   */
  async rebootAgain(version: string, forced: boolean, signal: AbortSignal): Promise<void> {
    const { reboot } = this.deps;
    if (!reboot) return;
    await this.rebootWhenAllowed(reboot, version, forced, signal, {
      waiting: () => undefined,
      rebooting: () => {
        this.deps.log.info({ version }, 'rebooting into the update installed before the agent started again');
        return Promise.resolve();
      },
      failed: (error) => {
        this.deps.log.warn({ err: error, version }, 'the reboot into the update failed; asked again later');
        return Promise.resolve();
      },
    });
  }

  /**
   * Waits until the box may reboot (outside the practice's hours, or forced), then asks for the
   * reboot. The new slot is installed and the bootloader's first choice: a reboot that fails is
   * asked for again, never given up while the next boot of any kind would start it.
   */
  private async rebootWhenAllowed(
    reboot: Reboot, version: string, forced: boolean, signal: AbortSignal,
    on: { waiting: () => void; rebooting: () => Promise<void>; failed: (error: unknown) => Promise<void> },
  ): Promise<void> {
    for (;;) {
      const step = planReboot({ now: this.now(), forced, times: this.deps.times(), ...(this.deps.timeZone ? { timeZone: this.deps.timeZone } : {}) });
      if (step.reboot) break;
      on.waiting();
      try {
        await this.wait(step.waitMs, signal);
      } catch {
        return;
      }
    }
    await on.rebooting();
    for (;;) {
      try {
        await reboot.reboot(`update to version ${version}`);
        return;
      } catch (error) {
        await on.failed(error);
      }
      try {
        await this.wait(REBOOT_RETRY_MS, signal);
      } catch {
        return;
      }
    }
  }

  private async close(action: DownloadedAction, result: 'success' | 'failure', version: string | undefined, details: readonly string[]): Promise<void> {
    this.deps.log.info({ action: action.deployment.id, result, details }, 'update closed');
    await this.deps.recordOutcome({ actionId: action.deployment.id, result, version, details, at: this.now().toISOString() });
    await action.report({ execution: 'closed', finished: result, details });
  }
}
