// A component that runs as its own service (ARCHITECTURE.md §3): on the box systemd starts it with
// Restart=always, in the lab the lab's supervisor does the same. The agent never starts it and
// never ends it for good, so killing or restarting the agent leaves exactly one of it running.
// The agent finds the running process through the pid file the component writes and signals it:
// SIGHUP to re-read its files, SIGTERM to have its supervisor start it again on a new config.
// A pid file outlives its process and the pid may be taken by another process since: only a
// process whose command line holds `marker` (our config file, our hook) counts as ours.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface RunningComponent {
  readonly pid: number;
  /** Its command line, one entry per argument. */
  readonly args: readonly string[];
  /** When it wrote its pid file (ms since the epoch): after it had read its config. */
  readonly since: number;
}

/** What a subsystem needs of its component: the real one below, a fake in unit tests. */
export interface Component {
  find(): Promise<RunningComponent | undefined>;
  /** Signals the running process; undefined (and nothing sent) when none runs. */
  signal(signal: NodeJS.Signals): Promise<RunningComponent | undefined>;
  /**
   * Ends the running process (if any) with SIGTERM and waits until its supervisor has started a
   * new one that wrote its pid file; throws after `timeoutMs`.
   */
  restart(timeoutMs: number): Promise<RunningComponent>;
}

export interface ComponentProcessOptions {
  /** The pid file the component writes once it serves. */
  pidFile: string;
  /** An argument only our instance has on its command line (its config file, its hook). */
  marker: string;
  /** The process table; /proc unless a test gives its own. */
  procDir?: string;
  kill?: (pid: number, signal: NodeJS.Signals) => void;
  pollMs?: number;
}

export class ComponentProcess implements Component {
  private readonly options: ComponentProcessOptions;

  constructor(options: ComponentProcessOptions) {
    this.options = options;
  }

  async find(): Promise<RunningComponent | undefined> {
    const [text, written] = await Promise.all([
      readFile(this.options.pidFile, 'utf8').catch(() => ''),
      stat(this.options.pidFile).catch(() => undefined),
    ]);
    const pid = Number(text.trim());
    if (!written || !Number.isInteger(pid) || pid <= 1) return undefined;
    // A process that has exited (a zombie included) has an empty command line.
    const cmdline = await readFile(join(this.options.procDir ?? '/proc', String(pid), 'cmdline'), 'utf8').catch(() => '');
    const args = cmdline.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
    if (!args.includes(this.options.marker)) return undefined;
    return { pid, args, since: written.mtimeMs };
  }

  async signal(signal: NodeJS.Signals): Promise<RunningComponent | undefined> {
    const running = await this.find();
    if (running) this.send(running.pid, signal);
    return running;
  }

  async restart(timeoutMs: number): Promise<RunningComponent> {
    const before = await this.signal('SIGTERM');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const now = await this.find();
      if (now && now.pid !== before?.pid) return now;
      if (Date.now() > deadline) {
        throw new Error(before ? `process ${before.pid} was ended but its service started no new one within ${timeoutMs} ms` : `not running, and its service started none within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 50));
    }
  }

  private send(pid: number, signal: NodeJS.Signals): void {
    try {
      (this.options.kill ?? process.kill)(pid, signal);
    } catch (error) {
      // Gone between find() and now: its supervisor starts it again, as after any exit.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}
