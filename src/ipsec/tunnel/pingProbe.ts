// A continuous ICMP echo probe through one long-running `ping` (Node has no raw sockets): it
// reports each reply as it arrives and starts ping again whenever it exits (e.g. while the
// target is unreachable ping gives up at once). Used for the probe through the tunnel (while livenessWatch.ts asks for one) and
// for the light WAN probe towards the gateways.
import type { ProcessHandle, StartOptions } from '../../core/index.ts';

export type StartProcess = (command: string, args: readonly string[], options?: StartOptions) => ProcessHandle;

export interface PingProbeOptions {
  target: string;
  /** Source address (the box's TI-segment address for probes through the tunnel). */
  source?: string;
  intervalMs: number;
  /** Each reply, with its round trip in ms when ping printed one. */
  onReply: (roundTripMs?: number) => void;
}

const REPLY = /bytes from .*icmp_seq=\d+/;
const ROUND_TRIP = / time=(\d+(?:\.\d+)?) ms/;
const RESTART_DELAY_MS = 100;
const FAILED_START_DELAY_MS = 1_000;

export class PingProbe {
  private readonly start: StartProcess;
  private readonly options: PingProbeOptions;
  private handle: ProcessHandle | undefined;
  private restart: NodeJS.Timeout | undefined;
  private running = false;

  constructor(start: StartProcess, options: PingProbeOptions) {
    this.start = start;
    this.options = options;
  }

  get active(): boolean {
    return this.running;
  }

  /** Starts probing, after `delayMs` (probes of several targets spread their echoes so). */
  run(delayMs = 0): void {
    if (this.running) return;
    this.running = true;
    if (delayMs > 0) this.restart = setTimeout(() => this.running && this.launch(), delayMs);
    else this.launch();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.restart);
    this.handle?.kill('SIGTERM');
    this.handle = undefined;
  }

  private launch(): void {
    const { target, source, intervalMs } = this.options;
    // `--`: the target comes from a profile or DNS and must never be read as an option.
    const args = ['-n', '-i', (intervalMs / 1000).toFixed(3), '-W', '1', ...(source ? ['-I', source] : []), '--', target];
    let handle: ProcessHandle;
    try {
      handle = this.start('ping', args, {
        onStdoutLine: (line) => {
          if (this.running && REPLY.test(line)) this.options.onReply(roundTripOf(line));
        },
      });
    } catch {
      // Could not start (no processes left, say): try again later rather than crash the agent.
      this.restart = setTimeout(() => this.running && this.launch(), FAILED_START_DELAY_MS);
      return;
    }
    this.handle = handle;
    // However its end is learnt, ping is gone: it starts again unless stopped or replaced.
    const gone = () => {
      if (!this.running || this.handle !== handle) return;
      this.restart = setTimeout(() => this.running && this.launch(), RESTART_DELAY_MS);
    };
    handle.exited.then(gone, gone);
  }
}

/** The round trip ping printed with a reply ("time=0.052 ms"), if it printed one. */
export function roundTripOf(line: string): number | undefined {
  const match = ROUND_TRIP.exec(line);
  return match ? Number(match[1]) : undefined;
}
