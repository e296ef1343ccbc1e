// A component as its service runs it, for the subsystems' unit tests: one running process (pid,
// command line, when it wrote its pid file) that takes signals, and records them as lines of text.
// SIGTERM ends it and its service starts the next one (the next pid, started now) unless the
// service is set to start none; crash() ends it as a fault would, and the service starts the next
// one only when revive() says so.
import type { Component, RunningComponent } from '../../../src/core/component.ts';

export class FakeComponent implements Component {
  readonly events: string[] = [];
  /** Whether its service starts a new process after SIGTERM. */
  restarts = true;
  private current: RunningComponent | undefined;
  private nextPid: number;
  private args: readonly string[];

  constructor(args: readonly string[], options: { firstPid?: number; since?: number; running?: boolean } = {}) {
    this.args = args;
    this.nextPid = options.firstPid ?? 1000;
    if (options.running ?? true) this.current = { pid: this.nextPid++, args, since: options.since ?? 0 };
  }

  get running(): RunningComponent | undefined {
    return this.current;
  }

  find(): Promise<RunningComponent | undefined> {
    return Promise.resolve(this.current);
  }

  signal(signal: NodeJS.Signals): Promise<RunningComponent | undefined> {
    const running = this.current;
    if (running) {
      this.events.push(`${signal} ${running.pid}`);
      if (signal === 'SIGTERM') {
        this.current = undefined;
        if (this.restarts) this.revive();
      }
    }
    return Promise.resolve(running);
  }

  async restart(timeoutMs: number): Promise<RunningComponent> {
    const before = await this.signal('SIGTERM');
    if (this.current && this.current.pid !== before?.pid) return this.current;
    throw new Error(`its service started no new one within ${timeoutMs} ms`);
  }

  /** The process dies; its service does not start it (yet). */
  crash(): void {
    if (this.current) this.events.push(`crash ${this.current.pid}`);
    this.current = undefined;
  }

  /** Its service starts a new process, now, with these arguments (the same as before by default). */
  revive(args: readonly string[] = this.args): RunningComponent {
    this.args = args;
    this.current = { pid: this.nextPid++, args, since: Date.now() };
    this.events.push(`start ${this.current.pid}`);
    return this.current;
  }
}
