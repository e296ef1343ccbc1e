// The remote management benchmark: the real DDI client (src/updater/ddi/) against the lab's DDI
// server (test/lab/ddi/), on loopback, with the client's waits compressed (its code unchanged:
// only the sleep it is given divides the time):
// - day: one box polling at the default interval (5 min + jitter), in steady state (each poll a
//   304 thanks to If-None-Match/ETag), as requests and bytes per box and day, for three kinds of
//   connection: a full TLS handshake each poll (what a 5 min interval meets behind a proxy that
//   closes idle connections and tickets that last 5 min), a resumed session, one kept alive;
// - fleet: 1000 clients in this process, each its own controller id and client certificate,
//   polling the server in a process of its own whose CPU is read from /proc; scaled to fleets at
//   the default interval;
// - outage: the server stops for 10 min of box time and returns; when each of the 1000 polls
//   again, spread over the minutes after the return (lockstep would put them all in minute 0);
// - bundles: signed RAUC bundles of 50, 200 and 500 MB through the box's updater into the lab's
//   RAUC, against curl + `rauc install` of the same bundle in the same run (updateBundles.ts).
// Results in bench/results/update.json (a part run alone keeps the others' results). `QUICK=1`
// takes fewer polls, shorter windows and bundles of 20 and 50 MB; arguments `day`, `fleet`,
// `bundles` run only that part (`fleet` includes the outage).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { processRunner, startProcess, type ProcessHandle } from '../src/core/runner.ts';
import { DdiClient, DdiConnection, controllerBaseUrl, type DdiTls } from '../src/updater/ddi/index.ts';
import { LabDdiAdmin } from '../test/lab/ddi/admin.ts';
import { LabDdiServer, LAB_TENANT } from '../test/lab/ddi/server.ts';
import { createLabPki, type LabPki } from '../test/lab/pki.ts';
import { readCpuTicks, readResidentBytes } from './procStats.ts';
import { bundleRuns } from './updateBundles.ts';
import {
  compareBundles, DAY_S, FLEET, fleetLoad, MEAN_POLL_S, perDay, returnSpread, RSS_GROWTH_TARGET_MB, TIME_RATIO_TARGET,
  type BundleComparison, type BundleRun, type FleetLoad, type ReturnSpread,
} from './updateFigures.ts';
import { until } from './until.ts';

const QUICK = process.env.QUICK === '1';
const HERE = dirname(fileURLToPath(import.meta.url));
const STANDIN = join(HERE, '..', 'test', 'lab', 'standins', 'ddi.ts');
const NAME = 'mgmt.dc.tibox.test';
/** Box time per second of the run: one box's 5 min become 1 s; the fleet's 10 s. */
const DAY_SCALE = 300;
const FLEET_SCALE = 30;
const DAY_POLLS = QUICK ? 8 : 40;
/** BOXES=N for a look at fewer (development only: the results name how many). */
const FLEET_BOXES = Number(process.env.BOXES ?? 1000);
const FLEET_WINDOW_S = QUICK ? 20 : 60;
/** The datacenter's outage, in box time. */
const OUTAGE_S = 600;
/** Box time the fleet is given to return: the longest wait after failures (30 min) and an interval more. */
const RETURN_CAP_S = 40 * 60;
const BUNDLE_SIZES_MB = QUICK ? [20, 50] : [50, 200, 500];
const TICKS_PER_S = 100;
const silent = { info: () => undefined, warn: () => undefined };
/** configData as the agent reports it (src/agent/managementAttributes.ts), for the first poll. */
const ATTRIBUTES = new Map([
  ['serial', 'TBX-00000001'], ['firmware', '0.1.0'], ['tunnel', 'up'], ['tunnel.gateway', '198.51.100.10'], ['health', 'ok'], ['certificate.daysLeft', '300'],
]);

const compressed = (scale: number) => (ms: number, signal: AbortSignal) => delay(ms / scale, undefined, { signal });
const boxId = (i: number) => `box-${String(i).padStart(4, '0')}.boxes.tibox.test`;
const kb = (bytes: number) => Math.round(bytes / 100) / 10;

type Connection = 'full handshake' | 'resumed' | 'kept alive';

interface DayCost {
  connection: Connection;
  polls: number;
  simulated_s: number;
  new_connections: number;
  resumed_connections: number;
  bytes_per_poll: number;
  requests_per_day: number;
  bytes_per_day: number;
  /** The whole fleet's polls at the datacenter: requests per second and bytes per day. */
  fleet: { boxes: number; requests_per_s: number; mb_per_day: number };
}

async function tlsOf(pki: LabPki, name: string, id: string): Promise<DdiTls> {
  const issued = await pki.issue(name, [`DNS:${id}`], 'client');
  return { cert: readFileSync(issued.cert), key: readFileSync(issued.key), ca: readFileSync(pki.ca.cert) };
}

/** One box against a server in this process; what crossed its TCP connection is counted at the server. */
async function dayCost(pki: LabPki, dir: string, connection: Connection): Promise<DayCost> {
  const mgmt = await pki.issue('mgmt', [`DNS:${NAME}`], 'server');
  const tls = await tlsOf(pki, 'box', boxId(1));
  const server = new LabDdiServer({
    origin: `https://${NAME}`,
    ca: readFileSync(pki.ca.cert),
    identity: { cert: readFileSync(mgmt.cert), key: readFileSync(mgmt.key) },
    resumption: connection === 'resumed',
    // Closed between polls, except when kept alive.
    keepAliveTimeoutMs: connection === 'kept alive' ? 3_600_000 : 100,
  });
  await server.listen(0, '127.0.0.1');
  server.origin = `https://${NAME}:${server.port}`;
  const ddi = new DdiConnection({ tls, address: '127.0.0.1' });
  const client = new DdiClient({
    connection: ddi,
    base: controllerBaseUrl(server.origin, LAB_TENANT, boxId(1)),
    downloadDir: join(dir, 'downloads'),
    attributes: () => ATTRIBUTES,
    log: silent,
    wait: compressed(DAY_SCALE),
  });
  const target = server.state.target(boxId(1));
  try {
    client.start();
    // The first poll and its configData are the box's start, not its day.
    await until('the first poll and configData', 30_000, async () => target.polls >= 2 && !target.configDataRequested);
    const first = { polls: target.polls, requests: server.requests.length, traffic: server.traffic(), at: performance.now() };
    await until(`${DAY_POLLS} polls`, 60_000 + DAY_POLLS * 5_000, async () => target.polls >= first.polls + DAY_POLLS, 20);
    const traffic = server.traffic();
    const simulatedS = ((performance.now() - first.at) / 1000) * DAY_SCALE;
    const requests = server.requests.length - first.requests;
    const bytes = traffic.bytesIn + traffic.bytesOut - first.traffic.bytesIn - first.traffic.bytesOut;
    const statuses = new Set(server.requests.slice(first.requests).map((r) => r.status));
    if (statuses.size !== 1 || !statuses.has(304)) throw new Error(`steady state expected 304 only, saw ${[...statuses].join(', ')}`);
    const requestsPerDay = perDay(requests, simulatedS);
    const bytesPerDay = perDay(bytes, simulatedS);
    return {
      connection,
      polls: requests,
      simulated_s: Math.round(simulatedS),
      new_connections: traffic.connections - first.traffic.connections,
      resumed_connections: traffic.resumed - first.traffic.resumed,
      bytes_per_poll: Math.round(bytes / requests),
      requests_per_day: requestsPerDay,
      bytes_per_day: bytesPerDay,
      fleet: { boxes: FLEET, requests_per_s: Math.round(((requestsPerDay * FLEET) / DAY_S) * 100) / 100, mb_per_day: Math.round((bytesPerDay * FLEET) / 1e4) / 100 },
    };
  } finally {
    await client.stop();
    ddi.close();
    await server.close();
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface FleetResult {
  boxes: number;
  scale: number;
  server_rss_mb: number;
  load: FleetLoad;
  outage: { outage_min: number; spread: ReturnSpread };
}

/** The DDI server in a process of its own (its CPU alone is measured), full handshakes, Node's keep-alive of 5 s. */
async function startServer(pki: LabPki, dir: string, port: number): Promise<{ process: ProcessHandle; admin: LabDdiAdmin }> {
  const mgmt = { cert: join(pki.dir, 'mgmt.pem'), key: join(pki.dir, 'mgmt.key') };
  if (!existsSync(mgmt.cert)) await pki.issue('mgmt', [`DNS:${NAME}`], 'server');
  const socket = join(dir, 'admin.sock');
  rmSync(socket, { force: true });
  const server = startProcess(process.execPath, [
    STANDIN, '--address', '127.0.0.1', '--port', String(port), '--origin', `https://${NAME}:${port}`,
    '--ca', pki.ca.cert, '--cert', mgmt.cert, '--key', mgmt.key, '--admin', socket, '--no-resumption',
  ], { onStderrLine: (line) => console.error(`ddi server: ${line}`) });
  await until('the DDI server', 20_000, async () => existsSync(socket), 50);
  return { process: server, admin: new LabDdiAdmin(socket) };
}

async function fleet(pki: LabPki, dir: string): Promise<FleetResult> {
  console.log(`issuing ${FLEET_BOXES} client certificates`);
  const tls: DdiTls[] = [];
  for (let i = 0; i < FLEET_BOXES; i += 2) tls.push(...(await Promise.all([tlsOf(pki, `box${i}`, boxId(i)), tlsOf(pki, `box${i + 1}`, boxId(i + 1))])));
  const port = await freePort();
  let server = await startServer(pki, dir, port);
  const origin = `https://${NAME}:${port}`;
  const clients = tls.map((identity, i) => {
    const connection = new DdiConnection({ tls: identity, address: '127.0.0.1' });
    const client = new DdiClient({
      connection,
      base: controllerBaseUrl(origin, LAB_TENANT, boxId(i)),
      downloadDir: join(dir, 'downloads', String(i)),
      attributes: () => ATTRIBUTES,
      log: silent,
      wait: compressed(FLEET_SCALE),
    });
    return { client, connection };
  });
  try {
    // A fleet in steady state: the boxes started at different moments of one interval.
    const intervalMs = (MEAN_POLL_S * 1000) / FLEET_SCALE;
    clients.forEach(({ client }, i) => setTimeout(() => client.start(), (i * intervalMs) / FLEET_BOXES).unref());
    await until('every box polled', 120_000, async () => clients.every(({ client }) => client.status().lastPoll?.ok === true), 500);
    await delay(intervalMs);
    const pid = server.process.pid;
    const before = { ticks: readCpuTicks(pid), requests: (await server.admin.requests()).length, at: performance.now() };
    await delay(FLEET_WINDOW_S * 1000);
    const after = { ticks: readCpuTicks(pid), requests: (await server.admin.requests()).length, at: performance.now() };
    const seconds = (after.at - before.at) / 1000;
    const load = fleetLoad(after.requests - before.requests, seconds, (after.ticks - before.ticks) / TICKS_PER_S, [FLEET_BOXES, FLEET]);
    const rss = readResidentBytes(pid);
    console.log(`fleet: ${load.measured_polls_per_s} polls/s at ${load.measured_cpu_percent} % CPU, ${load.cpu_ms_per_poll} ms per poll`);

    console.log(`outage: the server stops for ${OUTAGE_S / 60} min of box time`);
    await stopServer(server.process);
    await delay((OUTAGE_S * 1000) / FLEET_SCALE);
    // From the moment the server starts again: a poll that got through after it counts.
    const back = Date.now();
    server = await startServer(pki, dir, port);
    const firstGood = new Map<number, number>();
    await until(
      'every box back',
      (RETURN_CAP_S * 1000) / FLEET_SCALE,
      async () => {
        clients.forEach(({ client }, i) => {
          const last = client.status().lastPoll;
          if (!firstGood.has(i) && last?.ok && last.at >= back) firstGood.set(i, ((last.at - back) / 1000) * FLEET_SCALE);
        });
        return firstGood.size === FLEET_BOXES;
      },
      50,
    ).catch((error: unknown) => console.log(`outage: ${(error as Error).message}; ${firstGood.size} of ${FLEET_BOXES} back`));
    return { boxes: FLEET_BOXES, scale: FLEET_SCALE, server_rss_mb: Math.round(rss / 1e5) / 10, load, outage: { outage_min: OUTAGE_S / 60, spread: returnSpread([...firstGood.values()], FLEET_BOXES) } };
  } finally {
    await Promise.all(clients.map(({ client }) => client.stop()));
    for (const { connection } of clients) connection.close();
    await stopServer(server.process);
  }
}

async function stopServer(server: ProcessHandle): Promise<void> {
  server.kill('SIGTERM');
  await server.exited;
}

interface Results {
  day?: { at: string; costs: DayCost[] };
  fleet?: { at: string } & FleetResult;
  bundles?: { at: string; runs: BundleRun[]; comparison: BundleComparison };
}

function earlier(file: string): Results {
  try {
    const found = JSON.parse(readFileSync(file, 'utf8')) as { quick?: boolean; results?: Results };
    return found.quick === QUICK ? (found.results ?? {}) : {};
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  const parts = process.argv.slice(2);
  const wanted = (part: string) => parts.length === 0 || parts.includes(part);
  const dir = mkdtempSync(join(tmpdir(), 'tibox-bench-update-'));
  const machine = { cpus: cpus().length, loadavg: { before: loadavg().map((n) => Math.round(n * 100) / 100), after: [] as number[] }, node: process.version };
  const results: Results = {};
  try {
    const pki = await createLabPki(processRunner, join(dir, 'pki'));
    if (wanted('day')) {
      const costs: DayCost[] = [];
      for (const connection of ['full handshake', 'resumed', 'kept alive'] as const) {
        const cost = await dayCost(pki, dir, connection);
        console.log(`day, ${connection}: ${cost.polls} polls over ${cost.simulated_s} s of box time, ${cost.bytes_per_poll} bytes each`);
        costs.push(cost);
      }
      results.day = { at: new Date().toISOString(), costs };
    }
    if (wanted('fleet')) results.fleet = { at: new Date().toISOString(), ...(await fleet(pki, dir)) };
    if (wanted('bundles')) {
      const runs = await bundleRuns(pki, join(dir, 'bundles'), BUNDLE_SIZES_MB);
      results.bundles = { at: new Date().toISOString(), runs, comparison: compareBundles(runs) };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  machine.loadavg.after = loadavg().map((n) => Math.round(n * 100) / 100);
  const out = join(HERE, 'results', QUICK ? 'update.quick.json' : 'update.json');
  mkdirSync(dirname(out), { recursive: true });
  const all = { ...earlier(out), ...results };
  const notes = [
    `day: one client, its waits divided by ${DAY_SCALE} (5 min of box time per second); steady state after its first poll and configData, every poll answered 304. Bytes are what crossed the server's TCP connection (TLS records with HTTP inside), without IP and TCP headers.`,
    "day, connections: 'full handshake' is the server refusing session resumption and closing idle connections after 100 ms, as a 5 min interval meets behind a proxy that closes idle connections (nginx: 75 s) with sessions that last 5 min; 'resumed' lets the client resume its TLS session; 'kept alive' keeps one connection for the day.",
    `fleet: ${FLEET_BOXES} clients in the benchmark's process, each its own controller id and client certificate (P-256) of the lab CA, their waits divided by ${FLEET_SCALE}, started over one interval; the server in its own process (test/lab/standins/ddi.ts, full handshakes, Node's keep-alive of 5 s, so each poll opens a connection), its CPU from /proc over ${FLEET_WINDOW_S} s, scaled to fleets polling at the default interval (${MEAN_POLL_S} s on average).`,
    `bundles: RAUC bundles (plain format) whose image is that many MB of random bytes, from a DDI server in the benchmark's process on loopback (mutual TLS). The box is the agent's updater subsystem in a process of its own on the agent's Node flags (bench/updateBundleBox.ts), with the deployment assigned before it starts: its time runs from its request for the deployment to its reboot request (downloaded to its data directory with the sha256 checked, installed by the lab's RAUC into the other slot, the version judged by the box's pre-install handler on the manifest RAUC verified); its CPU over that time; its RSS when it asked and its peak (VmHWM). The baseline, after it in the same run: curl of the same artifact with the box's certificate, then rauc install of the file (which runs the same pre-install handler, without a permit). Targets: the box within ${TIME_RATIO_TARGET}× of curl + rauc; its peak with the largest bundle less than ${RSS_GROWTH_TARGET_MB} MB above the peak with the smallest.`,
    `outage: the server process stopped for ${OUTAGE_S / 60} min of box time (connections refused) and started again; each client's first good poll after the return, in box time. Failed polls wait between the interval and a bound doubling per failure up to 30 min (src/updater/ddi/retry.ts).`,
  ];
  writeFileSync(out, `${JSON.stringify({ quick: QUICK, at: new Date().toISOString(), machine, notes, results: all }, null, 2)}\n`);

  if (all.day) {
    console.log('\nper box and day at the default interval (5 min + jitter), steady state (304)');
    console.log('connection       requests/day  bytes/poll  kB/day   10,000 boxes: requests/s  MB/day');
  }
  for (const c of all.day?.costs ?? []) {
    console.log(`${c.connection.padEnd(16)} ${String(c.requests_per_day).padEnd(13)} ${String(c.bytes_per_poll).padEnd(11)} ${String(kb(c.bytes_per_day)).padEnd(8)} ${String(c.fleet.requests_per_s).padEnd(25)} ${c.fleet.mb_per_day}`);
  }
  const f = all.fleet;
  if (f) {
    console.log(`\nDDI server CPU: ${f.boxes} clients measured at ${f.load.measured_polls_per_s} polls/s: ${f.load.measured_cpu_percent} % of a core, ${f.load.cpu_ms_per_poll} ms per poll; RSS ${f.server_rss_mb} MB`);
    for (const fleetAt of f.load.at_default_interval) console.log(`  ${fleetAt.boxes} boxes at the default interval: ${fleetAt.polls_per_s} polls/s, ${fleetAt.cpu_percent} % of a core`);
    const s = f.outage.spread;
    console.log(`after a ${f.outage.outage_min} min outage: ${s.returned}/${s.boxes} back; half within ${s.p50_min} min, 90 % within ${s.p90_min} min, all within ${s.last_min} min; busiest minute ${s.max_per_minute} boxes (${Math.round(s.max_minute_share * 100)} % of the fleet; lockstep: 100 %)`);
    console.log(`  first polls per minute after the return: ${s.per_minute.join(' ')}`);
  }
  const b = all.bundles;
  if (b) {
    console.log('\nbundles: the box (download, check, install) against curl + rauc install, same bundle, same run');
    console.log('bundle MB  box s   curl+rauc s  ratio  box CPU s  box RSS start → peak MB  MB received box / curl');
    for (const run of b.runs) {
      const ratio = b.comparison.per_bundle.find((p) => p.bundle_mb === run.bundle_mb)?.time_ratio;
      console.log(`${String(run.bundle_mb).padEnd(10)} ${String(run.agent.total_s).padEnd(7)} ${String(run.baseline.total_s).padEnd(12)} ${String(ratio).padEnd(6)} ${String(run.agent.cpu_s).padEnd(10)} ${`${run.agent.rss_start_mb} → ${run.agent.rss_peak_mb}`.padEnd(24)} ${run.agent.mb_received} / ${run.baseline.mb_received}`);
    }
    const c = b.comparison;
    console.log(`worst time ratio ${c.worst_time_ratio} (target ≤ ${TIME_RATIO_TARGET}: ${c.time_within_target ? 'met' : 'missed'}); peak RSS ${c.rss_peak_growth_mb} MB higher with the largest bundle than with the smallest (target < ${RSS_GROWTH_TARGET_MB}: ${c.rss_within_target ? 'met' : 'missed'})`);
  }
  console.log(`results: ${out}`);
}

await main();
