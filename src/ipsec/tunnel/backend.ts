// Which way TI prefixes reach the tunnel depends on charon's kernel back end: with
// kernel-libipsec (kernels without ESP, the lab) into its TUN device `ipsec0`; with kernel XFRM
// (the box) via the WAN's default gateway, where the kernel's IPsec policies encrypt. charon
// says which back end it loaded (VICI stats: its plugin list), so the agent needs no setting.
import type { Runner } from '../../core/index.ts';
import type { KernelBackend } from '../charonConf.ts';
import type { RoutePath } from './ports.ts';

export type { KernelBackend };

export const LIBIPSEC_DEVICE = 'ipsec0';

export function backendFromPlugins(plugins: readonly string[]): KernelBackend {
  return plugins.includes('kernel-libipsec') ? 'libipsec' : 'xfrm';
}

export interface WanRoute {
  via: string;
  dev: string;
}

/**
 * The route into the tunnel: unreachable while the back end is unknown, and for XFRM while the
 * WAN has no default route. (Without its TUN device the routes module keeps libipsec unreachable.)
 */
export function tunnelPath(backend: KernelBackend | undefined, wan: WanRoute | undefined, src: string): RoutePath {
  if (backend === undefined) return { kind: 'unreachable' };
  if (backend === 'libipsec') return { kind: 'libipsec', dev: LIBIPSEC_DEVICE, src };
  return wan ? { kind: 'xfrm', via: wan.via, dev: wan.dev, src } : { kind: 'unreachable' };
}

/** The main table's IPv4 default route, read with `ip -j` (JSON output, stable to parse). */
export async function readWanRoute(runner: Runner): Promise<WanRoute | undefined> {
  const { stdout } = await runner.run('ip', ['-j', '-4', 'route', 'show', 'default']);
  const routes = JSON.parse(stdout || '[]') as { gateway?: string; dev?: string }[];
  const first = routes.find((r) => r.gateway && r.dev);
  return first ? { via: first.gateway as string, dev: first.dev as string } : undefined;
}
