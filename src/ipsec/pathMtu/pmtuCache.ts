// The kernel's path MTU cache towards one address, as `ip route get` shows it: an ICMP
// "fragmentation needed" for any packet to that address (the tunnel's ESP included) lands
// there. Reading it sends nothing, and asks the kernel over rtnetlink: the watch reads it every
// few seconds, and a process per reading cost an idle agent more than anything else it does.
// Before a search it is emptied (`ip route flush cache`, the namespace's learnt MTUs and
// redirects alone): for 10 minutes it would otherwise answer a probe with the old, smaller MTU
// itself, and a line that grew would never be seen.
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

/** The IPv4 address as the four bytes a route request names it by. */
function addressBytes(address: string): Buffer {
  const value = parseIpv4(address);
  if (value === undefined) throw new Error(`'${address}' is not an IPv4 address`);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value, 0);
  return bytes;
}

export function netlinkPmtuCache(runner: Runner): PmtuCache {
  const requests = new RtNetlinkRequests();
  return {
    read: (address) =>
      requests.run(async (nl) => {
        // As `ip route get` asks: the route the kernel would take to this one address, with what it learnt on the way.
        const [route] = await nl.getRoute({ family: AF_INET, dstLen: 32 }, { dst: addressBytes(address) }, { timeout: RTNETLINK_TIMEOUT_MS });
        return cachedMtuOf(route?.attrs.metrics?.mtu);
      }),
    flush: async () => void (await runner.run('ip', ['route', 'flush', 'cache'])),
  };
}
