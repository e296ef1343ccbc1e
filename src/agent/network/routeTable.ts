// The box's IPv4 routing table as the network page shows it: every route of every table but the
// kernel's own `local` table, read from the kernel (rtnetlink) when asked, never from the config,
// so the page shows what the box really does with a packet.
import type { RtNetlinkSocket, rt } from 'netlink';
import { AF_INET, formatPrefix, ipv4OfAttribute, formatIpv4, RT_TABLE_MAIN, RTNETLINK_TIMEOUT_MS, RtNetlinkRequests } from '../../core/index.ts';

/** The kernel's table of the box's own and broadcast addresses: its routes say nothing about where packets go. */
const RT_TABLE_LOCAL = 255;

/** One route, in `ip route`'s words. */
export interface RouteRow {
  /** 'main', or the table's number (the TI routes' table, charon's 220). */
  readonly table: string;
  /** The destination prefix; 'default' for 0.0.0.0/0. */
  readonly destination: string;
  /** unicast, unreachable, blackhole, prohibit, ... */
  readonly type: string;
  readonly via?: string;
  readonly dev?: string;
  /** The source address the box gives its own packets on this route. */
  readonly src?: string;
  /** Who put it there: kernel, boot, static, dhcp, ... */
  readonly proto?: string;
  readonly metric?: number;
}

/**
 * The rows of a route dump: the local table left out, sorted by table (main first), then by
 * destination's prefix length, longest first, as the kernel picks them, then by metric.
 */
export function routeRows(routes: readonly rt.RouteMessage[], linkNames: ReadonlyMap<number, string>): RouteRow[] {
  const rows = routes
    .filter((r) => (r.attrs.table ?? r.data.table) !== RT_TABLE_LOCAL && (r.data.family ?? AF_INET) === AF_INET)
    .map((r): RouteRow & { order: [number, number, number] } => {
      const table = r.attrs.table ?? r.data.table ?? RT_TABLE_MAIN;
      const length = r.data.dstLen ?? 0;
      const destination = length === 0 ? 'default' : formatPrefix({ network: r.attrs.dst ? ipv4OfAttribute(r.attrs.dst) : 0, length });
      const oif = r.attrs.oif;
      return {
        table: table === RT_TABLE_MAIN ? 'main' : String(table),
        destination,
        type: String(r.data.type ?? 'unicast').toLowerCase(),
        ...(r.attrs.gateway ? { via: formatIpv4(ipv4OfAttribute(r.attrs.gateway)) } : {}),
        ...(oif !== undefined ? { dev: linkNames.get(oif) ?? `if${oif}` } : {}),
        ...(r.attrs.prefsrc ? { src: formatIpv4(ipv4OfAttribute(r.attrs.prefsrc)) } : {}),
        ...(r.data.protocol !== undefined ? { proto: String(r.data.protocol).toLowerCase() } : {}),
        ...(r.attrs.priority ? { metric: r.attrs.priority } : {}),
        order: [table === RT_TABLE_MAIN ? -1 : table, -length, r.attrs.priority ?? 0],
      };
    });
  rows.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1] || a.order[2] - b.order[2] || a.destination.localeCompare(b.destination));
  return rows.map(({ order: _order, ...row }) => row);
}

/** Reads the routing table of the agent's network namespace. */
export class RouteTableReader {
  private readonly requests = new RtNetlinkRequests();

  read(): Promise<RouteRow[]> {
    return this.requests.run(async (nl: RtNetlinkSocket) => {
      const options = { timeout: RTNETLINK_TIMEOUT_MS };
      const links = await nl.getLinks(undefined, undefined, options);
      const routes = await nl.getRoutes({ family: AF_INET }, undefined, options);
      return routeRows(routes, new Map(links.map((l) => [l.data.index ?? 0, l.attrs.ifname ?? ''])));
    });
  }
}
