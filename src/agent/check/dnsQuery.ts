// One DNS question to one server, for the TI DNS check: the SOA record of a TI domain, asked with
// node's resolver, from the box's TI address where given so that it goes through the tunnel. SOA,
// because every server of a zone must answer for its apex, and because the box's resolver
// forwards it even for a one-label domain like `telematik` (its domain-needed rule holds back
// only A and AAAA questions for such names). "No such name" and "no such record" are answers
// the server gave, as much as the record is; a timeout, a refusal or a server failure is none.
import { Resolver } from 'node:dns/promises';

export type DnsOutcome =
  | { readonly answered: true; readonly rcode: 'NOERROR' | 'NXDOMAIN'; readonly primary?: string }
  | { readonly answered: false; readonly error: string };

/** What an error code of node:dns says about the server. */
const ANSWERS: Readonly<Record<string, 'NOERROR' | 'NXDOMAIN'>> = { ENODATA: 'NOERROR', ENOTFOUND: 'NXDOMAIN' };

/** The first try's wait; the resolver doubles it for the second, so a silent server costs 4.5 s. */
const QUERY_TIMEOUT_MS = 1_500;

export async function dnsQuery(server: string, name: string, localAddress: string | undefined, signal: AbortSignal): Promise<DnsOutcome> {
  const resolver = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: 2 });
  resolver.setServers([server]);
  if (localAddress) resolver.setLocalAddress(localAddress);
  const cancel = () => resolver.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  try {
    const soa = await resolver.resolveSoa(name);
    return { answered: true, rcode: 'NOERROR', primary: soa.nsname };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const rcode = ANSWERS[code];
    return rcode ? { answered: true, rcode } : { answered: false, error: code };
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
