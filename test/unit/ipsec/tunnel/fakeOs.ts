// The rest of the tunnel controller's world, faked: the routes port (records each desired state
// as text), `ping` processes (the test feeds their reply lines and ends them), an in-memory
// history and a logger whose lines the test can read.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../../src/core/log.ts';
import type { ProcessHandle, StartOptions } from '../../../../src/core/runner.ts';
import type { RoutePath, TunnelRoutes } from '../../../../src/ipsec/tunnel/ports.ts';
import type { ResumeState } from '../../../../src/ipsec/tunnel/resumeState.ts';
import type { TunnelEvent, TunnelHistory } from '../../../../src/ipsec/tunnel/status.ts';

export function routeText(desired: { prefixes: readonly string[]; path: RoutePath } | null): string {
  if (!desired) return 'none';
  const { path } = desired;
  if (path.kind === 'unreachable') return 'unreachable';
  if (path.kind === 'libipsec') return `tunnel via ${path.dev} src ${path.src}`;
  return `tunnel via ${path.via} dev ${path.dev} src ${path.src}`;
}

export class FakeRoutes implements TunnelRoutes {
  /** Every apply() call, as text. */
  readonly applied: string[] = [];
  prefixes: readonly string[] = [];
  /** While set, apply() records the desired state, then waits for this (a slow netlink round trip). */
  hold: Promise<void> | undefined;

  async apply(desired: { prefixes: readonly string[]; path: RoutePath } | null): Promise<void> {
    this.applied.push(routeText(desired));
    if (this.hold) await this.hold;
    this.prefixes = desired?.prefixes ?? [];
  }

  get current(): string | undefined {
    return this.applied.at(-1);
  }

  /** The applied states with repeats folded: what the kernel went through. */
  changes(): string[] {
    return this.applied.filter((text, i) => text !== this.applied[i - 1]);
  }
}

/** The resume port: each save as `save <connection> <routes>`, each clear as `clear`. */
export class MemoryResume {
  readonly calls: string[] = [];
  saved: ResumeState | undefined;

  async save(state: ResumeState): Promise<void> {
    this.calls.push(`save ${state.plan.connections.map((c) => c.name).join(',')} ${routeText(state.routes)}`);
    this.saved = state;
  }

  async clear(): Promise<void> {
    this.calls.push('clear');
    this.saved = undefined;
  }
}

interface FakeProcess {
  pid: number;
  target: string;
  source?: string;
  interval: string;
  running: boolean;
  onLine: (line: string) => void;
  end: (how: { code: number | null; signal: NodeJS.Signals | null }) => void;
}

export class FakeProcesses {
  readonly started: FakeProcess[] = [];
  private nextPid = 1000;
  private seq = 0;

  readonly start = (command: string, args: readonly string[], options: StartOptions = {}): ProcessHandle => {
    if (command !== 'ping') throw new Error(`unexpected command ${command}`);
    if (!options.onStdoutLine) throw new Error('ping started without a line reader');
    const flag = (name: string) => {
      const i = args.indexOf(name);
      return i < 0 ? undefined : args[i + 1];
    };
    let end!: FakeProcess['end'];
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => (end = resolve));
    const proc: FakeProcess = {
      pid: this.nextPid++,
      target: args.at(-1) ?? '',
      ...(flag('-I') ? { source: flag('-I') } : {}),
      interval: flag('-i') ?? '?',
      running: true,
      onLine: options.onStdoutLine,
      end: (how) => {
        if (!proc.running) return;
        proc.running = false;
        end(how);
      },
    };
    this.started.push(proc);
    return { pid: proc.pid, exited, kill: (signal = 'SIGTERM') => proc.end({ code: null, signal }) };
  };

  /** The running pings as sorted text: `ping TARGET [from SOURCE] every SECONDS`. */
  running(): string[] {
    return this.started
      .filter((p) => p.running)
      .map((p) => `ping ${p.target}${p.source ? ` from ${p.source}` : ''} every ${p.interval}`)
      .sort();
  }

  /** One echo reply, after `roundTripMs` as ping prints it, to every running ping of `target`; how many got it. */
  reply(target: string, roundTripMs = 0.5): number {
    const procs = this.started.filter((p) => p.running && p.target === target);
    this.seq += 1;
    for (const p of procs) p.onLine(`64 bytes from ${target}: icmp_seq=${this.seq} ttl=64 time=${roundTripMs} ms`);
    return procs.length;
  }

  /** Every running ping of `target` exits on its own (ping gives up, e.g. no route). */
  exit(target: string, code = 1): void {
    for (const p of this.started.filter((q) => q.running && q.target === target)) p.end({ code, signal: null });
  }
}

export class MemoryHistory implements TunnelHistory {
  readonly events: TunnelEvent[] = [];

  record(event: TunnelEvent): void {
    this.events.push(event);
  }

  recent(limit: number): TunnelEvent[] {
    return this.events.slice(-limit).reverse();
  }

  /** Oldest first, as `state [gateway]` lines. */
  lines(): string[] {
    return this.events.map((e) => `${e.state}${e.gateway ? ` ${e.gateway}` : ''}`);
  }
}

/** A debug logger whose lines are kept as parsed JSON. */
export function memoryLog(): { log: Logger; lines: { level: number; msg: string; [key: string]: unknown }[] } {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n')) if (text) lines.push(JSON.parse(text) as { level: number; msg: string });
      callback();
    },
  });
  return { log: createLogger({ level: 'debug', destination }), lines };
}
