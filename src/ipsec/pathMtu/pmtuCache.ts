// The kernel's path MTU cache towards one address, as `ip route get` shows it: an ICMP
// "fragmentation needed" for any packet to that address (the tunnel's ESP included) lands
// there. Reading it sends nothing, and asks the kernel over rtnetlink: the watch reads it every
// few seconds, and a process per reading cost an idle agent more than anything else it does.
// Before a search it is emptied (`ip route flush cache`, the namespace's learnt MTUs and
// redirects alone): for 10 minutes it would otherwise answer a probe with the old, smaller MTU
// itself, and a line that grew would never be seen.
import { isIPv4, isIPv6 } from 'node:net';
import { endianness } from 'node:os';
import { AF_INET, parseIpv4, RTNETLINK_TIMEOUT_MS, RtNetlinkRequests, type Runner } from '../../core/index.ts';

export interface PmtuCache {
  read(address: string): Promise<number | undefined>;
  flush(): Promise<void>;
}

/** The MTU metric of a route the kernel answered with (a u32 in the host's byte order); undefined when it holds none. */
export function cachedMtuOf(metric: Buffer | undefined, order: 'LE' | 'BE' = endianness()): number | undefined {
  if (metric?.length !== 4) return undefined;
  const mtu = order === 'LE' ? metric.readUInt32LE(0) : metric.readUInt32BE(0);
  return mtu > 0 ? mtu : undefined;
}

/** AF_INET6 (linux/socket.h): rtnetlink names an IPv6 route's family by it. */
const AF_INET6 = 10;

/** An address as a route request names it: its family, its bytes and their length in bits. */
export function routeDestination(address: string): { family: number; dst: Buffer; dstLen: number } {
  if (isIPv4(address)) {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(parseIpv4(address) ?? 0, 0);
    return { family: AF_INET, dst: bytes, dstLen: 32 };
  }
  if (!isIPv6(address) || address.includes('.')) throw new Error(`'${address}' is not an IP address a gateway has`);
  // Expand '::' into the zero groups it stands for, then write the eight groups.
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const known = [...groups(head), ...(tail === undefined ? [] : groups(tail))];
  const all = tail === undefined ? known : [...groups(head), ...Array<string>(8 - known.length).fill('0'), ...groups(tail)];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return { family: AF_INET6, dst: bytes, dstLen: 128 };
}

export function netlinkPmtuCache(runner: Runner): PmtuCache {
  const requests = new RtNetlinkRequests();
  return {
    read: (address) =>
      requests.run(async (nl) => {
        // As `ip route get` asks: the route the kernel would take to this one address, with what it learnt on the way.
        const { family, dst, dstLen } = routeDestination(address);
        const [route] = await nl.getRoute({ family, dstLen }, { dst }, { timeout: RTNETLINK_TIMEOUT_MS });
        return cachedMtuOf(route?.attrs.metrics?.mtu);
      }),
    flush: async () => void (await runner.run('ip', ['route', 'flush', 'cache'])),
  };
}
