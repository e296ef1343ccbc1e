// The kernel's path MTU cache towards one address, as `ip -j route get` shows it: an ICMP
// "fragmentation needed" for any packet to that address (the tunnel's ESP included) lands
// there. Reading it sends nothing.
import type { Runner } from '../../core/index.ts';

/** The cached path MTU in `ip -j route get` output; undefined when the kernel has none. */
export function parseCachedMtu(json: string): number | undefined {
  const routes = JSON.parse(json || '[]') as { metrics?: { mtu?: number }[] }[];
  const mtu = routes[0]?.metrics?.find((m) => m.mtu !== undefined)?.mtu;
  return typeof mtu === 'number' && mtu > 0 ? mtu : undefined;
}

export type PmtuCache = (address: string) => Promise<number | undefined>;

export function ipRoutePmtuCache(runner: Runner): PmtuCache {
  return async (address) => parseCachedMtu((await runner.run('ip', ['-j', 'route', 'get', address])).stdout);
}
