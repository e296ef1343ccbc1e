// The remote management benchmark's arithmetic: a day per box from compressed time, the server's
// CPU per poll scaled to fleets, the spread of the fleet's first polls after an outage, and the
// box's install of a bundle against curl + rauc.
import { describe, expect, it } from 'vitest';
import { compareBundles, fleetLoad, MEAN_POLL_S, perDay, returnSpread, type BundleRun } from '../../../bench/updateFigures.ts';

describe('perDay', () => {
  it('scales what happened over the simulated time to a day', () => {
    // 30 polls over 30 × 315 s of a box's time: 274 polls a day at the default interval.
    expect(perDay(30, 30 * MEAN_POLL_S)).toBe(274);
    expect(perDay(30 * 4_100, 30 * MEAN_POLL_S)).toBe(1_124_571);
    expect(() => perDay(1, 0)).toThrow(/no time/);
  });
});

describe('fleetLoad', () => {
  it('gives the CPU per poll and what fleets at the default interval cost', () => {
    // 6000 polls in 60 s (100/s) with 12 s of CPU (20 % of a core): 2 ms per poll.
    const load = fleetLoad(6_000, 60, 12, [1_000, 10_000]);
    expect(load).toEqual({
      measured_polls_per_s: 100,
      measured_cpu_percent: 20,
      cpu_ms_per_poll: 2,
      at_default_interval: [
        { boxes: 1_000, polls_per_s: 3.17, cpu_percent: 0.63 },
        { boxes: 10_000, polls_per_s: 31.75, cpu_percent: 6.35 },
      ],
    });
    expect(() => fleetLoad(0, 60, 1, [])).toThrow(/no polls/);
  });
});

describe('returnSpread', () => {
  it('counts first polls per minute after the return, and the busiest minute against the fleet', () => {
    const spread = returnSpread([5, 30, 61, 62, 200, 59.9], 10);
    expect(spread).toEqual({
      boxes: 10,
      returned: 6,
      p50_min: 1,
      p90_min: 3.33,
      last_min: 3.33,
      per_minute: [3, 2, 0, 1],
      max_per_minute: 3,
      max_minute_share: 0.3,
    });
  });

  it('shows lockstep as the whole fleet in one minute', () => {
    expect(returnSpread(Array.from({ length: 100 }, () => 1), 100)).toMatchObject({ per_minute: [100], max_minute_share: 1, p90_min: 0.02 });
    expect(() => returnSpread([], 10)).toThrow(/no box/);
  });
});

describe('compareBundles', () => {
  const run = (mb: number, agentS: number, baselineS: number, start: number, peak: number): BundleRun => ({
    bundle_mb: mb,
    agent: { total_s: agentS, download_s: agentS / 2, install_s: agentS / 2, cpu_s: 1, rss_start_mb: start, rss_peak_mb: peak, mb_received: mb },
    baseline: { curl_s: baselineS / 2, rauc_s: baselineS / 2, total_s: baselineS, mb_received: mb },
  });

  it('gives each bundle the box against curl + rauc, and the peak memory of the largest against the smallest', () => {
    expect(compareBundles([run(500, 24, 20, 60, 71.5), run(50, 3.3, 3, 60, 62)])).toEqual({
      per_bundle: [{ bundle_mb: 50, time_ratio: 1.1, rss_above_start_mb: 2 }, { bundle_mb: 500, time_ratio: 1.2, rss_above_start_mb: 11.5 }],
      rss_peak_growth_mb: 9.5,
      worst_time_ratio: 1.2,
      time_within_target: true,
      rss_within_target: true,
    });
  });

  it('fails a target the box misses', () => {
    const missed = compareBundles([run(50, 4, 3, 60, 62), run(500, 30, 20, 60, 80)]);
    expect(missed).toMatchObject({ worst_time_ratio: 1.5, time_within_target: false, rss_peak_growth_mb: 18, rss_within_target: false });
    expect(() => compareBundles([])).toThrow(/no bundle/);
  });
});
