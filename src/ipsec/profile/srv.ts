// Gateway choice by DNS SRV (RFC 2782), as the gematik VPN rules ask: lowest priority first;
// within one priority a weighted random order, so weights spread boxes across gateways.
// orderSrvRecords is pure (the random source is injected); resolveGateways is the thin
// adapter over a node:dns Resolver that also drops what must never reach charon.
import type { Resolver } from 'node:dns/promises';
import { parsePrefix, prefixContains, type Ipv4Prefix, type Logger } from '../../core/index.ts';
import { ipv4OfLiteral, isHostname, isIpLiteral } from './addresses.ts';
import type { GatewaySource } from './types.ts';

export interface SrvRecord {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/** The only port the tunnel speaks IKE on (it has no per-gateway port); SRV records on another are ignored. */
export const IKE_PORT = 500;

/**
 * RFC 2782 order. `random` returns a number in [0, 1) like Math.random. Within a priority,
 * zero-weight records go first into the draw (as the RFC says) so they are picked only rarely
 * (when the draw is 0) or once the weighted ones are used up. A single record with target "."
 * means "no such service here" and yields an empty list.
 */
export function orderSrvRecords(records: readonly SrvRecord[], random: () => number): SrvRecord[] {
  const usable = records.filter((record) => record.name !== '' && record.name !== '.');
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  return priorities.flatMap((priority) => {
    const pool = usable.filter((r) => r.priority === priority).sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    const ordered: SrvRecord[] = [];
    while (pool.length > 0) {
      const total = pool.reduce((sum, r) => sum + r.weight, 0);
      const draw = Math.floor(random() * (total + 1));
      let running = 0;
      const index = pool.findIndex((r) => (running += r.weight) >= draw);
      ordered.push(...pool.splice(index, 1));
    }
    return ordered;
  });
}

export interface ResolveOptions {
  /** CIDRs the tunnel carries (TI segment and prefixes): a gateway address inside one is dropped. */
  readonly routedIntoTunnel: readonly string[];
  readonly log: Pick<Logger, 'warn'>;
  /** [0, 1) like Math.random, for the weighted draw. */
  readonly random?: () => number;
}

/**
 * The gateways to try, in order (DNS names or IP literals, as charon's remote_addrs takes them):
 * the profile's list as written, or its SRV name resolved now.
 * Dropped with a log line: SRV records on a port other than IKE_PORT, SRV targets that are no
 * DNS name or IP literal (a target like "-x" must never reach charon's configuration), and IP
 * literals inside `routedIntoTunnel` (also for an address list: a stored profile may predate
 * that import check).
 */
export async function resolveGateways(source: GatewaySource, resolver: Pick<Resolver, 'resolveSrv'>, options: ResolveOptions): Promise<string[]> {
  const ranges = options.routedIntoTunnel.map(parsePrefix).filter((prefix): prefix is Ipv4Prefix => prefix !== undefined);
  const outsideTunnel = (host: string) => {
    const address = ipv4OfLiteral(host);
    const inside = address !== undefined && ranges.some((range) => prefixContains(range, address));
    if (inside) options.log.warn({ gateway: host }, 'gateway dropped: its address is routed into the tunnel');
    return !inside;
  };
  if (source.kind === 'addresses') return source.addresses.filter(outsideTunnel);
  const records = (await resolver.resolveSrv(source.srv)).map((r) => ({ ...r, name: r.name.replace(/\.$/, '') }));
  const usable = records.filter((r) => {
    // An empty name is the "no service" target "." without its dot: orderSrvRecords drops it.
    if (r.name === '') return true;
    if (r.port !== IKE_PORT) {
      options.log.warn({ srv: source.srv, target: r.name, port: r.port }, `SRV record ignored: port ${r.port} is not the IKE port ${IKE_PORT}`);
      return false;
    }
    if (!isHostname(r.name) && !isIpLiteral(r.name)) {
      options.log.warn({ srv: source.srv, target: r.name.slice(0, 80) }, 'SRV record ignored: its target is no DNS name or IP address');
      return false;
    }
    return outsideTunnel(r.name);
  });
  return orderSrvRecords(usable, options.random ?? Math.random).map((r) => r.name);
}
