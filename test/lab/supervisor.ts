// Starts a daemon inside a namespace and starts it again whenever it exits, as systemd's
// `Restart=always` would on the box. Tests kill the process to inject faults; stop() ends it
// for good. Output goes to a log file in the lab directory.
import { openSync, closeSync } from 'node:fs';
import { startProcess, type ProcessHandle } from '../../src/core/runner.ts';

export interface SupervisedOptions {
  /** The namespace to run in; none: the caller's own. */
  netns?: string;
  env?: Record<string, string>;
  logFile: string;
  /** Runs after every (re)start, e.g. `swanctl --load-all` as strongswan.service's ExecStartPost. */
  afterStart?: () => Promise<void>;
  /** Pause before a restart, as systemd's RestartSec. */
  restartDelayMs?: number;
}

export class Supervised {
  readonly name: string;
  private readonly command: string;
  private readonly args: readonly string[];
  private readonly options: SupervisedOptions;
  private handle: ProcessHandle | undefined;
  private stopping = false;
  private restartCount = 0;

  constructor(name: string, command: string, args: readonly string[], options: SupervisedOptions) {
    this.name = name;
    this.command = command;
    this.args = args;
    this.options = options;
  }

  get pid(): number | undefined {
    return this.handle?.pid;
  }

  get restarts(): number {
    return this.restartCount;
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.launch();
  }

  private async launch(): Promise<void> {
    const fd = openSync(this.options.logFile, 'a');
    const handle = startProcess(this.command, this.args, { netns: this.options.netns, env: this.options.env, outputFd: fd });
    closeSync(fd);
    this.handle = handle;
    // However its end is learnt, the daemon is gone: it starts again unless stopped or replaced.
    const gone = () => {
      if (this.stopping || this.handle !== handle) return;
      this.restartCount += 1;
      setTimeout(() => {
        if (!this.stopping) void this.launch().catch(() => undefined);
      }, this.options.restartDelayMs ?? 100);
    };
    handle.exited.then(gone, gone);
    await this.options.afterStart?.();
  }

  /** Ends the running process and starts it again at once; resolves once the new one runs. */
  async restart(): Promise<void> {
    const handle = this.handle;
    if (!handle || this.stopping) return;
    this.handle = undefined;
    handle.kill('SIGTERM');
    await handle.exited;
    await this.launch();
  }

  /** Sends a signal to the running process, as a fault would; the supervisor restarts it. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.handle?.kill(signal);
  }

  /** Ends the process for good; SIGKILL models a crash with no goodbye (no IKE DELETE). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    this.stopping = true;
    const handle = this.handle;
    if (!handle) return undefined;
    handle.kill(signal);
    const timer = setTimeout(() => handle.kill('SIGKILL'), 3_000);
    const exit = await handle.exited;
    clearTimeout(timer);
    return exit;
  }
}
