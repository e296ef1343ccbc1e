// The kernel's path MTU cache towards one address, as `ip -j route get` shows it: an ICMP
// "fragmentation needed" for any packet to that address (the tunnel's ESP included) lands
// there. Reading it sends nothing. Before a search it is emptied (`ip route flush cache`, the
// namespace's learnt MTUs and redirects alone): for 10 minutes it would otherwise answer a probe
// with the old, smaller MTU itself, and a line that grew would never be seen.
import type { Runner } from '../../core/index.ts';

/** The cached path MTU in `ip -j route get` output; undefined when the kernel has none. */
export function parseCachedMtu(json: string): number | undefined {
  const routes = JSON.parse(json || '[]') as { metrics?: { mtu?: number }[] }[];
  const mtu = routes[0]?.metrics?.find((m) => m.mtu !== undefined)?.mtu;
  return typeof mtu === 'number' && mtu > 0 ? mtu : undefined;
}

export interface PmtuCache {
  read(address: string): Promise<number | undefined>;
  flush(): Promise<void>;
}

export function ipRoutePmtuCache(runner: Runner): PmtuCache {
  return {
    read: async (address) => parseCachedMtu((await runner.run('ip', ['-j', 'route', 'get', address])).stdout),
    flush: async () => void (await runner.run('ip', ['route', 'flush', 'cache'])),
  };
}
