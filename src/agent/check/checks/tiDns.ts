// 9 TI DNS: a TI name, the profile's first TI domain (its SOA record, dnsQuery.ts), is answered
// by each TI DNS server through the tunnel (asked from the box's TI address) and by the box's own
// resolver on its LAN-half address, where PVS hosts and the practice's resolver ask. "No such
// name" is an answer too (the profile names no host that must exist), but the box's answer must
// be the TI DNS's: same code and same SOA primary. A box that sends TI names to the internet gets
// "no such name" from a public resolver, which the tunnel's answer then shows up. With the result
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
    // On their way while the address plan is read, which may take a while (dnsQuery never throws).
    const asked = Promise.all(profile.tiDns.servers.map(async (server) => ({ server, outcome: await sources.dns(server, name, from, signal) })));
    const resolver = (await sources.addressPlan()).halves?.lanGateway;
    const viaBox = resolver === undefined ? undefined : { resolver, outcome: await sources.dns(resolver, name, undefined, signal) };
    return { hasProfile: true, name, domains: profile.tiDns.domains, viaTunnel: await asked, ...(viaBox ? { viaBox } : {}) };
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
  const answers = viaTunnel.flatMap((q) => (q.outcome.answered ? [q.outcome] : []));
  const box = viaBox.outcome;
  if (!answers.some((a) => a.rcode === box.rcode && a.primary === box.primary)) {
    const error = `${answerText(box)}, the TI DNS: ${answers.map(answerText).join(', ')}`;
    return { verdict: 'fail', value, fixKey: 'tiDns.lan', noteKey: note.noteKey, params: { ...note.params, error } };
  }
  if (silent.length > 0) return { verdict: 'warn', value, noteKey: note.noteKey, ...tunnelFix };
  return { verdict: 'pass', value, ...note };
}

function outcomeText(outcome: DnsOutcome): string {
  return outcome.answered ? `answered: ${answerText(outcome)}` : `no answer (${outcome.error})`;
}

function answerText(answer: Extract<DnsOutcome, { answered: true }>): string {
  if (answer.rcode === 'NXDOMAIN') return 'no such name';
  return answer.primary === undefined ? 'no SOA record' : `SOA ${answer.primary}`;
}
