// The `firewall.tableChanged` warning: raised when the firewall finds its table missing or changed
// from outside, and kept for a day after its own table is back. The firewall puts the table back
// within moments, so a warning that went with the restore would hardly ever be seen; yet somebody
// ran nft on the box, and the practice's installer or the datacenter's support should learn that.
// A day rather than until acknowledged: the health list knows no acknowledgement, this warning
// cuts nothing, and within a day someone has looked at the box's status.
import type { Health } from '../core/index.ts';

export const TAMPER_WARNING_KEEP_MS = 24 * 60 * 60_000;

export class TamperWarning {
  private readonly health: Pick<Health, 'raise' | 'clear'>;
  private readonly now: () => Date;
  /** What was found, while the warning stands. */
  private what: string | undefined;
  /** When our table was back after it (ms since the epoch); undefined while it is not. */
  private restoredAt: number | undefined;

  constructor(health: Pick<Health, 'raise' | 'clear'>, now: () => Date) {
    this.health = health;
    this.now = now;
  }

  /** The table was found missing or changed: the day starts again once it is back. */
  found(what: string): void {
    this.what = what;
    this.restoredAt = undefined;
    this.health.raise('firewall.tableChanged', what);
  }

  /** Loading it again failed; the next check or apply tries again. */
  notRestored(message: string): void {
    if (this.what !== undefined) this.health.raise('firewall.tableChanged', `${this.what}, and loading it again failed: ${message}`);
  }

  /** Our table is in the kernel again, as listed right after the load. */
  restored(): void {
    if (this.what === undefined || this.restoredAt !== undefined) return;
    const at = this.now();
    this.restoredAt = at.getTime();
    this.health.raise('firewall.tableChanged', `${this.what}; loaded again at ${at.toISOString()}`);
  }

  /** At each check that finds the table as loaded: a day after it was back, the warning goes. */
  expire(): void {
    if (this.restoredAt === undefined || this.now().getTime() - this.restoredAt < TAMPER_WARNING_KEEP_MS) return;
    this.what = undefined;
    this.restoredAt = undefined;
    this.health.clear('firewall.tableChanged');
  }
}
