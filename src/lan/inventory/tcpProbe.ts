// The unicast probe for card terminals: a TCP connect to the SICCT port, closed as soon as it is
// accepted. No TLS and no SICCT command is sent, so the terminal sees nothing but a connection
// that opens and closes; the connector's own sessions are not touched.
import { Socket } from 'node:net';
import type { ProbeResult } from './reachability.ts';

export const SICCT_PORT = 4742;
export const PROBE_TIMEOUT_MS = 3_000;

export type TcpProbe = (address: string, port: number, timeoutMs: number) => Promise<ProbeResult>;

export const tcpProbe: TcpProbe = (address, port, timeoutMs) =>
  new Promise((resolve) => {
    const socket = new Socket();
    const done = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    // socket.setTimeout measures idleness, not the connect: a plain timer bounds the whole attempt.
    const timer = setTimeout(() => done({ ok: false, detail: 'timeout' }), timeoutMs);
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ ok: false, detail: error.code ?? error.message }));
    socket.connect({ host: address, port });
  });
