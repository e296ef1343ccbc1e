// Fetches a connector's service directory through the tunnel: GET https://<address>/connector.sds
// from the box's TI address (so the TI routes take it into the tunnel), and says how far it got:
// no TCP connection, no TLS handshake, an HTTP answer other than 200, or the document. The
// connector's certificate is not checked against a CA: the box holds only the gateways' CAs, and
// the TI's trust for connectors is the PVS's business. Its subject is reported as it came.
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export type SdsOutcome =
  | { readonly stage: 'connect'; readonly error: string }
  | { readonly stage: 'tls'; readonly error: string }
  | { readonly stage: 'http'; readonly status: number; readonly tls: string; readonly error?: string }
  | { readonly stage: 'done'; readonly tls: string; readonly body: string };

/** A service directory is a few kilobytes; more is no service directory. */
const MAX_BYTES = 1024 * 1024;
/** Silence this long, before or after the connection, ends the request: the check says at which stage. */
const IDLE_TIMEOUT_MS = 4_000;

export function fetchConnectorSds(address: string, localAddress: string, signal: AbortSignal): Promise<SdsOutcome> {
  return new Promise((resolve) => {
    let stage: 'connect' | 'tls' | 'http' = 'connect';
    let tls = '';
    const req = request({ host: address, port: 443, path: '/connector.sds', localAddress, rejectUnauthorized: false, agent: false, signal, timeout: IDLE_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) return void req.destroy(new Error(`more than ${MAX_BYTES} bytes`));
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (res.statusCode !== 200) resolve({ stage: 'http', status: res.statusCode ?? 0, tls });
        else resolve({ stage: 'done', tls, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })));
    req.on('socket', (socket) => {
      socket.once('connect', () => (stage = 'tls'));
      socket.once('secureConnect', () => {
        stage = 'http';
        tls = (socket as TLSSocket).getProtocol() ?? 'TLS';
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code ?? error.message;
      if (stage === 'http') resolve({ stage, status: 0, tls, error: reason });
      else resolve(stage === 'tls' ? { stage: 'tls', error: reason } : { stage: 'connect', error: reason });
    });
    req.end();
  });
}
