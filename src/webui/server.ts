// The web UI's listeners: HTTPS with the device certificate, and plain HTTP that only redirects to
// HTTPS. Both listen on every address of the box's namespace; the firewall lets only the LAN side
// (practice LAN and TI segment) reach them, never the WAN or the tunnel.
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { isIPv6 } from 'node:net';
import type { RequestListener } from 'node:http';
import { DEVICE_DNS_NAME } from './tls/deviceCertificate.ts';
import { tlsOptions } from './tls/tlsOptions.ts';

export interface ListenOptions {
  host: string;
  httpsPort: number;
  /** Where plain HTTP redirects to HTTPS; none when undefined. 0 asks for any free port (tests). */
  httpPort: number | undefined;
}

export class WebUiServers {
  private https: HttpsServer | undefined;
  private http: HttpServer | undefined;

  /** Starts both listeners; if one fails, the other is closed again. */
  async start(app: RequestListener, certificate: { key: string; cert: string }, listen: ListenOptions): Promise<void> {
    const https = createHttpsServer(tlsOptions(certificate.key, certificate.cert), app);
    // Slow clients may not hold connections open for long: a LAN host is fast.
    https.headersTimeout = 10_000;
    https.requestTimeout = 30_000;
    https.keepAliveTimeout = 5_000;
    await listenOn(https, listen.httpsPort, listen.host);
    this.https = https;
    if (listen.httpPort === undefined) return;
    const http = createHttpServer(redirectToHttps(this.httpsPort() ?? listen.httpsPort));
    http.headersTimeout = 10_000;
    http.requestTimeout = 10_000;
    try {
      await listenOn(http, listen.httpPort, listen.host);
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.http = http;
  }

  /** The HTTPS port actually bound (a test may ask for port 0). */
  httpsPort(): number | undefined {
    const address = this.https?.address();
    return typeof address === 'object' && address !== null ? address.port : undefined;
  }

  httpPort(): number | undefined {
    const address = this.http?.address();
    return typeof address === 'object' && address !== null ? address.port : undefined;
  }

  async stop(): Promise<void> {
    const servers = [this.https, this.http].filter((s): s is HttpServer | HttpsServer => s !== undefined);
    this.https = undefined;
    this.http = undefined;
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }
}

/**
 * Plain HTTP answers every request with a permanent redirect to the same path over HTTPS. The
 * target host is the box's name when the request asked for it, else the address the request came
 * in on: never a host taken from the request, so the redirect cannot send anyone elsewhere.
 */
export function redirectToHttps(httpsPort: number): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const asked = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const local = (req.socket.localAddress ?? '').replace(/^::ffff:/, '');
    const host = asked === DEVICE_DNS_NAME ? DEVICE_DNS_NAME : isIPv6(local) ? `[${local}]` : local;
    const path = (req.url ?? '/').startsWith('/') ? (req.url ?? '/') : '/';
    const location = `https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${path}`;
    res.writeHead(301, { Location: location, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`${location}\n`);
  };
}

function listenOn(server: HttpServer | HttpsServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
