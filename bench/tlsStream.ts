// One long-lived TLS connection from the PVS host to the connector stand-in's address in the
// datacenter core, streaming a line every 50 ms that the far end echoes (test/integration/tcpHold.ts
// with TLS), held across a fault: whether it survived without a reset or a timeout, and the
// longest wait for an echo, the longest gap an application on it would have seen.
import { fileURLToPath } from 'node:url';
import { startProcess, type ProcessHandle } from '../src/core/runner.ts';
import type { Lab } from '../test/lab/lab.ts';
import { PLAN } from '../test/lab/topology.ts';

const TCP_HOLD = fileURLToPath(new URL('../test/integration/tcpHold.ts', import.meta.url));
const PORT = '7443';

export interface StreamResult {
  /** Lines sent and echoed. */
  sent: number;
  echoed: number;
  longestWaitMs: number;
  /** The socket's error where the connection broke (ECONNRESET, ETIMEDOUT, echoes missing). */
  error?: string;
}

export class TlsStream {
  private readonly server: ProcessHandle;
  private readonly client: ProcessHandle;
  private readonly holding: Promise<StreamResult>;

  private constructor(server: ProcessHandle, client: ProcessHandle, holding: Promise<StreamResult>) {
    this.server = server;
    this.client = client;
    this.holding = holding;
  }

  /** Connects and streams for `holdMs`; resolves once the stream runs. */
  static async open(lab: Lab, holdMs: number): Promise<TlsStream> {
    const { connector, ca } = lab.describe().pki;
    const listening = lineSeen();
    const server = startProcess(process.execPath, [TCP_HOLD, 'serve', PLAN.ti.connector, PORT, '--cert', connector.cert, '--key', connector.key], {
      netns: lab.names.core,
      onStdoutLine: (line) => line === 'ready' && listening.seen(),
    });
    try {
      await listening.within(5_000, 'the TLS stream server did not listen');
    } catch (error) {
      server.kill();
      throw error;
    }
    const streaming = lineSeen();
    let output = '';
    const client = startProcess(process.execPath, [TCP_HOLD, 'hold', '--source', PLAN.tiSegment.pvs, '--ms', String(holdMs), '--ca', ca, PLAN.ti.connector, PORT], {
      netns: lab.names.pvs,
      onStdoutLine: (line) => (output += line),
      onStderrLine: (line) => line === 'streaming' && streaming.seen(),
    });
    const stream = new TlsStream(server, client, client.exited.then(() => JSON.parse(output) as StreamResult));
    try {
      await streaming.within(10_000, 'the TLS stream did not connect');
    } catch (error) {
      stream.stop();
      throw error;
    }
    return stream;
  }

  /** The stream's outcome once its time is over (a client that printed nothing broke). */
  async result(): Promise<StreamResult> {
    try {
      return await this.holding.catch((error: unknown) => ({ sent: 0, echoed: 0, longestWaitMs: 0, error: String(error) }));
    } finally {
      this.server.kill();
    }
  }

  stop(): void {
    this.client.kill();
    this.server.kill();
  }
}

/** A line a process is to print: `seen` marks it, `within` waits for it or fails in words. */
function lineSeen(): { seen(): void; within(ms: number, failure: string): Promise<void> } {
  let seen!: () => void;
  const promise = new Promise<void>((resolve) => (seen = resolve));
  return {
    seen,
    within: (ms, failure) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(failure)), ms)));
      return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
    },
  };
}

export interface SicctResult {
  survived: boolean;
  error?: string;
  answerMs?: number;
}

/**
 * A SICCT-like TLS connection from the connector's address in the datacenter core to the card
 * terminal stand-in (TCP 4742), as the connector holds one: idle but for the keep-alives a
 * terminal expects (10 s, 10 tries), then one command after `idleMs` that must be answered.
 */
export async function sicctLink(lab: Lab, idleMs: number): Promise<{ result: Promise<SicctResult> }> {
  for (const [key, value] of [['net.ipv4.tcp_keepalive_intvl', '10'], ['net.ipv4.tcp_keepalive_probes', '10']]) {
    await lab.exec(lab.names.core, 'sysctl', ['-qw', `${key}=${value}`]);
  }
  const { ca } = lab.describe().pki;
  const result = lab
    .exec(lab.names.core, process.execPath, [TCP_HOLD, 'keep', '--source', PLAN.ti.connector, '--ms', String(idleMs), '--ca', ca, PLAN.tiSegment.terminal, '4742'], idleMs + 40_000)
    .then(({ stdout }) => JSON.parse(stdout) as SicctResult, (error: unknown) => ({ survived: false, error: String(error) }));
  return { result };
}
