// The control socket's place in the filesystem: its directory, a socket file left behind by an
// agent that died, and who may connect (root and group `tibox`, mode 0660; root only, 0600,
// where that group does not exist).
import { connect } from 'node:net';
import { chmod, chown, lstat, mkdir, unlink } from 'node:fs/promises';
import { TiboxError } from '../core/index.ts';

/** How long a probe waits for a connection before it counts the socket as in use. */
const PROBE_TIMEOUT_MS = 1_000;

/** Creates the directory with mode 0755, so group members can reach the socket inside. */
export async function ensureSocketDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o755 });
  // mkdir's mode passes through the umask; a created directory gets exactly 0755.
  if (created !== undefined) await chmod(dir, 0o755);
}

/**
 * Removes a socket file nobody answers on. Throws TIBOX_CONTROL_SOCKET_IN_USE when a live
 * server accepts the connection, and refuses to touch a path that is not a socket.
 */
export async function clearStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) throw new TiboxError('TIBOX_CONTROL_SOCKET_NOT_SOCKET', { path });
  if (await answers(path)) throw new TiboxError('TIBOX_CONTROL_SOCKET_IN_USE', { path });
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** True if a server accepts on the socket; a timeout counts as alive (a busy agent). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const done = (alive: boolean) => {
      socket.destroy();
      resolve(alive);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve(false);
      else if (error.code === 'EAGAIN') resolve(true);
      else reject(error);
    });
  });
}

/**
 * Hands the socket to group `gid` with mode 0660, or keeps it root-only (0600) without a group.
 * The owner stays as is (uid -1): the agent runs as root, so root owns the socket already.
 */
export async function secureSocket(path: string, gid: number | undefined): Promise<void> {
  if (gid !== undefined) await chown(path, -1, gid);
  await chmod(path, gid === undefined ? 0o600 : 0o660);
}
