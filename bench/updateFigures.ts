// The arithmetic of the remote management benchmark (bench/update.ts), pure: what a client did
// over compressed time as a box's day, a server's CPU per poll as a fleet's load, and how the
// fleet's first polls after a datacenter outage spread over the minutes after its return, and a
// bundle's way through the box against curl and `rauc install` by hand.

export const DAY_S = 86_400;
/** The fleet the datacenter's load is given for, besides the simulated one. */
export const FLEET = 10_000;
/** hawkBit's default poll interval and the box's jitter on it (src/updater/ddi/polling.ts): 5 min plus 0–10 %, 5.25 min on average. */
export const MEAN_POLL_S = 300 * 1.05;

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `count` things done over `simulatedS` seconds of a box's time, as a number per day. */
export function perDay(count: number, simulatedS: number): number {
  if (!(simulatedS > 0)) throw new Error('no time simulated');
  return Math.round((count / simulatedS) * DAY_S);
}

export interface FleetLoad {
  /** Polls per second the server answered in the window, and its CPU meanwhile (% of one core). */
  measured_polls_per_s: number;
  measured_cpu_percent: number;
  cpu_ms_per_poll: number;
  /** The same server at the default interval: `boxes` polling every MEAN_POLL_S on average. */
  at_default_interval: { boxes: number; polls_per_s: number; cpu_percent: number }[];
}

/** The server's CPU per poll from a window of `polls` answered in `seconds` while it used `cpuSeconds`, scaled to fleets polling at the default interval. */
export function fleetLoad(polls: number, seconds: number, cpuSeconds: number, fleets: readonly number[]): FleetLoad {
  if (polls <= 0 || seconds <= 0) throw new Error('no polls measured');
  const perPoll = cpuSeconds / polls;
  return {
    measured_polls_per_s: round(polls / seconds, 1),
    measured_cpu_percent: round((cpuSeconds / seconds) * 100, 1),
    cpu_ms_per_poll: round(perPoll * 1000),
    at_default_interval: fleets.map((boxes) => {
      const pollsPerS = boxes / MEAN_POLL_S;
      return { boxes, polls_per_s: round(pollsPerS, 2), cpu_percent: round(pollsPerS * perPoll * 100, 2) };
    }),
  };
}

export interface ReturnSpread {
  boxes: number;
  /** Boxes whose first poll after the return got through before the cap. */
  returned: number;
  /** Minutes after the return (box time) until the first poll of half, nine in ten and all of those that returned. */
  p50_min: number;
  p90_min: number;
  last_min: number;
  /** First polls in each minute after the return, minute 0 first. */
  per_minute: number[];
  max_per_minute: number;
  /** The busiest minute's share of the fleet: 1 would be lockstep, everyone at once. */
  max_minute_share: number;
}

/** `delaysS`: each returned box's first good poll after the return, in seconds of box time. */
export function returnSpread(delaysS: readonly number[], boxes: number): ReturnSpread {
  if (delaysS.length === 0) throw new Error('no box returned');
  const sorted = [...delaysS].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
  const perMinute = new Array<number>(Math.floor((sorted.at(-1) as number) / 60) + 1).fill(0);
  for (const delay of sorted) perMinute[Math.floor(delay / 60)]! += 1;
  const max = Math.max(...perMinute);
  return {
    boxes,
    returned: sorted.length,
    p50_min: round(at(0.5) / 60, 2),
    p90_min: round(at(0.9) / 60, 2),
    last_min: round((sorted.at(-1) as number) / 60, 2),
    per_minute: perMinute,
    max_per_minute: max,
    max_minute_share: round(max / boxes),
  };
}

/** One bundle through the box's updater, and through curl and `rauc install` by hand, in the same run. */
export interface BundleRun {
  bundle_mb: number;
  agent: {
    /** From the box's request for the deployment to its reboot request: downloaded, checked and installed. */
    total_s: number;
    download_s: number;
    install_s: number;
    cpu_s: number;
    /** Resident memory when it asked for the deployment, and the most it ever had. */
    rss_start_mb: number;
    rss_peak_mb: number;
    /** What the server sent it: TLS records of the download and the feedback answers. */
    mb_received: number;
  };
  baseline: { curl_s: number; rauc_s: number; total_s: number; mb_received: number };
}

/** The targets: the box within 1.2× of curl + rauc, and its memory flat as the bundle grows. */
export const TIME_RATIO_TARGET = 1.2;
export const RSS_GROWTH_TARGET_MB = 10;

export interface BundleComparison {
  per_bundle: { bundle_mb: number; time_ratio: number; rss_above_start_mb: number }[];
  /** The peak with the largest bundle less the peak with the smallest. */
  rss_peak_growth_mb: number;
  worst_time_ratio: number;
  time_within_target: boolean;
  rss_within_target: boolean;
}

/** The runs side by side: how much slower the box is than the hand-made baseline, and how its memory grows with the bundle. */
export function compareBundles(runs: readonly BundleRun[]): BundleComparison {
  if (runs.length === 0) throw new Error('no bundle measured');
  const sorted = [...runs].sort((a, b) => a.bundle_mb - b.bundle_mb);
  const perBundle = sorted.map((run) => ({
    bundle_mb: run.bundle_mb,
    time_ratio: round(run.agent.total_s / run.baseline.total_s, 2),
    rss_above_start_mb: round(run.agent.rss_peak_mb - run.agent.rss_start_mb, 1),
  }));
  const growth = round((sorted.at(-1) as BundleRun).agent.rss_peak_mb - (sorted[0] as BundleRun).agent.rss_peak_mb, 1);
  const worst = Math.max(...perBundle.map((b) => b.time_ratio));
  return {
    per_bundle: perBundle,
    rss_peak_growth_mb: growth,
    worst_time_ratio: worst,
    time_within_target: worst <= TIME_RATIO_TARGET,
    rss_within_target: growth < RSS_GROWTH_TARGET_MB,
  };
}
