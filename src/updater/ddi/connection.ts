// One HTTPS connection to the management server with mutual TLS: the box's management identity
// as client certificate, and the server's certificate checked against the management CA alone
// (never the system's roots), so nobody with a certificate from a public CA can pose as the
// datacenter. Every call has a timeout and may be aborted; JSON answers are read up to their
// resource's limit and no further, downloads stream to the caller.
import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import { DdiAbortedError, DdiConnectionError, DdiError, DdiHttpError, DdiTimeoutError, DdiTooLargeError } from './errors.ts';
import { parseRetryAfter } from './retry.ts';

export interface DdiTls {
  /** PEM: the client certificate (with client-auth usage) and its key. */
  cert: string | Buffer;
  key: string | Buffer;
  /** PEM: the CA(s) that sign the management server's certificate. */
  ca: string | Buffer;
}

export interface DdiConnectionOptions {
  tls: DdiTls;
  /** Default 30 s: covers connecting and each wait for data, not a whole download. */
  timeoutMs?: number;
  /** Connect to this IP instead of resolving the URL's host (the name still goes into SNI and is checked). */
  address?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface JsonCallOptions extends CallOptions {
  body?: string;
  /** Answers above this many bytes are refused (DdiTooLargeError) as soon as that is known. */
  maxBytes: number;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class DdiConnection {
  private readonly tls: DdiTls;
  private agent: Agent;
  private readonly timeoutMs: number;
  private address: string | undefined;

  constructor(options: DdiConnectionOptions) {
    this.tls = options.tls;
    this.agent = this.newAgent();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.address = options.address;
  }

  private newAgent(): Agent {
    const { cert, key, ca } = this.tls;
    // Kept-alive sockets, two at most: a download and the polls and feedback beside it.
    return new Agent({ cert, key, ca, keepAlive: true, maxSockets: 2, minVersion: 'TLSv1.2' });
  }

  /**
   * Where requests connect from now on: this IP (the URL's name still goes into SNI and is
   * checked), or, undefined, the URL's host as the system resolves it. The sockets kept alive to
   * the former place are closed and a request still on one fails as after a broken line (and is
   * tried again as such): none of them may carry a request of the new way.
   */
  connectTo(address: string | undefined): void {
    if (address === this.address) return;
    this.address = address;
    this.agent.destroy();
    this.agent = this.newAgent();
  }

  private lookup(): LookupFunction | undefined {
    const address = this.address;
    if (address === undefined) return undefined;
    return ((_hostname, lookupOptions, callback) => {
      const family = address.includes(':') ? 6 : 4;
      if (lookupOptions.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    }) as LookupFunction;
  }

  /**
   * Sends a request and hands the answer's head to `onResponse`, which reads the body and settles
   * the call. The timeout restarts with every piece of data; `what` names the call in errors.
   */
  private exchange<T>(what: string, method: string, url: string, options: CallOptions & { body?: string }, onResponse: (res: IncomingMessage) => Promise<T>): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const signal = options.signal;
      if (signal?.aborted) {
        reject(new DdiAbortedError(what, signal.reason));
        return;
      }
      let settled = false;
      const finish = (error: Error | undefined, value?: T) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          req.destroy();
          reject(error);
        } else resolve(value as T);
      };
      const onAbort = () => finish(new DdiAbortedError(what, signal?.reason));
      const headers: Record<string, string> = { accept: 'application/hal+json, application/json', ...options.headers };
      if (options.body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(options.body)) });
      const lookup = this.lookup();
      const req = request(url, { method, agent: this.agent, headers, timeout: timeoutMs, ...(lookup && { lookup }) }, (res) => {
        onResponse(res).then(
          (value) => finish(undefined, value),
          // A body cut off mid-way rejects the reader with a plain "aborted": the line broke.
          (error: unknown) => finish(error instanceof DdiError ? error : new DdiConnectionError(what, error)),
        );
      });
      req.on('timeout', () => finish(new DdiTimeoutError(what, timeoutMs)));
      req.on('error', (error) => finish(new DdiConnectionError(what, error)));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end(options.body);
    });
  }

  /** A JSON resource (or a body-less answer such as feedback's 200); non-2xx answers throw DdiHttpError. */
  call(what: string, method: string, url: string, options: JsonCallOptions): Promise<Answer> {
    return this.exchange(what, method, url, options, async (res) => {
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (declared > options.maxBytes) throw new DdiTooLargeError(what, declared, options.maxBytes);
      const parts: Buffer[] = [];
      let size = 0;
      for await (const part of res as AsyncIterable<Buffer>) {
        size += part.length;
        if (size > options.maxBytes) throw new DdiTooLargeError(what, size, options.maxBytes);
        parts.push(part);
      }
      const body = Buffer.concat(parts);
      const status = res.statusCode ?? 0;
      if ((status < 200 || status >= 300) && status !== 304) {
        const retryAfter = parseRetryAfter(res.headers['retry-after'] as string | undefined, Date.now());
        throw new DdiHttpError(what, status, retryAfter, body.toString('utf8', 0, Math.min(body.length, 200)).replace(/\s+/g, ' ').trim());
      }
      return { status, headers: res.headers, body };
    });
  }

  /**
   * A download: `onHead` sees the answer's status and headers first and says whether to read the
   * body (it may throw a DdiError instead); each piece then goes to `onData`, in order. Resolves
   * once the body ended or was declined; rejects when the line breaks, with whatever `onData`
   * took left to the caller.
   */
  stream(what: string, url: string, options: CallOptions, onHead: (res: IncomingMessage) => boolean, onData: (piece: Buffer) => void): Promise<void> {
    return this.exchange(what, 'GET', url, options, async (res) => {
      if (!onHead(res)) {
        res.destroy();
        return;
      }
      for await (const piece of res as AsyncIterable<Buffer>) onData(piece);
      if (!res.complete) throw new DdiConnectionError(what, new Error('the connection closed before the whole answer arrived'));
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
