// Runs the health commit at start (commitPlan.ts decides): reads the pending boot from the data
// partition and the booted slot from RAUC, judges a new slot by rounds of checks until they pass
// or the deadline, marks it good or bad through RAUC, and reboots back after a bad one. The
// pending boot stays until the caller has reported the outcome (acknowledge), so a power cut at
// any step repeats the step or finds the truth again, and the report is never lost. An agent
// that starts again before the reboot into its install finds it so, and asks for the reboot again.
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStateFile, writeFileAtomic } from '../../core/index.ts';
import type { RaucDriver } from '../rauc/index.ts';
import {
  DEFAULT_COMMIT_DEADLINE_MS, outcomeOfBoot, parseInstalledThisBoot, parsePendingBoot, planCommit, renderInstalledThisBoot, renderPendingBoot,
  type CheckResults, type PendingBoot,
} from './commitPlan.ts';

export type CommitOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'good'; readonly pending: PendingBoot }
  /** Marked bad; the reboot back into the old slot has been asked for. */
  | { readonly kind: 'bad'; readonly pending: PendingBoot; readonly reason: string }
  | { readonly kind: 'fellBack'; readonly pending: PendingBoot; readonly reason: string }
  /** Installed in this boot, and the reboot into it is still to come: the caller asks for it again. */
  | { readonly kind: 'notRebooted'; readonly pending: PendingBoot; readonly forced: boolean };

export interface HealthCommitDeps {
  rauc: Pick<RaucDriver, 'status' | 'markBooted'>;
  /** The pending boot's file on the data partition that both slots share. */
  pendingFile: string;
  /** The record of an install made in this boot, in the run directory, which no reboot keeps. */
  installedFile: string;
  /** One round of the checks: the agent itself, the WAN, the tunnel by an active probe. */
  checks: (signal: AbortSignal) => Promise<CheckResults>;
  /** Reboots the box (systemctl reboot on the box; the lab's reboot in tests). */
  reboot: () => Promise<void>;
  deadlineMs?: number;
  /** Pause between rounds of checks. */
  intervalMs?: number;
  now?: () => number;
}

export class HealthCommit {
  private readonly deps: HealthCommitDeps;

  constructor(deps: HealthCommitDeps) {
    this.deps = deps;
  }

  /**
   * Records, before the reboot into a freshly installed slot, what that boot must judge. The run
   * directory's record comes first: a crash between the two leaves no pending boot that this
   * boot's next agent would take for a fall back.
   */
  async prepare(pending: Omit<PendingBoot, 'boots' | 'committed'>, forced: boolean): Promise<void> {
    await mkdir(dirname(this.deps.installedFile), { recursive: true, mode: 0o755 });
    await writeFileAtomic(this.deps.installedFile, renderInstalledThisBoot({ slot: pending.slot, version: pending.version, forced }), { mode: 0o600 });
    await mkdir(dirname(this.deps.pendingFile), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.deps.pendingFile, renderPendingBoot({ ...pending, boots: 0, committed: false }), { mode: 0o600 });
  }

  /** What the boot after an install is to judge, or has judged, until acknowledged. */
  async pendingBoot(): Promise<PendingBoot | undefined> {
    const text = await readStateFile(this.deps.pendingFile);
    return text === undefined ? undefined : parsePendingBoot(text);
  }

  async run(signal: AbortSignal): Promise<CommitOutcome> {
    const pending = await this.pendingBoot();
    const status = await this.deps.rauc.status();
    const installedText = pending ? await readStateFile(this.deps.installedFile) : undefined;
    const outcome = outcomeOfBoot(pending, status.booted, installedText === undefined ? undefined : parseInstalledThisBoot(installedText));
    switch (outcome.kind) {
      case 'none':
      case 'notRebooted':
        return outcome;
      case 'committed':
        return { kind: 'good', pending: outcome.pending };
      case 'fellBack':
        return outcome;
      case 'tooManyBoots':
        return this.markBad(outcome.pending, outcome.reason);
      case 'judge':
        await writeFileAtomic(this.deps.pendingFile, renderPendingBoot(outcome.pending), { mode: 0o600 });
        return this.judge(outcome.pending, signal);
    }
  }

  /** Forgets the pending boot once its outcome has reached the server. */
  async acknowledge(): Promise<void> {
    await rm(this.deps.pendingFile, { force: true });
  }

  private async judge(pending: PendingBoot, signal: AbortSignal): Promise<CommitOutcome> {
    const now = this.deps.now ?? Date.now;
    const started = now();
    for (;;) {
      signal.throwIfAborted();
      const step = planCommit(await this.deps.checks(signal), now() - started, this.deps.deadlineMs ?? DEFAULT_COMMIT_DEADLINE_MS);
      if (step.kind === 'markGood') {
        await this.deps.rauc.markBooted('good');
        const committed = { ...pending, committed: true };
        await writeFileAtomic(this.deps.pendingFile, renderPendingBoot(committed), { mode: 0o600 });
        return { kind: 'good', pending: committed };
      }
      if (step.kind === 'markBad') return this.markBad(pending, step.reason);
      await sleep(this.deps.intervalMs ?? 5_000, undefined, { signal });
    }
  }

  private async markBad(pending: PendingBoot, reason: string): Promise<CommitOutcome> {
    await this.deps.rauc.markBooted('bad');
    await this.deps.reboot();
    return { kind: 'bad', pending, reason };
  }
}
