// The firewall and the TI routes: the nft table with its monitor, and the routes module the tunnel
// controller tells which way the TI prefixes go.
import { Firewall, NetlinkRouteKernel, NftLoader, NftMonitor, TiRoutes, type RouteKernel } from '../../firewall/index.ts';
import type { AgentContext } from './context.ts';

export interface FirewallWiring {
  firewall: Firewall;
  /** nft itself: the kernel's counters of our table, for `fw why`. */
  nft: NftLoader;
  routes: TiRoutes;
  /** The kernel's routing: its changes (the WAN's link, its default route) are news for the tunnel. */
  routeKernel: RouteKernel;
}

export function wireFirewall(ctx: AgentContext): FirewallWiring {
  const { options } = ctx;
  const log = ctx.logFor('firewall');
  const nft = new NftLoader(options.runner);
  const firewall = new Firewall({
    nft,
    monitor: new NftMonitor({ startProcess: ctx.startProcess, log }),
    stateDir: ctx.stateDir,
    log,
    health: ctx.health,
    now: ctx.now,
  });
  firewall.registerActions(ctx.actions);
  const routeKernel = options.routeKernel ?? new NetlinkRouteKernel();
  const routes = new TiRoutes({ kernel: routeKernel, stateDir: ctx.stateDir, log: ctx.logFor('routes') });
  return { firewall, nft, routes, routeKernel };
}
