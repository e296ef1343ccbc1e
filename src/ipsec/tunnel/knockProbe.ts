// The management endpoint as WAN evidence (ARCHITECTURE.md §2: reached over the internet while
// the tunnel is down): one TCP connection attempt at a time to its address, over and over. A
// completed handshake and a refusal (RST) both come from beyond the practice router, so both
// count as an answer; a timeout, or the router's own "no route", does not.
import { connect } from 'node:net';

/** Whether something at address:port answered within the timeout. */
export type Knock = (address: string, port: number, timeoutMs: number) => Promise<boolean>;

export const tcpKnock: Knock = (address, port, timeoutMs) =>
  new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (answered: boolean) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED'));
  });

export interface KnockProbeOptions {
  address: string;
  port: number;
  intervalMs: number;
  /** Runs from a timer: must not throw. */
  onAnswer: () => void;
}

export class KnockProbe {
  private readonly knock: Knock;
  private readonly options: KnockProbeOptions;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(knock: Knock, options: KnockProbeOptions) {
    this.knock = knock;
    this.options = options;
  }

  /** Starts knocking, after `delayMs` (probes of several targets spread their packets so). */
  run(delayMs = 0): void {
    if (this.running) return;
    this.running = true;
    this.timer = setTimeout(() => this.attempt(), delayMs);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private attempt(): void {
    const { address, port, intervalMs } = this.options;
    const started = Date.now();
    // A knock that fails outright is no answer either.
    this.knock(address, port, intervalMs).then(
      (answered) => this.knocked(answered, started),
      () => this.knocked(false, started),
    );
  }

  private knocked(answered: boolean, started: number): void {
    if (!this.running) return;
    const { intervalMs, onAnswer } = this.options;
    this.timer = setTimeout(() => this.attempt(), Math.max(0, intervalMs - (Date.now() - started)));
    if (answered) onAnswer();
  }
}
