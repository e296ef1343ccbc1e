// The data path benchmark's targets (from the issue) and the verdict on a set of results: each
// target names a measurement, whether its tibox median or its ratio to the baseline counts, and
// the bound. Measurements not taken in a run get no verdict.
import type { Spread } from './stats.ts';

export interface Measurement {
  readonly unit: string;
  readonly tibox: Spread;
  readonly baseline: Spread;
  readonly ratio: number | null;
}

export interface Target {
  readonly measurement: string;
  readonly of: 'median' | 'ratio';
  readonly bound: { readonly atLeast: number } | { readonly below: number };
}

export interface Verdict {
  readonly measurement: string;
  readonly want: string;
  readonly value: number | null;
  readonly met: boolean;
}

export const TARGETS: readonly Target[] = [
  { measurement: 'throughput_1000', of: 'ratio', bound: { atLeast: 0.95 } },
  { measurement: 'apply_10', of: 'median', bound: { below: 100 } },
  { measurement: 'apply_100', of: 'median', bound: { below: 100 } },
  { measurement: 'apply_1000', of: 'median', bound: { below: 100 } },
  { measurement: 'agent_rss', of: 'median', bound: { below: 80 } },
];

export function judge(results: Readonly<Record<string, Measurement>>, targets: readonly Target[] = TARGETS): Verdict[] {
  return targets.flatMap((target) => {
    const measured = results[target.measurement];
    if (!measured) return [];
    const value = target.of === 'ratio' ? measured.ratio : measured.tibox.median;
    const unit = target.of === 'ratio' ? '' : ` ${measured.unit}`;
    const { bound } = target;
    const [want, met] = 'atLeast' in bound
      ? [`${target.of} >= ${bound.atLeast}${unit}`, value !== null && value >= bound.atLeast]
      : [`${target.of} < ${bound.below}${unit}`, value !== null && value < bound.below];
    return [{ measurement: target.measurement, want, value, met }];
  });
}

/**
 * Throughput at each MTU of a practice line against the same direction's at 1500 (`key` names the
 * measurement of an MTU and direction): each at least `atLeast` of it. Lines not measured get no verdict.
 */
export function judgeAgainstFullMtu(
  results: Readonly<Record<string, Measurement>>,
  mtus: readonly number[],
  key: (mtu: number, direction: 'up' | 'down') => string,
  atLeast = 0.8,
): Verdict[] {
  return (['up', 'down'] as const).flatMap((direction) => {
    const full = results[key(1500, direction)]?.tibox.median;
    if (full === undefined) return [];
    return mtus.flatMap((mtu) => {
      const measured = results[key(mtu, direction)];
      if (!measured || mtu === 1500) return [];
      const value = full === 0 ? null : Math.round((measured.tibox.median / full) * 1000) / 1000;
      return [{ measurement: key(mtu, direction), want: `median >= ${atLeast} of ${key(1500, direction)}`, value, met: value !== null && value >= atLeast }];
    });
  });
}
