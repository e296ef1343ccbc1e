// The health commit after booting a new slot, as pure decisions. Before the reboot into an
// installed update the agent records a pending boot on the data partition; the next boot reads it
// and either finds the bootloader went back to the old slot (the new one failed), or judges the
// new slot: checks of the agent, the WAN and the tunnel (an active probe: at night no practice
// traffic shows the tunnel works) must all pass within a bounded time, else the slot is marked
// bad and the box boots back into the old one. A power cut during the commit reboots into the new
// slot again; the boots are counted so that it is judged bad after a few, as a bootloader's try
// counter would. An agent that starts again in the boot of the install (it crashed before the
// reboot) finds the old slot running too: a marker in the run directory, which no reboot keeps,
// tells that apart from a fall back, and the reboot is asked for again.
import { parseStateObject } from '../../core/index.ts';

/**
 * The pending boot's file name in the data directory: while it exists the boot is the agent's to
 * judge, and the image's tibox-slot-good.service leaves the slot alone.
 */
export const PENDING_BOOT_FILE = 'pending-boot.json';

/**
 * The run directory's record of an install made in this boot (the run directory is a tmpfs: a
 * reboot removes it). It also says whether the deployment was forced, which decides whether the
 * reboot waits for the practice to close.
 */
export const INSTALLED_THIS_BOOT_FILE = 'update-installed-this-boot.json';

/** An install made in the running boot, awaiting its reboot. */
export interface InstalledThisBoot {
  readonly slot: string;
  readonly version: string;
  readonly forced: boolean;
}

/** What the boot after an install must judge; kept on the data partition across the reboot. */
export interface PendingBoot {
  /** The bootname of the slot the update went into. */
  readonly slot: string;
  readonly version: string;
  /** The slot and version that ran before, to go back to and to name in the report. */
  readonly previousSlot: string;
  readonly previousVersion: string;
  /** The DDI action that brought the update, for the report after the reboot. */
  readonly actionId: string | undefined;
  /** How many boots into the new slot have started its health commit. */
  readonly boots: number;
  /** Marked good: only the report to the server is left. */
  readonly committed: boolean;
}

/** Boots into the new slot that may start a commit; one more and the slot is judged bad at once. */
export const MAX_COMMIT_BOOTS = 3;

/** The health commit's default bound (the 5 minutes). */
export const DEFAULT_COMMIT_DEADLINE_MS = 5 * 60_000;

export type BootOutcome =
  /** No update awaits judgement. */
  | { readonly kind: 'none' }
  /** The new slot runs and was marked good; its report may still be due. */
  | { readonly kind: 'committed'; readonly pending: PendingBoot }
  /** The bootloader started the old slot: the new one did not come up, or was marked bad. */
  | { readonly kind: 'fellBack'; readonly pending: PendingBoot; readonly reason: string }
  /** The new slot runs and has been started too often without a commit. */
  | { readonly kind: 'tooManyBoots'; readonly pending: PendingBoot; readonly reason: string }
  /** The new slot runs: judge it, with the pending boot as it is to be saved now. */
  | { readonly kind: 'judge'; readonly pending: PendingBoot }
  /** The install was made in this boot and the reboot into it has not happened yet. */
  | { readonly kind: 'notRebooted'; readonly pending: PendingBoot; readonly forced: boolean };

/**
 * What a boot finds, from the pending boot, the slot that runs, and the record of an install made
 * in this boot (the run directory's, undefined after any reboot).
 */
export function outcomeOfBoot(pending: PendingBoot | undefined, bootedSlot: string, installed?: InstalledThisBoot): BootOutcome {
  if (!pending) return { kind: 'none' };
  if (bootedSlot !== pending.slot) {
    if (!pending.committed && installed?.slot === pending.slot && installed.version === pending.version) return { kind: 'notRebooted', pending, forced: installed.forced };
    return { kind: 'fellBack', pending, reason: `version ${pending.version} in slot ${pending.slot} did not come up healthy; slot ${bootedSlot} with version ${pending.previousVersion} runs again` };
  }
  if (pending.committed) return { kind: 'committed', pending };
  const boots = pending.boots + 1;
  if (boots > MAX_COMMIT_BOOTS) {
    return { kind: 'tooManyBoots', pending, reason: `version ${pending.version} was started ${pending.boots} times without passing its health check` };
  }
  return { kind: 'judge', pending: { ...pending, boots } };
}

/** The latest result of each check: true when it passed, else why not in words. */
export type CheckResults = Readonly<Record<string, true | string>>;

export type CommitStep =
  | { readonly kind: 'markGood' }
  | { readonly kind: 'markBad'; readonly reason: string }
  | { readonly kind: 'checkAgain' };

/** The step after a round of checks, `elapsedMs` after the commit started. */
export function planCommit(checks: CheckResults, elapsedMs: number, deadlineMs = DEFAULT_COMMIT_DEADLINE_MS): CommitStep {
  const failing = Object.entries(checks).filter((entry): entry is [string, string] => entry[1] !== true);
  if (Object.keys(checks).length > 0 && failing.length === 0) return { kind: 'markGood' };
  if (elapsedMs < deadlineMs) return { kind: 'checkAgain' };
  const why = failing.length > 0 ? failing.map(([name, reason]) => `${name}: ${reason}`).join('; ') : 'no check ran';
  return { kind: 'markBad', reason: `not healthy within ${deadlineMs / 1000} s (${why})` };
}

/** The pending boot as its file holds it, or undefined for a file that is not one (then nothing is judged). */
export function parsePendingBoot(text: string): PendingBoot | undefined {
  const o = parseStateObject(text);
  if (!o) return undefined;
  const str = (k: string) => (typeof o[k] === 'string' ? o[k] : undefined);
  const slot = str('slot');
  const version = str('version');
  const previousSlot = str('previousSlot');
  const previousVersion = str('previousVersion');
  const boots = o.boots;
  if (slot === undefined || version === undefined || previousSlot === undefined || previousVersion === undefined) return undefined;
  if (typeof boots !== 'number' || !Number.isInteger(boots) || boots < 0 || typeof o.committed !== 'boolean') return undefined;
  const actionId = o.actionId === null ? undefined : str('actionId');
  return { slot, version, previousSlot, previousVersion, actionId, boots, committed: o.committed };
}

/** The run directory's record of an install, or undefined for a file that is not one. */
export function parseInstalledThisBoot(text: string): InstalledThisBoot | undefined {
  const o = parseStateObject(text);
  if (!o || typeof o.slot !== 'string' || typeof o.version !== 'string' || typeof o.forced !== 'boolean') return undefined;
  return { slot: o.slot, version: o.version, forced: o.forced };
}

export function renderInstalledThisBoot(installed: InstalledThisBoot): string {
  return `${JSON.stringify(installed)}\n`;
}

export function renderPendingBoot(pending: PendingBoot): string {
  return `${JSON.stringify({ ...pending, actionId: pending.actionId ?? null })}\n`;
}
