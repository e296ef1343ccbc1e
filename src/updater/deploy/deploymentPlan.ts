// What to do with a downloaded deployment, decided purely: refuse one the box cannot install (a
// software module type it has no installer for, or two that each need a reboot), wait for the
// server's maintenance window or the practice's closed hours, or install now. A deployment whose
// every module interrupts nothing (a profile renewal) waits for the server's window alone. A wait
// says when to look again: at the end of the practice's hours, or at the server's next poll
// interval, where only the server can say (its window opens when it says so).
import type { DeploymentBase } from '../ddi/index.ts';
import { decideInstall, decideLiveInstall, decideReboot, type UpdateTimes } from '../schedule/index.ts';

export type DeploymentStep =
  | { readonly kind: 'refuse'; readonly reason: string }
  | { readonly kind: 'wait'; readonly reason: string; readonly recheckMs: number }
  | { readonly kind: 'install'; readonly reason: string };

/** The software module types that install by a reboot into them: one of them per deployment. */
export const REBOOT_PARTS: ReadonlySet<string> = new Set(['os']);

/** A wait is looked at again at least this often, however soon its end seemed. */
const MIN_RECHECK_MS = 1_000;

export interface DeploymentQuestion {
  readonly deployment: DeploymentBase;
  /** The software module types the box has an installer for. */
  readonly parts: ReadonlySet<string>;
  /** Those of them that install without interrupting the practice (ModuleInstaller.live). */
  readonly liveParts?: ReadonlySet<string>;
  readonly now: Date;
  readonly times: UpdateTimes;
  readonly pollIntervalMs: number;
  readonly timeZone?: string;
}

/** Why the box cannot install this deployment at all, or undefined when it can. */
export function deploymentProblem(deployment: DeploymentBase, parts: ReadonlySet<string>): string | undefined {
  if (deployment.chunks.length === 0) return 'the deployment carries no software module';
  const unknown = deployment.chunks.find((chunk) => !parts.has(chunk.part));
  if (unknown) return `the box has no installer for software modules of type ${JSON.stringify(unknown.part)} (it knows ${[...parts].sort().join(', ')})`;
  const reboots = deployment.chunks.filter((chunk) => REBOOT_PARTS.has(chunk.part));
  if (reboots.length > 1) return `the deployment carries ${reboots.length} system images; one boots at a time`;
  return undefined;
}

function recheckAfter(now: Date, retryAt: Date | undefined, pollIntervalMs: number): number {
  const untilRetry = retryAt ? retryAt.getTime() - now.getTime() : pollIntervalMs;
  return Math.max(MIN_RECHECK_MS, Math.min(untilRetry, pollIntervalMs));
}

export function planDeployment(q: DeploymentQuestion): DeploymentStep {
  const problem = deploymentProblem(q.deployment, q.parts);
  if (problem) return { kind: 'refuse', reason: problem };
  const { update, maintenanceWindow } = q.deployment;
  const live = q.deployment.chunks.every((chunk) => q.liveParts?.has(chunk.part));
  const decision = live
    ? decideLiveInstall({ update, maintenanceWindow })
    : decideInstall({ now: q.now, update, maintenanceWindow, times: q.times, ...(q.timeZone ? { timeZone: q.timeZone } : {}) });
  if (decision.install) return { kind: 'install', reason: decision.reason };
  return { kind: 'wait', reason: decision.reason, recheckMs: recheckAfter(q.now, decision.retryAt, q.pollIntervalMs) };
}

/** Whether to reboot into an installed update now, or how long to wait (the practice opened meanwhile). */
export function planReboot(q: { now: Date; forced: boolean; times: UpdateTimes; timeZone?: string }): { reboot: true } | { reboot: false; waitMs: number } {
  const decision = decideReboot(q);
  return decision.reboot ? decision : { reboot: false, waitMs: Math.max(MIN_RECHECK_MS, decision.retryAt.getTime() - q.now.getTime()) };
}

/** Modules that need no reboot first, so a reboot never leaves another module unfinished. */
export function installOrder(deployment: DeploymentBase): number[] {
  const indexes = deployment.chunks.map((_, index) => index);
  return [...indexes.filter((i) => !REBOOT_PARTS.has(deployment.chunks[i]!.part)), ...indexes.filter((i) => REBOOT_PARTS.has(deployment.chunks[i]!.part))];
}
