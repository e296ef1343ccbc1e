// The services that listen on the box (BSI TR-03148: the user sees which services run), from the
// kernel's socket tables of the agent's network namespace (/proc/net/tcp, tcp6, udp, udp6) and
// the processes that hold them (/proc/<pid>/fd), read when asked: the page shows what really
// listens, never a list kept by hand.
import { endianness } from 'node:os';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export type SocketProtocol = 'tcp' | 'udp';

/** A socket as its table line has it. */
export interface ProcNetSocket {
  readonly proto: SocketProtocol;
  readonly address: string;
  readonly port: number;
  readonly inode: number;
}

/** A listening service as the system page shows it. */
export interface ListeningService {
  readonly proto: SocketProtocol;
  /** The address it is bound to: 0.0.0.0 or :: for all of the box's addresses. */
  readonly address: string;
  readonly port: number;
  /** The programs that hold the socket (their command names), empty where none could be read. */
  readonly programs: readonly string[];
  /** Bound to a loopback address: only the box itself can reach it. */
  readonly localOnly: boolean;
}

/** TCP_LISTEN and, for UDP, TCP_CLOSE: the state of an unconnected socket that takes datagrams. */
const LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/**
 * The listening sockets of one table: TCP sockets in LISTEN, UDP sockets bound and not connected.
 * The kernel writes each address as the bytes of its 32-bit words in host order, the port in
 * network order.
 */
export function parseProcNet(text: string, proto: SocketProtocol, hostOrder: 'LE' | 'BE' = endianness()): ProcNetSocket[] {
  return text.split('\n').slice(1).flatMap((line) => {
    const fields = line.trim().split(/\s+/);
    const [local, remote, state, inode] = [fields[1], fields[2], fields[3], fields[9]];
    if (!local || !remote || !state || !inode) return [];
    const listens = proto === 'tcp' ? state === LISTEN : state === UDP_UNCONNECTED && remote.endsWith(':0000');
    if (!listens) return [];
    const [hex = '', port = ''] = local.split(':');
    const address = hex.length === 8 ? ipv4Of(hex, hostOrder) : hex.length === 32 ? ipv6Of(hex, hostOrder) : undefined;
    if (address === undefined || !/^[0-9A-F]{4}$/i.test(port) || !/^\d+$/.test(inode)) return [];
    return [{ proto, address, port: parseInt(port, 16), inode: Number(inode) }];
  });
}

/** The inode of a socket's file descriptor link (`socket:[12345]`), or undefined for any other file. */
export function socketInode(link: string): number | undefined {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match ? Number(match[1]) : undefined;
}

/** The services, one per bound address and port, with the programs holding each; sorted by protocol and port. */
export function listeningServices(sockets: readonly ProcNetSocket[], programs: ReadonlyMap<number, readonly string[]>): ListeningService[] {
  const byKey = new Map<string, ListeningService>();
  for (const socket of sockets) {
    const key = `${socket.proto} ${socket.address} ${socket.port}`;
    const names = new Set([...(byKey.get(key)?.programs ?? []), ...(programs.get(socket.inode) ?? [])]);
    byKey.set(key, { proto: socket.proto, address: socket.address, port: socket.port, programs: [...names].sort(), localOnly: isLoopback(socket.address) });
  }
  return [...byKey.values()].sort((a, b) => a.proto.localeCompare(b.proto) || a.port - b.port || a.address.localeCompare(b.address));
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

function wordBytes(hex: string, hostOrder: 'LE' | 'BE'): number[] {
  const bytes = (hex.match(/../g) ?? []).map((b) => parseInt(b, 16));
  return hostOrder === 'LE' ? bytes.reverse() : bytes;
}

function ipv4Of(hex: string, hostOrder: 'LE' | 'BE'): string | undefined {
  if (!/^[0-9A-F]{8}$/i.test(hex)) return undefined;
  return wordBytes(hex, hostOrder).join('.');
}

function ipv6Of(hex: string, hostOrder: 'LE' | 'BE'): string | undefined {
  if (!/^[0-9A-F]{32}$/i.test(hex)) return undefined;
  const bytes = [0, 8, 16, 24].flatMap((offset) => wordBytes(hex.slice(offset, offset + 8), hostOrder));
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => (((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // The URL parser writes an IPv6 address in its canonical short form (RFC 5952).
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

const TABLES: readonly [string, SocketProtocol][] = [
  ['tcp', 'tcp'],
  ['tcp6', 'tcp'],
  ['udp', 'udp'],
  ['udp6', 'udp'],
];

/** Reads the listening services of the calling process's network namespace; `proc` is /proc. */
export async function readListeningServices(proc = '/proc'): Promise<ListeningService[]> {
  const tables = await Promise.all(TABLES.map(([file, proto]) => readFile(join(proc, 'net', file), 'utf8').then((text) => parseProcNet(text, proto), () => [])));
  const sockets = tables.flat();
  const wanted = new Set(sockets.map((s) => s.inode));
  return listeningServices(sockets, await socketPrograms(proc, wanted));
}

/**
 * Which programs hold the sockets `wanted`, by their file descriptors. A process may end while it
 * is read, and the agent may not see another's descriptors: such a process is passed over, and
 * its sockets are shown without a program.
 */
async function socketPrograms(proc: string, wanted: ReadonlySet<number>): Promise<Map<number, string[]>> {
  const programs = new Map<number, string[]>();
  const pids = (await readdir(proc)).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const fds = await readdir(join(proc, pid, 'fd')).catch(() => [] as string[]);
    const inodes: number[] = [];
    for (const fd of fds) {
      const inode = socketInode(await readlink(join(proc, pid, 'fd', fd)).catch(() => ''));
      if (inode !== undefined && wanted.has(inode)) inodes.push(inode);
    }
    if (inodes.length === 0) continue;
    const name = (await readFile(join(proc, pid, 'comm'), 'utf8').catch(() => '')).trim();
    if (name === '') continue;
    for (const inode of inodes) programs.set(inode, [...(programs.get(inode) ?? []), name]);
  }
  return programs;
}
