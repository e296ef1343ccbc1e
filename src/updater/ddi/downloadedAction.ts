// What the DDI client hands on once every artifact of a deployment is downloaded and its sha256
// checked: the deployment, its files, and the means to report on it and to read it again. The
// step after the download is not the client's: the updater chooses it by each software module's
// type (`os` → RAUC, later the profile renewal's own), so the client knows no installer.
import type { DeploymentBase } from './deploymentBase.ts';
import type { Execution, Finished } from './feedback.ts';

/** Where the box stands with the action after its download; a cancel is refused once it installs. */
export type AfterDownloadPhase = 'waiting' | 'installing' | 'rebooting';

export interface ActionReport {
  readonly execution: Execution;
  readonly finished: Finished;
  readonly details: readonly string[];
  readonly progress?: { readonly cnt: number; readonly of: number };
}

export interface DownloadedAction {
  readonly deployment: DeploymentBase;
  /** The checked files, chunk by chunk in the deployment's order. */
  readonly files: readonly (readonly string[])[];
  /** Aborted by a cancel the box accepts (while it waits) and when the client stops. */
  readonly signal: AbortSignal;
  /** The deployment as the server says it now: its maintenance window may have opened. */
  refresh(): Promise<DeploymentBase>;
  /** Feedback to the server on this action; `closed` ends it. */
  report(report: ActionReport): Promise<void>;
  setPhase(phase: AfterDownloadPhase, detail?: string): void;
  /** The server's poll interval as it last said it: how often to ask it again while waiting. */
  pollIntervalMs(): number;
}

/**
 * Takes a downloaded action to its end: `closed` once its last feedback is sent (or it was
 * canceled while it waited), `rebooting` once the box reboots into it and the outcome is due
 * after the reboot.
 */
export type DeploymentHandler = (action: DownloadedAction) => Promise<'closed' | 'rebooting'>;
