// The lab's DDI server, written from hawkBit's DDI documentation and model: the controller base
// with the polling interval and HAL links, the deployment base, the cancel action, feedback and
// configData, and artifact downloads with ETag and Range. Mutual TLS as behind hawkBit's reverse
// proxy: the client certificate must come from the lab CA and its CN must be the controller id of
// the URL. Faults are set through the admin API (admin.ts) to test the box against a server that
// misbehaves: a download cut at byte N, 429/500 answers, malformed or oversized JSON, a server
// certificate from a foreign CA.
import { createServer, type Server } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { constants, createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { formatSleep, parseConfigData, parseFeedback, parseSleep, DdiError } from '../../../src/updater/ddi/index.ts';
import { LabDdiState, type LabAction, type LabArtifact } from './state.ts';

export const LAB_TENANT = 'DEFAULT';
const MAX_BODY_BYTES = 256 * 1024;

export interface TlsIdentity {
  cert: string | Buffer;
  key: string | Buffer;
}

/** What the admin API can make the server do wrong; every count is of requests still to be spoiled. */
export interface LabFaults {
  /** The next download ends after this many bytes of its body (once). */
  cutDownloadAt?: number;
  /** The next download sends this many bytes of its body and then nothing more, as a stalled line (once). */
  stallDownloadAt?: number;
  /** The next download has one byte flipped in the middle (once). */
  corruptDownload?: boolean;
  /** The next `count` controller requests are answered with `status` (429 or 5xx), with Retry-After when given. */
  status?: { code: number; count: number; retryAfter?: string };
  /** The next `count` answers of the controller base (or the deployment base) are not JSON, or too large to be accepted. */
  badJson?: { kind: 'malformed' | 'oversized'; count: number; resource?: 'base' | 'deployment' };
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  range: string | undefined;
  ifNoneMatch: string | undefined;
  controllerId: string | undefined;
  /** Where the request came from: through the tunnel, the box's TI-segment address. */
  remoteAddress: string | undefined;
  /** Which of the server's addresses it came to: the one in the management prefix, or the internet's. */
  localAddress: string | undefined;
  /** When it was answered (ms since the epoch). */
  at: number;
}

export interface LabDdiServerOptions {
  /** Where the box sends requests: the origin put in the links (`https://mgmt.dc.tibox.test`). */
  origin: string;
  ca: string | Buffer;
  identity: TlsIdentity;
  /** The certificate of a foreign CA the server can switch to. */
  foreignIdentity?: TlsIdentity;
  /**
   * false: every connection makes a full TLS handshake, as a box polling every 5 min meets a
   * server whose session tickets lasted 5 min (the benchmark compresses time, tickets would not).
   */
  resumption?: boolean;
  /** How long an idle kept-alive connection stays open (Node's default: 5 s). */
  keepAliveTimeoutMs?: number;
}

/** What crossed the server's TCP connections: TLS records, headers and bodies alike. */
export interface LabTraffic {
  connections: number;
  /** Connections whose TLS session was resumed instead of a full handshake. */
  resumed: number;
  bytesIn: number;
  bytesOut: number;
}

function etagOf(body: Buffer | string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export class LabDdiServer {
  readonly state = new LabDdiState();
  readonly requests: RequestRecord[] = [];
  faults: LabFaults = {};
  /** Put into every link; a server listening on a port chosen at run time sets it after listen(). */
  origin: string;
  private readonly options: LabDdiServerOptions;
  private readonly server: Server;
  /** Listeners on further addresses, each handing its connections to `server`. */
  private readonly moreListeners: TcpServer[] = [];
  private readonly closedTraffic: LabTraffic = { connections: 0, resumed: 0, bytesIn: 0, bytesOut: 0 };
  private readonly open = new Set<Socket>();

  constructor(options: LabDdiServerOptions) {
    this.options = options;
    this.origin = options.origin;
    this.server = createServer(
      { ...options.identity, ...this.tlsOptions(), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
      (req, res) => {
        this.handle(req, res).catch((error: unknown) => {
          if (!res.headersSent) this.send(req, res, 500, { message: String(error) });
          else res.destroy();
        });
      },
    );
    if (options.keepAliveTimeoutMs !== undefined) this.server.keepAliveTimeout = options.keepAliveTimeoutMs;
    this.server.on('connection', (socket: Socket) => {
      this.open.add(socket);
      this.closedTraffic.connections++;
      socket.once('close', () => {
        this.open.delete(socket);
        this.closedTraffic.bytesIn += socket.bytesRead;
        this.closedTraffic.bytesOut += socket.bytesWritten;
      });
    });
    this.server.on('secureConnection', (socket: TLSSocket) => {
      if (socket.isSessionReused()) this.closedTraffic.resumed++;
    });
  }

  private tlsOptions(): { ca: string | Buffer; secureOptions?: number } {
    return { ca: this.options.ca, ...(this.options.resumption === false && { secureOptions: constants.SSL_OP_NO_TICKET }) };
  }

  /** The bytes of every connection so far, those still open included. */
  traffic(): LabTraffic {
    const total = { ...this.closedTraffic };
    for (const socket of this.open) {
      total.bytesIn += socket.bytesRead;
      total.bytesOut += socket.bytesWritten;
    }
    return total;
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Serves on another address too (after listen()): the same server, state and certificate there. */
  listenAlso(port: number, host: string): Promise<void> {
    const listener = createTcpServer((socket) => this.server.emit('connection', socket));
    this.moreListeners.push(listener);
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  /** Presents the lab certificate again, or one a box must refuse; connections made later see it. */
  useIdentity(which: 'lab' | 'foreign'): void {
    const identity = which === 'lab' ? this.options.identity : this.options.foreignIdentity;
    if (!identity) throw new Error('no foreign identity was given');
    this.server.setSecureContext({ ...identity, ...this.tlsOptions() });
  }

  close(): Promise<void> {
    for (const listener of this.moreListeners) listener.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private controllerBase(controllerId: string): string {
    return `${this.origin}/${LAB_TENANT}/controller/v1/${controllerId}`;
  }

  private record(req: IncomingMessage, status: number): void {
    const [, , , , controllerId] = (req.url ?? '').split('?')[0]?.split('/') ?? [];
    this.requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      status,
      range: req.headers.range,
      ifNoneMatch: req.headers['if-none-match'],
      controllerId,
      remoteAddress: req.socket.remoteAddress,
      localAddress: req.socket.localAddress,
      at: Date.now(),
    });
  }

  private send(req: IncomingMessage, res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    this.record(req, status);
    if (body === undefined) {
      res.writeHead(status, headers).end();
      return;
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/hal+json', 'content-length': String(Buffer.byteLength(text)), ...headers }).end(text);
  }

  /** A JSON resource with an ETag; an If-None-Match that matches gets 304 and no body. */
  private sendResource(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const text = JSON.stringify(body);
    const etag = etagOf(text);
    if (req.headers['if-none-match'] === etag) this.send(req, res, 304, undefined, { etag });
    else this.send(req, res, 200, text, { etag });
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const part of req as AsyncIterable<Buffer>) {
      size += part.length;
      if (size > MAX_BODY_BYTES) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`);
      parts.push(part);
    }
    return Buffer.concat(parts);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      if (error instanceof HttpError) this.send(req, res, error.status, { message: error.message });
      else if (error instanceof DdiError) this.send(req, res, 400, { message: error.message });
      else throw error;
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const [tenant, controller, v1, controllerId, ...rest] = url.pathname.split('/').slice(1).map(decodeURIComponent);
    if (tenant !== LAB_TENANT || controller !== 'controller' || v1 !== 'v1' || !controllerId) throw new HttpError(404, `no such resource: ${url.pathname}`);
    // As hawkBit behind its reverse proxy: the certificate's CN is the only controller it may be.
    const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
    if (cn !== controllerId) throw new HttpError(403, `the client certificate (CN ${String(cn)}) is not controller ${controllerId}`);

    const status = this.faults.status;
    if (status && status.count > 0) {
      status.count--;
      this.send(req, res, status.code, { message: 'fault injected' }, status.retryAfter === undefined ? {} : { 'retry-after': status.retryAfter });
      return;
    }

    const target = this.state.target(controllerId);
    const key = `${req.method} ${rest.map((part, index) => (index === 1 && rest[0] !== 'softwaremodules' ? '*' : part)).join('/')}`;
    const action = rest[1] === undefined ? undefined : this.state.actions.get(rest[1]);
    const ownAction = () => {
      if (!action || action.controllerId !== controllerId) throw new HttpError(404, `no action ${String(rest[1])} for ${controllerId}`);
      return action;
    };

    if (key === 'GET ') return this.pollBase(req, res, controllerId);
    if (key === 'PUT configData') {
      target.configData = parseConfigData(await this.readBody(req));
      target.configDataRequested = false;
      return this.send(req, res, 200);
    }
    if (key === 'GET deploymentBase/*') {
      const found = ownAction();
      if (this.sendBadJson(req, res, 'deployment')) return;
      return this.sendResource(req, res, this.deploymentBody(found));
    }
    if (key === 'POST deploymentBase/*/feedback') {
      const found = ownAction();
      const feedback = parseFeedback(await this.readBody(req));
      if (found.state !== 'open' && found.state !== 'canceling') throw new HttpError(410, `action ${found.id} is no longer active`);
      this.state.deploymentFeedback(found, feedback);
      return this.send(req, res, 200);
    }
    if (key === 'GET cancelAction/*') {
      const found = ownAction();
      if (found.state !== 'canceling') throw new HttpError(404, `action ${found.id} is not being canceled`);
      return this.sendResource(req, res, { id: found.id, cancelAction: { stopId: found.id } });
    }
    if (key === 'POST cancelAction/*/feedback') {
      const found = ownAction();
      const feedback = parseFeedback(await this.readBody(req));
      if (found.state !== 'canceling') throw new HttpError(410, `action ${found.id} is not being canceled`);
      this.state.cancelFeedback(found, feedback);
      return this.send(req, res, 200);
    }
    if (req.method === 'GET' && rest[0] === 'softwaremodules' && rest[2] === 'artifacts' && rest.length === 4) return this.download(req, res, controllerId, Number(rest[1]), rest[3] ?? '');
    throw new HttpError(404, `no such resource: ${req.method} ${url.pathname}`);
  }

  private pollBase(req: IncomingMessage, res: ServerResponse, controllerId: string): void {
    const target = this.state.target(controllerId);
    target.polls++;
    if (this.sendBadJson(req, res, 'base')) return;
    const base = this.controllerBase(controllerId);
    const action = this.state.activeAction(controllerId);
    const links: Record<string, { href: string }> = {};
    if (action?.state === 'open') links['deploymentBase'] = { href: `${base}/deploymentBase/${action.id}?c=${etagOf(JSON.stringify(this.deploymentBody(action))).slice(1, 9)}` };
    if (action?.state === 'canceling') links['cancelAction'] = { href: `${base}/cancelAction/${action.id}` };
    if (target.configDataRequested) links['configData'] = { href: `${base}/configData` };
    this.sendResource(req, res, { config: { polling: { sleep: target.pollingSleep } }, _links: links });
  }

  /** Spoils this answer when a badJson fault for `resource` is pending. */
  private sendBadJson(req: IncomingMessage, res: ServerResponse, resource: 'base' | 'deployment'): boolean {
    const bad = this.faults.badJson;
    if (!bad || bad.count <= 0 || (bad.resource ?? 'base') !== resource) return false;
    bad.count--;
    this.send(req, res, 200, bad.kind === 'malformed' ? '{"config":{"polling":' : `{"padding":"${'x'.repeat(1024 * 1024)}"}`);
    return true;
  }

  private deploymentBody(action: LabAction): unknown {
    const base = this.controllerBase(action.controllerId);
    return {
      id: action.id,
      deployment: {
        download: action.download,
        update: action.update,
        ...(action.maintenanceWindow && { maintenanceWindow: action.maintenanceWindow }),
        chunks: action.chunks.map((chunk) => ({
          part: chunk.part,
          version: chunk.version,
          name: chunk.name,
          artifacts: chunk.artifacts.map((artifact) => ({
            filename: artifact.filename,
            hashes: { sha1: artifact.sha1, md5: artifact.md5, sha256: artifact.sha256 },
            size: artifact.bytes.length,
            _links: { download: { href: `${base}/softwaremodules/${chunk.moduleId}/artifacts/${encodeURIComponent(artifact.filename)}` } },
          })),
        })),
      },
    };
  }

  private findArtifact(controllerId: string, moduleId: number, filename: string): LabArtifact {
    for (const action of this.state.actions.values()) {
      if (action.controllerId !== controllerId) continue;
      const artifact = action.chunks.find((chunk) => chunk.moduleId === moduleId)?.artifacts.find((a) => a.filename === filename);
      if (artifact) return artifact;
    }
    throw new HttpError(404, `no artifact ${filename} in module ${moduleId} for ${controllerId}`);
  }

  /** RFC 7233: one range `bytes=N-` or `bytes=N-M`; an If-Range that does not match sends it whole. */
  private download(req: IncomingMessage, res: ServerResponse, controllerId: string, moduleId: number, filename: string): void {
    const artifact = this.findArtifact(controllerId, moduleId, filename);
    const etag = `"${artifact.sha256}"`;
    const size = artifact.bytes.length;
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = req.headers.range;
    const ifRange = req.headers['if-range'];
    if (range !== undefined && (ifRange === undefined || ifRange === etag)) {
      const match = /^bytes=(\d+)-(\d*)$/.exec(range);
      if (!match || Number(match[1]) >= size) {
        this.send(req, res, 416, undefined, { 'content-range': `bytes */${size}` });
        return;
      }
      start = Number(match[1]);
      end = match[2] === '' ? size - 1 : Math.min(size - 1, Number(match[2]));
      status = 206;
    }
    let body = artifact.bytes.subarray(start, end + 1);
    if (this.faults.corruptDownload && body.length > 0) {
      delete this.faults.corruptDownload;
      body = Buffer.from(body);
      body[body.length >> 1] = (body[body.length >> 1] ?? 0) ^ 0xff;
    }
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      'accept-ranges': 'bytes',
      etag,
      ...(status === 206 && { 'content-range': `bytes ${start}-${end}/${size}` }),
    };
    this.record(req, status);
    res.writeHead(status, headers);
    const cut = this.faults.cutDownloadAt;
    if (cut !== undefined && cut < body.length) {
      delete this.faults.cutDownloadAt;
      // The first bytes leave, then the connection dies as a broken line would end it.
      res.write(body.subarray(0, cut), () => res.destroy());
      return;
    }
    const stall = this.faults.stallDownloadAt;
    if (stall !== undefined && stall < body.length) {
      delete this.faults.stallDownloadAt;
      // The first bytes leave, then nothing: the line hangs until the box gives up or goes away.
      res.write(body.subarray(0, stall));
      return;
    }
    res.end(body);
  }

  /** The interval given to `controllerId` (and to controllers not seen yet when it is undefined). */
  setPolling(sleep: string, controllerId?: string): void {
    const ms = parseSleep(sleep);
    if (ms === undefined) throw new HttpError(400, `polling sleep ${JSON.stringify(sleep)} is not HH:mm:ss`);
    if (controllerId === undefined) this.state.defaultSleep = formatSleep(ms);
    else this.state.target(controllerId).pollingSleep = formatSleep(ms);
  }
}

export { HttpError };
