// 12 Address plan: the TI segment, the TI prefixes, the practice LAN, the WAN (carrier-grade NAT
// included) and the practice's routes do not collide. It is the LAN subsystem's own check
// (lan.addressPlan), run again now against the kernel as it is.
import type { PlanFinding, SegmentHalves } from '../../../lan/index.ts';
import type { Check } from '../check.ts';
import type { Judgement } from '../result.ts';

export interface AddressPlanFacts {
  readonly halves: SegmentHalves | null;
  readonly findings: readonly Pick<PlanFinding, 'severity' | 'message'>[];
}

export const addressPlanCheck: Check<AddressPlanFacts> = {
  id: 'addressPlan',
  number: 12,
  timeoutMs: 3_000,
  gather: (sources) => sources.addressPlan(),
  judge: judgeAddressPlan,
};

export function judgeAddressPlan({ halves, findings }: AddressPlanFacts): Judgement {
  if (!halves) return { verdict: 'fail', value: 'no TI segment', fixKey: 'profile.missing' };
  const plan = `LAN half ${halves.lanHalf}, terminal half ${halves.terminalHalf}`;
  const refusing = findings.filter((f) => f.severity === 'refuse').map((f) => f.message);
  const warning = findings.filter((f) => f.severity === 'warn').map((f) => f.message);
  if (refusing.length > 0) return { verdict: 'fail', value: `${plan}; ${[...refusing, ...warning].join(' ')}`, fixKey: 'plan.collision', params: { findings: refusing.join(' ') } };
  if (warning.length > 0) return { verdict: 'warn', value: `${plan}; ${warning.join(' ')}`, fixKey: 'plan.warning', params: { findings: warning.join(' ') } };
  return { verdict: 'pass', value: `${plan}; no collision` };
}
