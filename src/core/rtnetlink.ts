// rtnetlink as the kernel-facing adapters use it (TI routes, LAN links, neighbours), through the
// `netlink` package. Sockets belong to the calling process, hence to its network namespace.
// Requests share one socket strictly one after another: the package tracks one multipart reply per
// socket and the kernel runs one dump per socket at a time. Change notifications come on sockets
// of their own, one per watcher.
import { createRtNetlink, type RtNetlinkSocket, type rt } from 'netlink';

type Group = Parameters<RtNetlinkSocket['addMembership']>[0];

export const AF_INET = 2;
export const RT_TABLE_MAIN = 254;
/** The lifetime the kernel reports for, and takes as, an address that never expires. */
export const LIFETIME_INFINITE = 0xffffffff;
/** How long one request may take before its socket is given up (RtNetlinkRequests starts a fresh one). */
export const RTNETLINK_TIMEOUT_MS = 5_000;

/** An IPv4 address as rtnetlink attributes carry it: four bytes in network order. */
export function ipv4Attribute(address: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(address, 0);
  return bytes;
}

/** The address in an IPv4 address attribute. */
export function ipv4OfAttribute(bytes: Buffer): number {
  return bytes.readUInt32BE(0);
}

export class RtNetlinkRequests {
  private socket: RtNetlinkSocket | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs `request` once every earlier one is done. */
  run<T>(request: (nl: RtNetlinkSocket) => Promise<T>): Promise<T> {
    this.socket ??= createRtNetlink();
    const nl = this.socket;
    const result = this.queue.then(() => request(nl));
    this.queue = result.catch(() => {
      // A failed or timed-out dump may still be running in the kernel, or have left the socket
      // mid-reply: the next request starts on a fresh socket.
      if (this.socket === nl) {
        nl.socket.close();
        this.socket = undefined;
      }
    });
    return result;
  }
}

/**
 * Calls onChange after any notification of the groups that `relevant` accepts (all by default),
 * and after one the package cannot parse or a full receive buffer (ENOBUFS) that lost some: either
 * way the caller must read again. Returns the unsubscribe.
 */
export function watchRtNetlink(groups: readonly Group[], onChange: () => void, relevant: (messages: rt.Message[]) => boolean = () => true): () => void {
  const events = createRtNetlink();
  for (const group of groups) events.addMembership(group);
  events.on('message', (messages: rt.Message[]) => {
    if (relevant(messages)) onChange();
  });
  events.on('invalid', () => onChange());
  events.socket.on('error', () => onChange());
  return () => events.socket.close();
}
