// 4 VPN passthrough: each gateway of the profile answers IKE on UDP 500 and on UDP 4500. The
// probe (src/ipsec/ikeProbe/) sends an IKE_SA_INIT no gateway accepts; its answer, a
// NO_PROPOSAL_CHOSEN notify, proves that the port passes the practice router both ways and that
// the gateway's IKE listens. charon's own state could not tell: behind NAT its tunnel runs on 4500
// alone, and it says nothing of a gateway it is not connected to.
import type { IkeProbeOutcome } from '../../../ipsec/index.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';
import type { CheckSources } from '../sources.ts';

const IKE_PORTS = [500, 4500] as const;

export interface GatewayPorts {
  readonly gateway: string;
  readonly udp500: IkeProbeOutcome;
  readonly udp4500: IkeProbeOutcome;
}

export interface PassthroughFacts {
  readonly hasProfile: boolean;
  readonly gateways: readonly GatewayPorts[];
}

/** Both ports of every address the profile's gateways have now; shared with the tunnel check. */
export async function probeGateways(sources: CheckSources): Promise<GatewayPorts[] | undefined> {
  const profile = sources.profile();
  if (!profile) return undefined;
  const { addresses } = await sources.gateways(profile);
  return Promise.all(
    addresses.map(async (gateway) => {
      const [udp500, udp4500] = await Promise.all([sources.ike(gateway, 500), sources.ike(gateway, 4500)]);
      return { gateway, udp500, udp4500 };
    }),
  );
}

export const passthroughCheck: Check<PassthroughFacts> = {
  id: 'passthrough',
  number: 4,
  timeoutMs: 10_000,
  async gather(sources) {
    const gateways = await probeGateways(sources);
    return { hasProfile: gateways !== undefined, gateways: gateways ?? [] };
  },
  judge: judgePassthrough,
};

export function judgePassthrough({ hasProfile, gateways }: PassthroughFacts): Judgement {
  if (!hasProfile) return { verdict: 'fail', value: 'no profile', fixKey: 'profile.missing' };
  if (gateways.length === 0) return { verdict: 'fail', value: 'no gateway', fixKey: 'passthrough.noGateway' };
  const value = gateways.map((g) => `${g.gateway} UDP 500 ${outcomeText(g.udp500)}, UDP 4500 ${outcomeText(g.udp4500)}`).join('; ');
  const silent = gateways.flatMap((g) => [...(g.udp500.answered ? [] : [`${g.gateway} UDP 500`]), ...(g.udp4500.answered ? [] : [`${g.gateway} UDP 4500`])]);
  if (silent.length === 0) return { verdict: 'pass', value };
  const portSilentEverywhere = (key: 'udp500' | 'udp4500') => gateways.every((g) => !g[key].answered);
  const deadPorts = IKE_PORTS.filter((port) => portSilentEverywhere(`udp${port}`));
  if (deadPorts.length === IKE_PORTS.length) return { verdict: 'fail', value, fixKey: 'passthrough.none', params: { silent: silent.join(', ') } };
  // One port silent at every gateway while the other answers: the practice router, not a gateway.
  if (deadPorts.length > 0) return { verdict: 'fail', value, fixKey: 'passthrough.blocked', params: { silent: deadPorts.map((p) => `UDP ${p}`).join(', ') } };
  return { verdict: 'warn', value, fixKey: 'passthrough.oneGateway', params: { silent: silent.join(', ') } };
}

function outcomeText(outcome: IkeProbeOutcome): string {
  if (!outcome.answered) return outcome.error ? `no answer (${outcome.error})` : 'no answer';
  return `answered${outcome.notify ? ` ${outcome.notify}` : ''} in ${outcome.rttMs} ms`;
}
