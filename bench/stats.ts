// Summaries of repeated measurements as the benchmark results record them: a run that hit the
// cap counts as the cap and as a timeout; the ratio compares medians, and is null where the
// baseline gives nothing to compare against (a median of 0, or a timeout). Spreads are the same
// for measurements without a cap, in any unit.

export interface Summary {
  median_s: number;
  min_s: number;
  max_s: number;
  runs: number;
  timeouts: number;
}

export interface Run {
  seconds: number;
  timedOut: boolean;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round = (s: number) => Math.round(s * 1000) / 1000;

export function summarize(runs: readonly Run[], capS: number): Summary {
  const seconds = runs.map((r) => (r.timedOut ? capS : r.seconds));
  return {
    median_s: round(median(seconds)),
    min_s: round(Math.min(...seconds)),
    max_s: round(Math.max(...seconds)),
    runs: runs.length,
    timeouts: runs.filter((r) => r.timedOut).length,
  };
}

/** tibox's median over the baseline's: below 1 means tibox is faster. */
export function ratio(tibox: Summary, baseline: Summary): number | null {
  if (baseline.median_s === 0 || baseline.timeouts * 2 >= baseline.runs) return null;
  return round(tibox.median_s / baseline.median_s);
}

/** Repeated measurements of any unit (ms, Mbit/s, MB, %): their median and range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: round(median(values)), min: round(Math.min(...values)), max: round(Math.max(...values)), runs: values.length };
}

/** tibox's median over the baseline's; null where the baseline's median is 0. */
export function spreadRatio(tibox: Spread, baseline: Spread): number | null {
  return baseline.median === 0 ? null : round(tibox.median / baseline.median);
}

/** The p-th percentile (0 < p <= 100) by nearest rank: the smallest value with p % of all at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is not within (0, 100]`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1] as number;
}
