// A backup checked on the system page, held in the web UI's memory between its preview and the
// restore the visitor asks for after reading it, so the file need not be chosen twice nor the
// passphrase written into the page. One per session, for ten minutes; never in the session store
// or on disk, and gone once restored or replaced.
import type { BackupPreviewView } from '../status/systemView.ts';

/** How long a checked backup waits for its restore. */
export const HOLD_MS = 10 * 60 * 1000;

export interface HeldBackup {
  file: Buffer;
  passphrase: string;
  preview: BackupPreviewView;
}

export class HeldBackups {
  private readonly held = new Map<string, HeldBackup & { until: number }>();
  private readonly now: () => Date;

  constructor(now: () => Date) {
    this.now = now;
  }

  hold(session: string, backup: HeldBackup): void {
    this.prune();
    this.held.set(session, { ...backup, until: this.now().getTime() + HOLD_MS });
  }

  /** The session's backup while it is held. */
  get(session: string): HeldBackup | undefined {
    this.prune();
    return this.held.get(session);
  }

  drop(session: string): void {
    this.held.delete(session);
  }

  /** Those past their time go at each use: nothing to wake up for. */
  private prune(): void {
    const now = this.now().getTime();
    for (const [session, backup] of this.held) if (backup.until <= now) this.held.delete(session);
  }
}
