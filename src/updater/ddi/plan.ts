// What a poll's answer asks of the box, decided from the controller base and the action the box
// is working on. Pure: the client carries the steps out in the order given.
import type { ControllerBase } from './controllerBase.ts';

/**
 * Where the box stands with the action it works on: after the download it may wait for its
 * window, then installs, then reboots into what it installed (downloadedAction.ts).
 */
export type ActionPhase = 'downloading' | 'downloaded' | 'waiting' | 'installing' | 'rebooting';

export type PollStep =
  | { kind: 'sendConfigData'; url: string }
  | { kind: 'cancel'; url: string }
  | { kind: 'deployment'; url: string; actionId: string | undefined };

/** The action id in a deploymentBase or cancelAction link (`.../deploymentBase/8?c=…`). */
export function actionIdOfLink(href: string): string | undefined {
  return /\/(?:deploymentBase|cancelAction)\/([A-Za-z0-9._-]{1,64})$/.exec(new URL(href).pathname)?.[1];
}

/**
 * configData first (the server asked, and it is cheap), then a cancel before anything new
 * starts; a deployment only when it is not the action already in hand.
 */
export function planPoll(base: ControllerBase, running: { id: string } | undefined): PollStep[] {
  const steps: PollStep[] = [];
  if (base.configData) steps.push({ kind: 'sendConfigData', url: base.configData });
  if (base.cancelAction) steps.push({ kind: 'cancel', url: base.cancelAction });
  else if (base.deploymentBase) {
    const actionId = actionIdOfLink(base.deploymentBase);
    if (actionId === undefined || actionId !== running?.id) steps.push({ kind: 'deployment', url: base.deploymentBase, actionId });
  }
  return steps;
}

/**
 * hawkBit: a cancel is accepted with `closed` + `success`; the box refuses it once an install
 * runs, and after it: the other slot is written and will be booted.
 */
export function cancelAnswer(phase: ActionPhase | undefined): 'accept' | 'reject' {
  return phase === 'installing' || phase === 'rebooting' ? 'reject' : 'accept';
}
