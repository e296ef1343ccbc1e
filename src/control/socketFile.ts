// The control sockets' place in the filesystem: their directory, a socket file left behind by an
// agent that died, and who may connect: to the administrators' socket root and group `tibox`
// (mode 0660), to the web UI's socket root and the web UI's user (owner, mode 0600); root only
// (0600) where that group or user does not exist.
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

/** Who besides root may connect: the members of a group, or one user (the socket's owner). */
export type SocketOwner = { gid: number } | { uid: number } | undefined;

/**
 * Hands the socket to group `gid` with mode 0660, or to user `uid` with mode 0600, or keeps it
 * root-only (0600). Unnamed ids stay as they are: the agent runs as root, so root owns it already.
 */
export async function secureSocket(path: string, owner: SocketOwner): Promise<void> {
  if (owner && 'gid' in owner) await chown(path, -1, owner.gid);
  if (owner && 'uid' in owner) await chown(path, owner.uid, -1);
  await chmod(path, owner && 'gid' in owner ? 0o660 : 0o600);
}
