// The tunnel benchmark: how fast TI traffic flows again after each fault, for tibox and for
// plain strongSwan configured by hand (one connection listing both gateways, start_action =
// start, dpd_delay = 30s), measured in the same run on fresh labs. A run ends when the PVS host
// reaches the connector stand-in again, or at the cap of 120 s after the fault ends.
// `QUICK=1` runs each measurement once with short outages, for development. Arguments name the
// measurements to take; the results file keeps the others as they were, each with its time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../test/lab/lab.ts';
import { PLAN } from '../test/lab/topology.ts';
import { ReachWatch } from './reach.ts';
import { ratio, summarize, type Run, type Summary } from './stats.ts';

type System = 'tibox' | 'baseline';
type Measurement = 'cold_start' | 'outage_short' | 'outage_long' | 'address_change' | 'failover';

const QUICK = process.env.QUICK === '1';
const CAP_MS = 120_000;
const RUNS: Record<Measurement, number> = QUICK
  ? { cold_start: 1, outage_short: 1, outage_long: 1, address_change: 1, failover: 1 }
  : { cold_start: 5, outage_short: 5, outage_long: 3, address_change: 5, failover: 5 };
const OUTAGE_S = { outage_short: QUICK ? 5 : 20, outage_long: QUICK ? 30 : 300 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The fault comes at a random moment within the first seconds of a steady tunnel. */
const randomMoment = () => sleep(500 + Math.random() * 2_500);

/** A lab with the box's side ready (tunnel up), except for cold_start where the box is not started yet. */
async function prepare(system: System, measurement: Measurement): Promise<Lab> {
  const lab = await Lab.create({ boxCharon: system === 'tibox' ? 'agent' : 'plain', plainLoadByHand: measurement === 'cold_start' });
  if (system === 'tibox') {
    await lab.startAgent();
    await lab.importProfile();
    if (measurement === 'cold_start') await lab.stopAgentAsAfterBoot();
  }
  return lab;
}

/** Injects the fault; resolves with the moment (ms) from which recovery is timed. */
async function inject(lab: Lab, system: System, measurement: Measurement): Promise<number> {
  switch (measurement) {
    case 'cold_start': {
      const t0 = Date.now();
      if (system === 'tibox') await lab.startAgent();
      else await lab.boxCharon?.loadSwanctl();
      return t0;
    }
    case 'outage_short':
    case 'outage_long':
      await lab.cutWan('upstream', true);
      await sleep(OUTAGE_S[measurement] * 1000);
      await lab.cutWan('upstream', false);
      return Date.now();
    case 'address_change': {
      const t0 = Date.now();
      await lab.changePublicAddress();
      return t0;
    }
    case 'failover': {
      const t0 = Date.now();
      await lab.killGateway('gw1');
      return t0;
    }
  }
}

async function runOnce(system: System, measurement: Measurement): Promise<Run> {
  const lab = await prepare(system, measurement);
  const reach = new ReachWatch(lab.names.pvs, PLAN.ti.connector, PLAN.tiSegment.pvs);
  try {
    if (measurement !== 'cold_start') {
      await reach.steady(30_000);
      await randomMoment();
    }
    const from = await inject(lab, system, measurement);
    const at = await reach.recovery(from, CAP_MS);
    return at === undefined ? { seconds: CAP_MS / 1000, timedOut: true } : { seconds: (at - from) / 1000, timedOut: false };
  } finally {
    reach.stop();
    await lab.destroy();
  }
}

interface Result {
  /** When this measurement was taken: a run of some measurements keeps the others' results. */
  at: string;
  tibox: Summary;
  baseline: Summary;
  ratio: number | null;
}

/** The results file's measurements, for those this run does not take again. */
function earlierResults(file: string): Record<string, Result> {
  try {
    const earlier = JSON.parse(readFileSync(file, 'utf8')) as { quick?: boolean; results?: Record<string, Result> };
    return earlier.quick === QUICK ? earlier.results ?? {} : {};
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2) as Measurement[];
  const measurements = (Object.keys(RUNS) as Measurement[]).filter((m) => only.length === 0 || only.includes(m));
  const results: Record<string, Result> = {};
  for (const m of measurements) {
    const runs: Record<System, Run[]> = { tibox: [], baseline: [] };
    // Interleaved, so a slow moment of the machine hits both alike.
    for (let i = 0; i < RUNS[m]; i++) {
      for (const system of ['tibox', 'baseline'] as const) {
        const run = await runOnce(system, m);
        runs[system].push(run);
        console.log(`${m} ${system} run ${i + 1}/${RUNS[m]}: ${run.timedOut ? 'timeout' : `${run.seconds.toFixed(3)} s`}`);
      }
    }
    const tibox = summarize(runs.tibox, CAP_MS / 1000);
    const baseline = summarize(runs.baseline, CAP_MS / 1000);
    results[m] = { at: new Date().toISOString(), tibox, baseline, ratio: ratio(tibox, baseline) };
  }
  // A quick look never replaces the full results.
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', QUICK ? 'tunnel.quick.json' : 'tunnel.json');
  mkdirSync(dirname(out), { recursive: true });
  const all = { ...earlierResults(out), ...results };
  writeFileSync(out, `${JSON.stringify({ quick: QUICK, results: all }, null, 2)}\n`);
  console.log('\nmeasurement      tibox median  baseline median  ratio');
  for (const [m, r] of Object.entries(all)) {
    console.log(`${m.padEnd(16)} ${`${r.tibox.median_s} s`.padEnd(13)} ${`${r.baseline.median_s} s`.padEnd(16)} ${r.ratio ?? '-'}`);
  }
  console.log(`results: ${out}`);
}

await main();
