// The lab DDI server's admin API, for tests: assign deployments, cancel them, set the polling
// interval, read the feedback and configData a box sent and the requests it made, and set faults.
// It answers HTTP on a unix socket in the lab's directory, which a test reaches from outside the
// datacenter's namespace; the client below is what tests use.
import { createServer, request, type Server } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import type { Feedback, Handling, MaintenanceWindow } from '../../../src/updater/ddi/index.ts';
import { HttpError, type LabDdiServer, type LabFaults, type LabTraffic, type RequestRecord } from './server.ts';
import type { ActionState } from './state.ts';

export interface AssignBody {
  controllerId: string;
  download?: Handling;
  update?: Handling;
  maintenanceWindow?: MaintenanceWindow;
  /** Each artifact's content is read from `path` when the deployment is assigned. */
  chunks: { part: string; version: string; name: string; artifacts: { filename: string; path: string }[] }[];
}

export interface ActionView {
  id: string;
  state: ActionState;
  feedback: Feedback[];
  cancelFeedback: Feedback[];
}

export interface TargetView {
  configData: { mode: string; data: Record<string, string> } | null;
  configDataRequested: boolean;
  polls: number;
  pollingSleep: string;
}

async function readJson(req: AsyncIterable<Buffer>): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part);
  return parts.length === 0 ? {} : (JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown);
}

/** Serves the admin API for `ddi` on the unix socket `path`. */
export async function serveAdmin(ddi: LabDdiServer, path: string): Promise<Server> {
  rmSync(path, { force: true });
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? null));
    readJson(req)
      .then((body) => reply(200, adminRoute(ddi, req.method ?? '', req.url ?? '', body)))
      .catch((error: unknown) => reply(error instanceof HttpError ? error.status : 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

function adminRoute(ddi: LabDdiServer, method: string, url: string, body: unknown): unknown {
  const { pathname, searchParams } = new URL(url, 'http://admin');
  const [first, id, verb] = pathname.split('/').slice(1).map(decodeURIComponent);
  const action = () => {
    const found = ddi.state.actions.get(id ?? '');
    if (!found) throw new HttpError(404, `no action ${String(id)}`);
    return found;
  };
  const route = `${method} ${first}${verb === undefined ? '' : `/${verb}`}`;
  switch (route) {
    case 'POST assign': {
      const request = body as AssignBody;
      const assigned = ddi.state.assign({
        ...request,
        chunks: request.chunks.map((chunk) => ({ ...chunk, artifacts: chunk.artifacts.map((a) => ({ filename: a.filename, bytes: readFileSync(a.path) })) })),
      });
      return { actionId: assigned.id };
    }
    case 'POST actions/cancel': {
      const found = action();
      if (found.state !== 'open') throw new HttpError(409, `action ${found.id} is ${found.state}`);
      found.state = 'canceling';
      return {};
    }
    case 'POST actions/maintenanceWindow': {
      // The operator's schedule opens (or closes) the window; the box reads it at its next look.
      action().maintenanceWindow = (body as { window: MaintenanceWindow }).window;
      return {};
    }
    case 'GET actions': {
      const { id: actionId, state, feedback, cancelFeedback } = action();
      return { id: actionId, state, feedback, cancelFeedback } satisfies ActionView;
    }
    case 'GET targets': {
      const target = ddi.state.target(id ?? '');
      const configData = target.configData ? { mode: target.configData.mode, data: Object.fromEntries(target.configData.data) } : null;
      return { configData, configDataRequested: target.configDataRequested, polls: target.polls, pollingSleep: target.pollingSleep } satisfies TargetView;
    }
    case 'POST targets/requestConfigData':
      ddi.state.target(id ?? '').configDataRequested = true;
      return {};
    case 'POST polling': {
      const { sleep, controllerId } = body as { sleep: string; controllerId?: string };
      ddi.setPolling(sleep, controllerId);
      return {};
    }
    case 'POST faults':
      ddi.faults = body as LabFaults;
      return {};
    case 'POST identity':
      ddi.useIdentity((body as { which: 'lab' | 'foreign' }).which);
      return {};
    case 'GET requests':
      return ddi.requests.slice(Number(searchParams.get('since') ?? 0));
    case 'GET traffic':
      return ddi.traffic();
    default:
      throw new HttpError(404, `no admin route ${method} ${pathname}`);
  }
}

/** The admin API as a test calls it. */
export class LabDdiAdmin {
  private readonly socketPath: string;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers: { 'content-type': 'application/json' } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => {
          const parsed = JSON.parse(Buffer.concat(parts).toString('utf8')) as T & { message?: string };
          if (res.statusCode === 200) resolve(parsed);
          else reject(new Error(`ddi admin ${method} ${path}: ${res.statusCode}: ${parsed.message}`));
        });
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  async assign(body: AssignBody): Promise<string> {
    return (await this.call<{ actionId: string }>('POST', '/assign', body)).actionId;
  }

  cancel(actionId: string): Promise<void> {
    return this.call('POST', `/actions/${actionId}/cancel`);
  }

  setMaintenanceWindow(actionId: string, window: MaintenanceWindow): Promise<void> {
    return this.call('POST', `/actions/${actionId}/maintenanceWindow`, { window });
  }

  action(actionId: string): Promise<ActionView> {
    return this.call('GET', `/actions/${actionId}`);
  }

  target(controllerId: string): Promise<TargetView> {
    return this.call('GET', `/targets/${encodeURIComponent(controllerId)}`);
  }

  requestConfigData(controllerId: string): Promise<void> {
    return this.call('POST', `/targets/${encodeURIComponent(controllerId)}/requestConfigData`);
  }

  setPolling(sleep: string, controllerId?: string): Promise<void> {
    return this.call('POST', '/polling', { sleep, controllerId });
  }

  setFaults(faults: LabFaults): Promise<void> {
    return this.call('POST', '/faults', faults);
  }

  useIdentity(which: 'lab' | 'foreign'): Promise<void> {
    return this.call('POST', '/identity', { which });
  }

  requests(since = 0): Promise<RequestRecord[]> {
    return this.call('GET', `/requests?since=${since}`);
  }

  traffic(): Promise<LabTraffic> {
    return this.call('GET', '/traffic');
  }
}
