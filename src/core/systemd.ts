// systemd integration through `systemd-notify` (Node has no unix datagram sockets): READY once
// the agent serves, WATCHDOG pings at half the unit's WatchdogSec, STOPPING on shutdown. Outside
// systemd (no NOTIFY_SOCKET) every call is a no-op. systemd-notify sends from its own PID, so the
// unit needs NotifyAccess=all.
import type { Logger } from './log.ts';
import type { Runner } from './runner.ts';

export interface SystemdDeps {
  runner: Runner;
  env: NodeJS.ProcessEnv;
  log: Logger;
  pid?: number;
}

export class SystemdNotifier {
  private readonly deps: SystemdDeps;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(deps: SystemdDeps) {
    this.deps = deps;
  }

  get active(): boolean {
    return Boolean(this.deps.env.NOTIFY_SOCKET);
  }

  /** Half the watchdog interval systemd asked for, or undefined when it asked for none (or not of us). */
  watchdogIntervalMs(): number | undefined {
    const usec = Number(this.deps.env.WATCHDOG_USEC);
    const pid = this.deps.env.WATCHDOG_PID;
    if (!this.active || !Number.isFinite(usec) || usec <= 0) return undefined;
    if (pid !== undefined && Number(pid) !== (this.deps.pid ?? process.pid)) return undefined;
    return Math.max(1, Math.floor(usec / 2000));
  }

  async ready(status: string): Promise<void> {
    await this.notify(['--ready', `--status=${status}`]);
    const interval = this.watchdogIntervalMs();
    if (interval !== undefined && !this.watchdog) {
      this.watchdog = setInterval(() => void this.notify(['WATCHDOG=1']).catch((error: unknown) => this.deps.log.warn({ err: error }, 'systemd watchdog not told')), interval);
      this.watchdog.unref();
    }
  }

  async stopping(): Promise<void> {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    await this.notify(['STOPPING=1']);
  }

  private async notify(args: string[]): Promise<void> {
    if (!this.active) return;
    try {
      await this.deps.runner.run('systemd-notify', args, { timeoutMs: 5_000 });
    } catch (error) {
      // A lost notification must not stop the agent; systemd's own timeouts take over.
      this.deps.log.warn({ err: error }, 'systemd-notify failed');
    }
  }
}
