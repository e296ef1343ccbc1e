// The agent's local control API: HTTP/1.1 over a unix socket at a filesystem path, so the
// `tibox` CLI on the host and the web UI process can ask for status and named actions. The agent
// serves it twice: on the administrators' socket (root and group `tibox`, audited as local-cli)
// and on the web UI's socket (root and the web UI's user only), where each action names the web
// UI user it is done for. Routes and wire format are in protocol.ts, request handling in handler.ts.
import { createServer, type Server } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { rename, rm } from 'node:fs/promises';
import { StateTracker, type Logger, type Lifecycle, type SubsystemStatus, type ControlActions } from '../core/index.ts';
import { createRequestHandler, type Downloads, type Subscribe } from './handler.ts';
import { lookupGroupId, lookupUserId } from './group.ts';
import { clearStaleSocket, ensureSocketDir, secureSocket, type SocketOwner } from './socketFile.ts';

/** The group whose members may use the administrators' socket besides root. */
export const CONTROL_GROUP = 'tibox';

export interface ControlServerDeps {
  /** Filesystem path of the socket; DEFAULT_CONTROL_SOCKET (socketPath.ts) on the box. */
  socketPath: string;
  /** What GET /v1/status answers. */
  status: () => unknown;
  actions: ControlActions;
  log: Logger;
  /** The agent's changes, streamed on GET /v1/events; without it that route does not exist. */
  changes?: Subscribe;
  /** The files streamed on GET /v1/downloads/<name>. */
  downloads?: Downloads;
  /** The group(5) file in which to look up CONTROL_GROUP; '/etc/group' when absent. */
  groupFile?: string;
  /**
   * Makes this the web UI's socket: only root and this user (looked up in `passwdFile`,
   * '/etc/passwd' when absent) may connect, and each action names the web UI user it is for.
   */
  webui?: { user: string; passwdFile?: string };
}

export class ControlServer implements Lifecycle {
  readonly name: string;
  private readonly deps: ControlServerDeps;
  private readonly state: StateTracker;
  private server: Server | undefined;

  constructor(deps: ControlServerDeps, now?: () => Date) {
    this.deps = deps;
    this.name = deps.webui ? 'control-webui' : 'control';
    this.state = new StateTracker(this.name, now);
  }

  /**
   * Fails with TIBOX_CONTROL_SOCKET_IN_USE when another agent answers on the socket. The socket
   * is bound under a temporary name, given its group and mode, and only then renamed into place,
   * so there is no moment in which it exists with looser permissions.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.server) return;
    const { socketPath, log } = this.deps;
    const temporary = join(dirname(socketPath), `.${basename(socketPath)}.${process.pid}.tmp`);
    const server = createServer(createRequestHandler({ ...this.deps, caller: this.deps.webui ? 'webui' : 'cli' }));
    this.state.set('starting');
    try {
      signal.throwIfAborted();
      await ensureSocketDir(dirname(socketPath));
      await clearStaleSocket(socketPath);
      const owner = await this.owner();
      await rm(temporary, { force: true });
      signal.throwIfAborted();
      await listen(server, temporary);
      await secureSocket(temporary, owner);
      await rename(temporary, socketPath);
    } catch (error) {
      server.close();
      this.state.set('failed', error instanceof Error ? error.message : String(error));
      // Cleaning up must not replace the error that made the start fail (a socket directory that
      // is a file makes this rm fail with ENOTDIR too).
      await rm(temporary, { force: true }).catch((cleanup: unknown) => log.warn({ err: cleanup, path: temporary }, 'could not remove the temporary socket'));
      throw error;
    }
    server.on('error', (error) => {
      log.error({ err: error }, 'control server error');
      this.state.set('degraded', error.message);
    });
    this.server = server;
    this.state.set('running');
    log.info({ socket: socketPath }, 'control socket listening');
  }

  /** Closes the socket, cutting requests still in flight, and removes the socket file. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await rm(this.deps.socketPath, { force: true });
    this.state.set('stopped');
  }

  status(): SubsystemStatus {
    return this.state.get();
  }

  private async owner(): Promise<SocketOwner> {
    const { webui, log } = this.deps;
    if (webui) {
      const uid = await lookupUserId(webui.passwdFile ?? '/etc/passwd', webui.user);
      if (uid === undefined) log.warn({ user: webui.user }, "user not found; the web UI's control socket is root-only");
      return uid === undefined ? undefined : { uid };
    }
    const gid = await lookupGroupId(this.deps.groupFile ?? '/etc/group', CONTROL_GROUP);
    if (gid === undefined) log.warn({ group: CONTROL_GROUP }, 'group not found; the control socket is root-only');
    return gid === undefined ? undefined : { gid };
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
