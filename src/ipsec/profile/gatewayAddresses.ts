// The addresses the firewall must take IKE from: those the box speaks IKE with. charon gets the
// gateways as the profile or its SRV record names them and resolves a name itself at each
// attempt; the firewall's sets hold addresses only, so each name is resolved here as well (A and
// AAAA: charon may take either) whenever the gateways are. gatewayAddresses is pure;
// resolveGatewayAddresses is the adapter over a node:dns Resolver.
import { formatIpv4, parsePrefix, prefixContains, type Ipv4Prefix, type Logger } from '../../core/index.ts';
import { ipv4OfLiteral, isIpLiteral } from './addresses.ts';

/** What each gateway name resolved to (IPv4 and IPv6 addresses); a name without an entry did not resolve. */
export type NameAddresses = ReadonlyMap<string, readonly string[]>;

export interface LeftOut {
  readonly gateway: string;
  readonly reason: 'not resolved' | 'routed into the tunnel';
  /** The address routed into the tunnel. */
  readonly address?: string;
}

export interface GatewayAddresses {
  /** Each once, sorted, so the same resolution gives the same desired state: dotted quads and canonical IPv6. */
  readonly addresses: readonly string[];
  readonly leftOut: readonly LeftOut[];
}

/**
 * The addresses of `gateways` (IP literals, or names looked up in `names`). An IPv4-mapped IPv6
 * address is its IPv4 address, as charon sends to it. Left out: a name that did not resolve, and
 * an IPv4 address inside `routedIntoTunnel` (IKE to it would be routed into the tunnel, and the
 * firewall refuses such a gateway).
 */
export function gatewayAddresses(gateways: readonly string[], names: NameAddresses, routedIntoTunnel: readonly string[]): GatewayAddresses {
  const ranges = routedIntoTunnel.map(parsePrefix).filter((prefix): prefix is Ipv4Prefix => prefix !== undefined);
  const addresses = new Set<string>();
  const leftOut: LeftOut[] = [];
  for (const gateway of gateways) {
    const candidates = isIpLiteral(gateway) ? [gateway] : (names.get(gateway) ?? []);
    if (candidates.length === 0) leftOut.push({ gateway, reason: 'not resolved' });
    for (const candidate of candidates) {
      const v4 = ipv4OfLiteral(candidate);
      if (v4 === undefined) addresses.add(canonicalIpv6(candidate));
      else if (ranges.some((range) => prefixContains(range, v4))) leftOut.push({ gateway, reason: 'routed into the tunnel', address: candidate });
      else addresses.add(formatIpv4(v4));
    }
  }
  return { addresses: [...addresses].sort(), leftOut };
}

/** One spelling per IPv6 address (lower case, zeros compressed), so the firewall sees no address twice. */
function canonicalIpv6(literal: string): string {
  return new URL(`http://[${literal}]`).hostname.slice(1, -1);
}

/** node:dns/promises' Resolver, as far as this needs it. */
export interface AddressResolver {
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
}

export interface AddressOptions {
  /** CIDRs the tunnel carries (TI segment and prefixes). */
  readonly routedIntoTunnel: readonly string[];
  /** What each name resolved to the last time: kept for a name that does not resolve now. */
  readonly previous?: NameAddresses;
  readonly log: Pick<Logger, 'warn'>;
}

export interface ResolvedAddresses extends GatewayAddresses {
  /** What each name of `gateways` resolves to now, or resolved to last where it does not now. */
  readonly names: NameAddresses;
  /** The names the resolver did not answer for now: worth asking again soon. */
  readonly failed: readonly string[];
}

/** "No record of this type" and "no such name" are answers; a timeout or a failing server is none. */
const NO_SUCH_RECORD = new Set(['ENODATA', 'ENOTFOUND']);

/**
 * Resolves each name of `gateways` (A and AAAA at once) and returns their addresses with the
 * literals'. A name the resolver does not answer for keeps its `previous` addresses; without
 * them it is left out. Each such name and each address left out gets a log line. Never rejects.
 */
export async function resolveGatewayAddresses(gateways: readonly string[], resolver: AddressResolver, options: AddressOptions): Promise<ResolvedAddresses> {
  const { log } = options;
  const names = new Map<string, readonly string[]>();
  const failed: string[] = [];
  const lookups = [...new Set(gateways.filter((gateway) => !isIpLiteral(gateway)))].map(async (name) => {
    const answers = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    const found = answers.flatMap((answer) => (answer.status === 'fulfilled' ? answer.value : []));
    const errors = answers.flatMap((answer) => (answer.status === 'rejected' ? [answer.reason as NodeJS.ErrnoException] : []));
    const failure = errors.find((error) => !NO_SUCH_RECORD.has(error.code ?? ''));
    if (found.length > 0 && failure === undefined) {
      names.set(name, found);
      return;
    }
    failed.push(name);
    const err = failure ?? errors[0];
    const before = options.previous?.get(name);
    if (before) {
      names.set(name, before);
      log.warn({ gateway: name, addresses: before, err }, 'gateway name not resolved: the firewall keeps its addresses resolved last');
    } else if (found.length > 0) {
      names.set(name, found);
      log.warn({ gateway: name, addresses: found, err }, 'gateway name resolved in part: the firewall takes IKE from what was found');
    } else {
      log.warn({ gateway: name, err }, 'gateway name not resolved: the firewall takes no IKE from it');
    }
  });
  await Promise.all(lookups);
  const result = gatewayAddresses(gateways, names, options.routedIntoTunnel);
  for (const { gateway, reason, address } of result.leftOut) {
    if (reason === 'routed into the tunnel') log.warn({ gateway, address }, 'gateway address left out: it is routed into the tunnel');
  }
  return { ...result, names, failed };
}
