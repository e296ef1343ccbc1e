// A fake dnsmasq behind the StartProcess interface. Started, it reads the main config it is given
// and, like the real one once its sockets are bound, writes its pid to the pid file named there;
// or, set to fail, writes an error to its output and exits with code 2 as dnsmasq does when an
// address is in use. Its output goes, as the real one's with --log-facility=-, to stderr: to the
// stderr line reader it was started with; log() writes more. It records starts and signals as
// lines of text, and throws when a second dnsmasq is started while one still runs, or when it is
// started without our own config or without a reader for its stderr.
import { readFileSync, writeFileSync } from 'node:fs';
import type { ProcessHandle, StartOptions } from '../../../../src/core/runner.ts';

type Exit = Awaited<ProcessHandle['exited']>;

export class FakeDnsmasq {
  readonly events: string[] = [];
  /** 'fail': the next starts exit at once with code 2. */
  mode: 'serve' | 'fail' = 'serve';
  private nextPid = 1000;
  private readonly alive = new Map<number, (exit: Exit) => void>();
  private readonly stderr = new Map<number, (line: string) => void>();

  readonly start = (command: string, args: readonly string[], options: StartOptions = {}): ProcessHandle => {
    const conf = args.find((a) => a.startsWith('--conf-file='))?.slice('--conf-file='.length);
    if (command !== 'dnsmasq' || !conf || !args.includes('--keep-in-foreground')) throw new Error(`unexpected start: ${command} ${args.join(' ')}`);
    if (this.alive.size > 0) throw new Error(`a second dnsmasq started while ${[...this.alive.keys()].join(', ')} runs`);
    const onStderrLine = options.onStderrLine;
    if (!onStderrLine) throw new Error('dnsmasq started without a reader for its stderr');
    const pid = this.nextPid++;
    this.events.push(`start ${pid} ${args.join(' ')}`);
    let exit: (e: Exit) => void = () => undefined;
    const exited = new Promise<Exit>((resolve) => (exit = resolve));
    this.alive.set(pid, exit);
    this.stderr.set(pid, onStderrLine);
    if (this.mode === 'serve') {
      const pidFile = /^pid-file=(.+)$/m.exec(readFileSync(conf, 'utf8'))?.[1];
      if (!pidFile) throw new Error('the config names no pid file');
      writeFileSync(pidFile, `${pid}\n`);
    } else {
      onStderrLine('dnsmasq: failed to create listening socket for 10.77.12.1: Address already in use');
      this.end(pid, { code: 2, signal: null });
    }
    return {
      pid,
      exited,
      kill: (signal = 'SIGTERM') => {
        if (!this.alive.has(pid)) return;
        this.events.push(`${signal} ${pid}`);
        // Like dnsmasq: SIGHUP reloads, SIGTERM is a clean exit with code 0.
        if (signal === 'SIGTERM') this.end(pid, { code: 0, signal: null });
        else if (signal !== 'SIGHUP') this.end(pid, { code: null, signal });
      },
    };
  };

  /** Lines the running process writes to its stderr. */
  log(pid: number, lines: readonly string[]): void {
    const onLine = this.stderr.get(pid);
    if (!onLine || !this.alive.has(pid)) throw new Error(`dnsmasq ${pid} does not run`);
    for (const line of lines) onLine(line);
  }

  /** The process dies on its own, as after a crash. */
  crash(pid: number): void {
    this.end(pid, { code: null, signal: 'SIGSEGV' });
  }

  running(): number[] {
    return [...this.alive.keys()];
  }

  private end(pid: number, exit: Exit): void {
    const resolve = this.alive.get(pid);
    this.alive.delete(pid);
    this.stderr.delete(pid);
    resolve?.(exit);
  }
}
