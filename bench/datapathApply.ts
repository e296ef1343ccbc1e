// The apply-time half of the data path benchmark, run inside the network namespace that
// bench/datapath.ts builds (`ip netns exec NS bin/tibox-node --lean bench/datapathApply.ts <spec JSON>`): the
// routes module's netlink sockets belong to the process, as the agent's do in the box namespace.
// One timed apply is the real path from a changed desired state: renderRuleset (validation
// included), NftLoader's `nft -c` and `nft -f` through the runner, then the TI routes' apply
// (reconcile over rtnetlink, state file). Each timed apply follows an untimed one of the other
// variant, so every timed one changes the table (one host's CETP port) and the routes (into the
// tunnel or unreachable) as a real change would. Prints the samples as one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/core/log.ts';
import { processRunner } from '../src/core/runner.ts';
import { NetlinkRouteKernel, NftLoader, renderRuleset, TiRoutes, type FirewallDesired, type TiRoutesDesired } from '../src/firewall/index.ts';
import { benchDesired } from './datapathDesired.ts';
import { labSite } from './labSite.ts';

export interface ApplySpec {
  /** Host counts to measure; the fail-closed baseline is measured besides them. */
  readonly counts: readonly number[];
  readonly runs: number;
  /** Untimed rounds first, so that the measured ones run on warm code. */
  readonly warmup: number;
  /** The box's own TI address, the routes' source. */
  readonly source: string;
}

export interface ApplySample {
  /** renderRuleset with its validation. */
  readonly render_ms: number;
  /** `nft -c` and `nft -f`. */
  readonly nft_ms: number;
  readonly routes_ms: number;
  readonly total_ms: number;
}

type Pair<T> = readonly [T, T];

/** Samples by configuration: 'baseline' and each host count. */
export type ApplyResults = Record<string, ApplySample[]>;

async function measure(spec: ApplySpec): Promise<ApplyResults> {
  const site = labSite();
  const stateDir = mkdtempSync(join(tmpdir(), 'tibox-bench-apply-'));
  const loader = new NftLoader(processRunner);
  // Log lines go to stderr, so stdout carries only the samples.
  const routes = new TiRoutes({ kernel: new NetlinkRouteKernel(), stateDir, log: createLogger({ destination: process.stderr }) });
  const paths: Pair<TiRoutesDesired> = [
    { prefixes: site.tiPrefixes, path: { kind: 'libipsec', dev: 'ipsec0', src: spec.source } },
    { prefixes: site.tiPrefixes, path: { kind: 'unreachable' } },
  ];
  // Built before any timing: the agent composes its desired state before the firewall sees it.
  const configs = new Map<string, Pair<FirewallDesired | null>>([['baseline', [null, null]]]);
  for (const count of spec.counts) configs.set(String(count), [benchDesired(site, count, 0), benchDesired(site, count, 1)]);
  const results: ApplyResults = Object.fromEntries([...configs.keys()].map((name) => [name, []]));
  const apply = async (desired: FirewallDesired | null, routesDesired: TiRoutesDesired): Promise<ApplySample> => {
    const start = performance.now();
    const ruleset = renderRuleset(desired);
    const rendered = performance.now();
    await loader.load(ruleset);
    const loaded = performance.now();
    await routes.apply(routesDesired);
    const done = performance.now();
    const ms = (value: number) => Math.round(value * 1000) / 1000;
    return { render_ms: ms(rendered - start), nft_ms: ms(loaded - rendered), routes_ms: ms(done - loaded), total_ms: ms(done - start) };
  };
  try {
    const names = [...configs.keys()];
    for (let round = 0; round < spec.warmup + spec.runs; round++) {
      // A different order each round, so that no configuration always follows the same one.
      const order = names.map((_, i) => names[(i + round) % names.length] as string);
      for (const name of order) {
        const [even, odd] = configs.get(name) as Pair<FirewallDesired | null>;
        const [into, closed] = paths;
        const [from, to] = round % 2 === 0 ? [[odd, closed], [even, into]] as const : [[even, into], [odd, closed]] as const;
        await apply(...from);
        const sample = await apply(...to);
        if (round >= spec.warmup) results[name]?.push(sample);
      }
    }
    return results;
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const spec = JSON.parse(process.argv[2] ?? 'null') as ApplySpec | null;
if (!spec) throw new Error('usage: datapathApply.ts <spec JSON>');
process.stdout.write(`${JSON.stringify(await measure(spec))}\n`);
