// A browser for the web UI's tests over real HTTPS: a cookie jar, forms (urlencoded and
// multipart), JSON calls, and server-sent event streams.
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class Browser {
  cookies = new Map<string, string>();
  private readonly port: number;
  private readonly ca: string;
  constructor(port: number, ca: string) {
    this.port = port;
    this.ca = ca;
  }

  /** The CSRF token of the page's first form. */
  static token(page: Answer): string {
    return /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return await this.request('GET', path, headers);
  }

  async post(path: string, fields: Record<string, string>): Promise<Answer> {
    const body = new URLSearchParams(fields).toString();
    return await this.request('POST', path, { 'Content-Type': 'application/x-www-form-urlencoded' }, body);
  }

  async multipart(path: string, fields: Record<string, string>, file?: { field: string; name: string; content: Buffer }): Promise<Answer> {
    const boundary = `----tibox${Math.random().toString(16).slice(2)}`;
    const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    if (file) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), file.content, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return await this.request('POST', path, { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, Buffer.concat(parts));
  }

  /** A post of a body as it is, for bodies no browser would send. */
  async send(path: string, contentType: string, body: string): Promise<Answer> {
    return await this.request('POST', path, { 'Content-Type': contentType }, body);
  }

  async json(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer & { json: unknown }> {
    const answer = await this.request(method, path, { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers }, body === undefined ? undefined : JSON.stringify(body));
    return { ...answer, json: answer.body ? (JSON.parse(answer.body) as unknown) : undefined };
  }

  async login(password: string): Promise<Answer> {
    const page = await this.get('/login');
    return await this.post('/login', { _csrf: Browser.token(page), user: 'admin', password });
  }

  /** Opens a server-sent event stream; `events` fills as they come, `close` hangs up. */
  events(path: string): Promise<{ status: number; events: { event: string; data: string }[]; ended: Promise<void>; close: () => void }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: this.port, path, headers: { Accept: 'text/event-stream', ...this.cookieHeader() }, ca: this.ca, servername: 'tibox.local' }, (res: IncomingMessage) => {
        const events: { event: string; data: string }[] = [];
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          pending += chunk;
          let end: number;
          while ((end = pending.indexOf('\n\n')) >= 0) {
            const block = pending.slice(0, end);
            pending = pending.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data !== undefined) events.push({ event, data });
          }
        });
        const ended = new Promise<void>((done) => res.once('close', () => done()));
        resolve({ status: res.statusCode ?? 0, events, ended, close: () => req.destroy() });
      });
      req.on('error', reject);
      req.end();
    });
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  private request(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const all = { ...headers, ...this.cookieHeader(), ...(body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }) };
      const req = httpsRequest({ host: '127.0.0.1', port: this.port, path, method, headers: all, ca: this.ca, servername: 'tibox.local' }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const answer = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() };
          const set = answer.headers['set-cookie'];
          for (const line of Array.isArray(set) ? set : set ? [set] : []) {
            const [pair = ''] = line.split(';');
            const [name = '', value = ''] = pair.split('=');
            if (/Expires=Thu, 01 Jan 1970/.test(line) || value === '') this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          resolve(answer);
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
