// Where the management endpoint answers over the internet, for the tunnel's WAN probe
// (ARCHITECTURE.md §2: the box reaches remote management through the tunnel, or over the
// internet while the tunnel is down). Its URL's host as an address, an IP literal as it stands,
// a name resolved (IPv4, the first answer outside the tunnel); none where every address is
// routed into the tunnel, since an answer from there says nothing about the WAN.
import { parsePrefix, prefixContains, type Ipv4Prefix } from '../../core/index.ts';
import { ipv4OfLiteral } from './addresses.ts';

const HTTPS_PORT = 443;

/** node:dns/promises' Resolver, as far as this needs it. */
export interface ManagementResolver {
  resolve4(hostname: string): Promise<string[]>;
}

export async function managementOverInternet(
  url: string,
  resolver: ManagementResolver,
  routedIntoTunnel: readonly string[],
): Promise<{ address: string; port: number } | undefined> {
  const { hostname, port } = new URL(url);
  const ranges = routedIntoTunnel.map(parsePrefix).filter((prefix): prefix is Ipv4Prefix => prefix !== undefined);
  const outside = (address: string) => {
    const value = ipv4OfLiteral(address);
    return value !== undefined && !ranges.some((range) => prefixContains(range, value));
  };
  const candidates = ipv4OfLiteral(hostname) !== undefined ? [hostname] : await resolver.resolve4(hostname);
  const address = candidates.find(outside);
  return address ? { address, port: port === '' ? HTTPS_PORT : Number(port) } : undefined;
}
