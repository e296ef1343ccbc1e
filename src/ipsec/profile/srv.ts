// Gateway choice by DNS SRV (RFC 2782), as the gematik VPN rules ask: lowest priority first;
// within one priority a weighted random order, so weights spread boxes across gateways.
// orderSrvRecords is pure (the random source is injected); resolveGateways is the thin
// adapter over a node:dns Resolver.
import type { Resolver } from 'node:dns/promises';
import type { GatewaySource } from './types.ts';

export interface SrvRecord {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

export interface Gateway {
  /** A DNS name or an IP literal, as charon's remote_addrs takes it. */
  readonly host: string;
  /** The IKE port; 500 unless an SRV record says otherwise. */
  readonly port: number;
}

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

/** The gateways to try, in order: the profile's list as written, or its SRV name resolved now. */
export async function resolveGateways(source: GatewaySource, resolver: Pick<Resolver, 'resolveSrv'>, random: () => number = Math.random): Promise<Gateway[]> {
  if (source.kind === 'addresses') return source.addresses.map((host) => ({ host, port: IKE_PORT }));
  const records = await resolver.resolveSrv(source.srv);
  return orderSrvRecords(records, random).map((r) => ({ host: r.name.replace(/\.$/, ''), port: r.port }));
}
