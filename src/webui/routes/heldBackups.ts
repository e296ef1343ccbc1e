// A backup checked on the system page, held in the web UI's memory between its preview and the
// restore the visitor asks for after reading it, so the file need not be chosen twice nor the
// passphrase written into the page. One per session, for ten minutes; never in the session store
// or on disk, and gone once restored or replaced, at logout, and at a factory reset. Each has its
// own timer, so a file and its passphrase leave memory when their time is up even if nobody comes
// back; the timer does not keep the process alive.
import type { BackupPreviewView } from '../status/systemView.ts';

/** How long a checked backup waits for its restore. */
export const HOLD_MS = 10 * 60 * 1000;

export interface HeldBackup {
  file: Buffer;
  passphrase: string;
  preview: BackupPreviewView;
}

export class HeldBackups {
  private readonly held = new Map<string, { backup: HeldBackup; timer: NodeJS.Timeout }>();

  hold(session: string, backup: HeldBackup): void {
    this.drop(session);
    const timer = setTimeout(() => this.drop(session), HOLD_MS);
    timer.unref();
    this.held.set(session, { backup, timer });
  }

  /** The session's backup while it is held. */
  get(session: string): HeldBackup | undefined {
    return this.held.get(session)?.backup;
  }

  drop(session: string): void {
    clearTimeout(this.held.get(session)?.timer);
    this.held.delete(session);
  }

  /** Every session's: after a factory reset no session of before may restore what it checked. */
  dropAll(): void {
    for (const session of [...this.held.keys()]) this.drop(session);
  }

  count(): number {
    return this.held.size;
  }
}
