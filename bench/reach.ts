// Watches whether a PVS host reaches the connector stand-in: a fast timestamped ping (every
// 10 ms) from the PVS namespace, whose replies tell to the millisecond when traffic flows again
// after a fault. The ping runs only inside the lab's namespaces.
import { startProcess, type ProcessHandle } from '../src/core/runner.ts';
import { recoveryAt } from './recovery.ts';

const REPLY = /^\[(\d+\.\d+)\] \d+ bytes from /;

export class ReachWatch {
  private readonly handle: ProcessHandle;
  private readonly replyTimes: number[] = [];

  constructor(netns: string, target: string, source?: string) {
    this.handle = startProcess('ping', ['-D', '-n', '-i', '0.01', '-W', '1', ...(source ? ['-I', source] : []), target], {
      netns,
      onStdoutLine: (line) => {
        const match = REPLY.exec(line);
        if (match) this.replyTimes.push(Number(match[1]) * 1000);
      },
    });
  }

  /** Resolves once replies arrive steadily (the tunnel carries traffic), or rejects at the cap. */
  async steady(capMs: number): Promise<void> {
    const deadline = Date.now() + capMs;
    while (Date.now() < deadline) {
      const recent = this.replyTimes.filter((at) => at > Date.now() - 300);
      if (recent.length >= 10) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the PVS host never reached the connector steadily');
  }

  /** When traffic flowed again after `from` (ms since the epoch), or undefined at the cap. */
  async recovery(from: number, capMs: number): Promise<number | undefined> {
    for (;;) {
      const result = recoveryAt(this.replyTimes, from, Date.now());
      if (result !== 'pending') return result;
      if (Date.now() > from + capMs) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The reply times so far (ms since the epoch), oldest first. */
  replies(): readonly number[] {
    return this.replyTimes;
  }

  stop(): void {
    this.handle.kill('SIGTERM');
  }
}
