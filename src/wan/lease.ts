// The WAN's DHCP lease as the client's hook reports it (dhcpClient.ts): one `key=value` line each
// of the leased address, its prefix length, the router, the name servers, the lease's seconds and
// when it was bound (seconds since the epoch). Parsing is strict: a file cut short or written by
// something else is no lease, and the WAN waits for the next one.
import { formatInterfaceAddress, isHostAddress, networkOf, parseIpv4 } from '../core/index.ts';

export interface WanLease {
  /** `a.b.c.d/len` */
  readonly address: string;
  /** The lease's first router; none when the server named none. */
  readonly router?: string;
  readonly resolvers: readonly string[];
  /** When it ends, ms since the epoch. */
  readonly endsAt: number;
}

/** The lease in the hook's file, or undefined when the text is not a complete lease. */
export function parseLease(text: string): WanLease | undefined {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  const ip = parseIpv4(values.get('ip') ?? '');
  const length = Number(values.get('mask'));
  const seconds = Number(values.get('lease'));
  const boundAt = Number(values.get('at'));
  if (ip === undefined || !Number.isInteger(length) || length < 1 || length > 30) return undefined;
  if (!Number.isInteger(seconds) || seconds <= 0 || !Number.isInteger(boundAt) || boundAt <= 0) return undefined;
  if (!isHostAddress(networkOf(ip, length), ip)) return undefined;
  const router = values.get('router') ?? '';
  const resolvers = (values.get('dns') ?? '').split(/\s+/).filter((r) => parseIpv4(r) !== undefined);
  return {
    address: formatInterfaceAddress({ address: ip, length }),
    ...(parseIpv4(router) !== undefined ? { router } : {}),
    resolvers,
    endsAt: (boundAt + seconds) * 1000,
  };
}
