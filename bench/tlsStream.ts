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
  private readonly holding: Promise<StreamResult>;

  private constructor(server: ProcessHandle, holding: Promise<StreamResult>) {
    this.server = server;
    this.holding = holding;
  }

  /** Connects and streams for `holdMs`; resolves once the connection is open. */
  static async open(lab: Lab, holdMs: number): Promise<TlsStream> {
    const { connector, ca } = lab.describe().pki;
    let ready!: () => void;
    const listening = new Promise<void>((resolve) => (ready = resolve));
    const server = startProcess(process.execPath, [TCP_HOLD, 'serve', PLAN.ti.connector, PORT, '--cert', connector.cert, '--key', connector.key], {
      netns: lab.names.core,
      onStdoutLine: (line) => line === 'ready' && ready(),
    });
    await Promise.race([listening, new Promise((_, reject) => setTimeout(() => reject(new Error('the TLS stream server did not listen')), 5_000))]);
    const holding = lab
      .exec(lab.names.pvs, process.execPath, [TCP_HOLD, 'hold', '--source', PLAN.tiSegment.pvs, '--ms', String(holdMs), '--ca', ca, PLAN.ti.connector, PORT], holdMs + 30_000)
      .then(({ stdout }) => JSON.parse(stdout) as StreamResult);
    // Awaited in result(); a run that throws first must not leave it unhandled.
    holding.catch(() => undefined);
    return new TlsStream(server, holding);
  }

  /** The stream's outcome once its time is over. */
  async result(): Promise<StreamResult> {
    try {
      return await this.holding.catch((error: unknown) => ({ sent: 0, echoed: 0, longestWaitMs: 0, error: String(error) }));
    } finally {
      this.server.kill();
    }
  }

  stop(): void {
    this.server.kill();
  }
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
