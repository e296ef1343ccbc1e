// tcpdump in a namespace, for tests that must show what crossed a link, or that nothing did. Its
// output goes to a file; the capture counts as started once tcpdump says it is listening, so no
// packet sent after startCapture() resolves is missed.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { startProcess } from '../../src/core/runner.ts';

export interface Capture {
  /** The packets printed so far, one line each (`-n -e`: MACs and addresses as numbers). */
  packets(): string[];
  /** Ends tcpdump and returns every packet it printed. */
  stop(): Promise<string[]>;
}

/** tcpdump's own lines: "tcpdump: verbose output suppressed ...", "listening on ...", "N packets captured", "... received by filter", "... dropped by kernel". */
const OWN_LINE = /^tcpdump: |listening on|packets? (captured|received|dropped)/;

/** How long the output must stay the same before a capture counts as caught up, and the most to wait for it. */
const QUIET_MS = 250;
const QUIET_LIMIT_MS = 3_000;

async function quiet(read: () => string, quietMs: number, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  let length = read().length;
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    const now = read().length;
    if (now !== length) {
      length = now;
      since = Date.now();
    }
  }
}

export async function startCapture(file: string, ns: string, dev: string, filter: string): Promise<Capture> {
  const fd = openSync(file, 'w');
  // --immediate-mode: each packet is printed as it comes, not when the kernel's buffer block is
  // full or times out, so a capture stopped right after the traffic holds all of it.
  const tcpdump = startProcess('tcpdump', ['-i', dev, '-n', '-l', '-e', '--immediate-mode', filter], { netns: ns, outputFd: fd });
  closeSync(fd);
  const read = () => readFileSync(file, 'utf8');
  const deadline = Date.now() + 10_000;
  while (!read().includes('listening on')) {
    if (Date.now() > deadline) {
      tcpdump.kill('SIGKILL');
      throw new Error(`tcpdump did not start: ${read()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const packets = () => read().split('\n').filter((line) => line && !OWN_LINE.test(line));
  return {
    packets,
    stop: async () => {
      // SIGINT ends tcpdump's loop at once, and what it has not read from the kernel yet is lost:
      // on a busy machine it can lag behind by a few packets. Let it catch up first.
      await quiet(read, QUIET_MS, QUIET_LIMIT_MS);
      tcpdump.kill('SIGINT');
      await tcpdump.exited;
      return packets();
    },
  };
}
