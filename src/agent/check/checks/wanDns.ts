// 2 DNS on the WAN: the profile's gateway names (its SRV record and the names it gives) resolve
// through the WAN's name servers now. A profile that names its gateways by address needs no DNS
// for them: skipped.
import type { GatewayResolution, VpnProfile } from '../../../ipsec/index.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';

export interface WanDnsFacts {
  readonly profile?: Pick<VpnProfile, 'gateways'>;
  readonly resolution?: GatewayResolution;
}

export const wanDnsCheck: Check<WanDnsFacts> = {
  id: 'wanDns',
  number: 2,
  timeoutMs: 8_000,
  async gather(sources) {
    const profile = sources.profile();
    return profile ? { profile, resolution: await sources.gateways(profile) } : {};
  },
  judge: judgeWanDns,
};

export function judgeWanDns({ profile, resolution }: WanDnsFacts): Judgement {
  if (!profile || !resolution) return { verdict: 'fail', value: 'no profile', fixKey: 'profile.missing' };
  const source = profile.gateways;
  if (source.kind === 'srv' && (resolution.srvError !== undefined || resolution.gateways.length === 0)) {
    const error = resolution.srvError ?? 'no gateway named';
    return { verdict: 'fail', value: `${source.srv}: ${error}`, fixKey: 'wanDns.srvFailed', params: { srv: source.srv, error } };
  }
  // In the order the tunnel tries them; IP literals need no DNS.
  const names = resolution.gateways.filter((g) => resolution.names.has(g) || resolution.failed.includes(g));
  if (names.length === 0) return { verdict: 'skipped', value: `gateways by address: ${resolution.gateways.join(' ')}` };
  const value = names.map((name) => `${name} ${resolution.failed.includes(name) ? 'not resolved' : (resolution.names.get(name) ?? []).join(' ')}`);
  const srv = source.kind === 'srv' ? [`${source.srv} -> ${resolution.gateways.join(' ')}`] : [];
  const text = [...srv, ...value].join('; ');
  if (resolution.failed.length > 0) return { verdict: 'fail', value: text, fixKey: 'wanDns.namesFailed', params: { names: resolution.failed.join(', ') } };
  return { verdict: 'pass', value: text };
}
