// 6 Path MTU, its values: the WAN path's MTU towards the gateway in use as the path MTU watch
// learnt it (docs/mtu.md), the tunnel's MTU and the TCP MSS clamp that follow from it. A path
// not measured is a warning: the tunnel then runs on an assumption. The full-size transfer through
// the tunnel in both directions, the other half of this check, is not made yet.
import type { PathMtuStatus } from '../../../ipsec/index.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';

export type MtuFacts = Pick<PathMtuStatus, 'pathMtu' | 'source' | 'because' | 'tunnelMtu' | 'mss' | 'small'>;

export const mtuCheck: Check<MtuFacts> = {
  id: 'mtu',
  number: 6,
  timeoutMs: 1_000,
  gather: async (sources) => sources.mtu(),
  judge: judgeMtu,
};

export function judgeMtu({ pathMtu, source, because, tunnelMtu, mss, small }: MtuFacts): Judgement {
  const value = `path MTU ${pathMtu} (${because}), tunnel MTU ${tunnelMtu}, TCP MSS ${mss}`;
  const params = { pathMtu: String(pathMtu), mss: String(mss), because };
  if (source === 'assumed' || source === 'link') return { verdict: 'warn', value, fixKey: 'mtu.unknown', params };
  if (small !== undefined) return { verdict: 'warn', value, fixKey: 'mtu.small', params };
  return { verdict: 'pass', value };
}
