// 9 TI DNS: a TI name, the profile's first TI domain (its SOA record, dnsQuery.ts), is answered
// by each TI DNS server through the tunnel (asked from the box's TI address) and by the box's own
// resolver on its LAN-half address, where PVS hosts and the practice's resolver ask. "No such
// name" counts as an answer: only the TI DNS can give it for a TI domain (the box forwards those
// names and answers none itself), and the profile names no host that must exist. With the result
// comes the conditional-forwarding rule for the practice's resolver.
import { localTiAddress } from '../../../ipsec/index.ts';
import type { Check } from '../check.ts';
import type { DnsOutcome } from '../dnsQuery.ts';
import type { Judgement } from '../result.ts';

export interface TiDnsFacts {
  readonly hasProfile: boolean;
  readonly name?: string;
  readonly domains: readonly string[];
  readonly viaTunnel: readonly { readonly server: string; readonly outcome: DnsOutcome }[];
  /** The box's resolver on the LAN half, once the address plan has one. */
  readonly viaBox?: { readonly resolver: string; readonly outcome: DnsOutcome };
}

export const tiDnsCheck: Check<TiDnsFacts> = {
  id: 'tiDns',
  number: 9,
  timeoutMs: 7_000,
  async gather(sources, signal) {
    const profile = sources.profile();
    const name = profile?.tiDns.domains[0];
    if (!profile || name === undefined) return { hasProfile: profile !== undefined, domains: [], viaTunnel: [] };
    const from = localTiAddress(profile.tiSegment);
    const resolver = (await sources.addressPlan()).halves?.lanGateway;
    const [viaTunnel, viaBox] = await Promise.all([
      Promise.all(profile.tiDns.servers.map(async (server) => ({ server, outcome: await sources.dns(server, name, from, signal) }))),
      resolver === undefined ? undefined : sources.dns(resolver, name, undefined, signal).then((outcome) => ({ resolver, outcome })),
    ]);
    return { hasProfile: true, name, domains: profile.tiDns.domains, viaTunnel, ...(viaBox ? { viaBox } : {}) };
  },
  judge: judgeTiDns,
};

export function judgeTiDns({ hasProfile, name, domains, viaTunnel, viaBox }: TiDnsFacts): Judgement {
  if (!hasProfile || name === undefined) return { verdict: 'fail', value: 'no profile', fixKey: 'profile.missing' };
  const resolver = viaBox?.resolver ?? '-';
  const note = { noteKey: 'tiDns.forwarding', params: { domains: domains.join(', '), resolver } } as const;
  const value = [
    ...viaTunnel.map(({ server, outcome }) => `${name} via tunnel ${server}: ${outcomeText(outcome)}`),
    ...(viaBox ? [`via the box ${viaBox.resolver}: ${outcomeText(viaBox.outcome)}`] : []),
  ].join('; ');
  const silent = viaTunnel.flatMap((q) => (q.outcome.answered ? [] : [{ server: q.server, error: q.outcome.error }]));
  const tunnelFix = { fixKey: 'tiDns.tunnel', params: { ...note.params, servers: silent.map((q) => q.server).join(', '), error: silent.map((q) => q.error).join(', ') } } as const;
  if (silent.length === viaTunnel.length) return { verdict: 'fail', value, noteKey: note.noteKey, ...tunnelFix };
  if (!viaBox?.outcome.answered) {
    const error = viaBox && !viaBox.outcome.answered ? viaBox.outcome.error : 'no TI address on the LAN';
    return { verdict: 'fail', value, fixKey: 'tiDns.lan', noteKey: note.noteKey, params: { ...note.params, error } };
  }
  if (silent.length > 0) return { verdict: 'warn', value, noteKey: note.noteKey, ...tunnelFix };
  return { verdict: 'pass', value, ...note };
}

function outcomeText(outcome: DnsOutcome): string {
  if (!outcome.answered) return `no answer (${outcome.error})`;
  if (outcome.rcode === 'NXDOMAIN') return 'answered: no such name';
  return outcome.primary === undefined ? 'answered: no SOA record' : `answered: SOA ${outcome.primary}`;
}
