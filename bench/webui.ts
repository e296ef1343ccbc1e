// The web UI benchmark (`make bench-webui`), in the lab with the real agent and the web UI as on
// the box:
// - bytes a browser transfers per page on a first visit (HTML, CSS, JS), measured in headless
//   Chromium on the practice LAN: the public status page, the login page, the password page and
//   the landing page after login;
// - latency p50/p95 with 1, 10 and 50 concurrent clients (autocannon on the PVS host, over the
//   practice LAN) on the public status page and on the landing page with a logged-in session;
//   the baseline, in the same run: bare Node's HTTPS server with the web UI's TLS settings on the
//   same port, answering a page of the same size (bench/webuiBaseline.ts);
// - the web UI process's resident memory when idle, before and after the load, next to a bare
//   Node process on the same runtime and flags (bin/tibox-node);
// - where the memory goes, without the lab (bench/webuiMemory.ts): the web UI on its own
//   runtime against Node's plain one, and its costly operations done as now against as before.
// Results in bench/results/webui.json (a quick look, QUICK=1, in webui.quick.json); arguments
// `memory` or `lab` take only that part.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from '../src/core/runner.ts';
import { SESSION_COOKIE } from '../src/webui/auth/session.ts';
import { launchOnPracticeLan, newVisitor } from '../test/e2e/browser.ts';
import { login } from '../test/e2e/pages.ts';
import { Lab } from '../test/lab/lab.ts';
import { PLAN } from '../test/lab/topology.ts';
import { readResidentBytes } from './procStats.ts';
import { spread, spreadRatio, type Spread } from './stats.ts';
import { until } from './until.ts';
import type { LoadResult, LoadSpec } from './webuiLoad.ts';
import { weighPage, type PageWeight } from './webuiPages.ts';
import { memoryFigures } from './webuiMemory.ts';
import { judgeWebui, TARGETS } from './webuiTargets.ts';

const QUICK = process.env.QUICK === '1';
const CONNECTIONS = [1, 10, 50] as const;
const LOAD = { seconds: QUICK ? 3 : 10, warmupSeconds: QUICK ? 1 : 2 };
const IDLE = { settleMs: QUICK ? 3_000 : 10_000, windows: QUICK ? 1 : 3, windowMs: 5_000 };
/** Starts of the web UI per runtime in the memory part. */
const MEMORY_ROUNDS = QUICK ? 1 : 3;
const NEW_PASSWORD = 'Die Box im Flur summt leise vor sich hin';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..');
const TIBOX_NODE = join(REPO, 'bin', 'tibox-node');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => Math.round((bytes / 1e6) * 10) / 10;

interface RssFigures {
  unit: 'MB';
  webui_idle: Spread;
  webui_after_load: Spread;
  bare_node: Spread;
  ratio_idle: number | null;
}

/** Resident memory of the web UI and of a bare Node process on the same runtime, over idle windows. */
async function idleRss(webuiPid: number, barePid: number): Promise<{ webui: number[]; bare: number[] }> {
  await sleep(IDLE.settleMs);
  const figures = { webui: [] as number[], bare: [] as number[] };
  for (let w = 0; w < IDLE.windows; w++) {
    if (w > 0) await sleep(IDLE.windowMs);
    figures.webui.push(mb(readResidentBytes(webuiPid)));
    figures.bare.push(mb(readResidentBytes(barePid)));
  }
  return figures;
}

async function loadFromPvs(lab: Lab, spec: Omit<LoadSpec, 'connections' | 'seconds' | 'warmupSeconds'>): Promise<LoadResult[]> {
  const full: LoadSpec = { ...spec, connections: CONNECTIONS, ...LOAD };
  const capMs = (LOAD.seconds + LOAD.warmupSeconds + 15) * 1000 * CONNECTIONS.length;
  const { stdout } = await lab.exec(lab.names.pvs, process.execPath, [join(HERE, 'webuiLoad.ts'), JSON.stringify(full)], capMs);
  const results = JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as LoadResult[];
  for (const r of results) console.log(`  ${spec.url} ${spec.cookie ? '(logged in) ' : ''}${r.connections} clients: p50 ${r.p50_ms} ms, p95 ${r.p95_ms} ms, ${r.requests_per_s}/s, ${r.not_ok} not ok`);
  return results;
}

interface LabFigures {
  pages: Record<string, PageWeight>;
  latency: Record<string, LoadResult[]>;
  rss: RssFigures;
}

type MemoryFigures = Awaited<ReturnType<typeof memoryFigures>>;

async function labFigures(): Promise<LabFigures> {
  const lab = await Lab.create({ boxCharon: 'agent' });
  const bare = startProcess(TIBOX_NODE, ['-e', 'setInterval(() => {}, 1000)']);
  try {
    await lab.startAgent();
    const { webui, url } = await lab.startWebui();
    const webuiPid = webui.pid;
    if (webuiPid === undefined) throw new Error('the web UI has no process');
    const tls = join(lab.webuiStateDir(), 'tls');

    // Idle, after the one request by which the lab found it answering.
    const fresh = await idleRss(webuiPid, bare.pid);
    console.log(`idle RSS: web UI ${fresh.webui.join(', ')} MB, bare node ${fresh.bare.join(', ')} MB`);

    // Page weights in a browser on the practice LAN; the logged-in session for the load.
    const browser = await launchOnPracticeLan(lab);
    const pages: Record<string, PageWeight> = {};
    let cookie: string;
    try {
      const visitor = await newVisitor(browser);
      pages.public = await weighPage(browser, visitor, url);
      pages.login = await weighPage(browser, visitor, new URL('/login', url).toString());
      const page = await visitor.newPage();
      await login(page, url, PLAN.provisioning.initialPassword, NEW_PASSWORD);
      pages.password = await weighPage(browser, visitor, new URL('/password', url).toString());
      pages.landing = await weighPage(browser, visitor, url);
      const session = (await visitor.cookies()).find((c) => c.name === SESSION_COOKIE);
      if (!session) throw new Error('no session cookie after the login');
      cookie = `${SESSION_COOKIE}=${session.value}`;
    } finally {
      await browser.close();
    }
    for (const [name, w] of Object.entries(pages)) console.log(`page ${name}: ${w.total} bytes (HTML ${w.html}, CSS ${w.css}, JS ${w.js}, other ${w.other}) in ${w.requests} requests`);

    const latency: Record<string, LoadResult[]> = {};
    console.log('load:');
    latency.public = await loadFromPvs(lab, { url });
    latency.landing = await loadFromPvs(lab, { url, cookie });

    const afterLoad = await idleRss(webuiPid, bare.pid);
    console.log(`idle RSS after the load: web UI ${afterLoad.webui.join(', ')} MB`);

    // The baseline on the web UI's own port: the web UI stops for it.
    await webui.stop();
    const baseline = startProcess('ip', ['netns', 'exec', lab.names.box, TIBOX_NODE, join(HERE, 'webuiBaseline.ts'), join(tls, 'key.pem'), join(tls, 'cert.pem'), '443', String(pages.public.html_body)]);
    try {
      await until('the baseline server answers', 15_000, () => lab.exec(lab.names.pvs, 'curl', ['-sSk', '-o', '/dev/null', '-m', '2', url]).then(() => true));
      latency.baseline = await loadFromPvs(lab, { url });
    } finally {
      baseline.kill('SIGTERM');
      await baseline.exited;
    }

    const rss: RssFigures = {
      unit: 'MB',
      webui_idle: spread(fresh.webui),
      webui_after_load: spread(afterLoad.webui),
      bare_node: spread([...fresh.bare, ...afterLoad.bare]),
      ratio_idle: null,
    };
    rss.ratio_idle = spreadRatio(rss.webui_idle, rss.bare_node);
    return { pages, latency, rss };
  } finally {
    bare.kill('SIGKILL');
    await lab.destroy();
  }
}

function report(labPart: LabFigures | undefined, memory: MemoryFigures | undefined, loadBefore: number[]): void {
  const { pages = {}, latency = {}, rss } = labPart ?? {};
  const judged = { pages, latency: { public: latency.public ?? [], landing: latency.landing ?? [] }, ...(rss ? { idleRssMb: rss.webui_idle.median } : {}) };
  const targets = judgeWebui(judged);
  // Each page's p95 over the baseline's at the same number of clients.
  const ratios: Record<string, Record<string, number | null>> = Object.fromEntries(
    ['public', 'landing'].filter((name) => latency[name]).map((name) => [
      name,
      Object.fromEntries((latency[name] ?? []).map((r) => {
        const base = latency.baseline?.find((b) => b.connections === r.connections);
        return [`c${r.connections}`, base && base.p95_ms > 0 ? Math.round((r.p95_ms / base.p95_ms) * 100) / 100 : null];
      })),
    ]),
  );
  const out = join(HERE, 'results', QUICK ? 'webui.quick.json' : 'webui.json');
  mkdirSync(dirname(out), { recursive: true });
  const machine = { cpus: cpus().length, loadavg: { before: loadBefore, after: loadavg() }, node: process.version };
  const notes = [
    'pages: bytes a first visit transfers (response headers and bodies), each page in a browser context of its own with an empty cache, measured in Debian\'s headless Chromium on the practice LAN; the landing and password pages logged in.',
    `latency: autocannon on the PVS host over the practice LAN, keep-alive connections, ${LOAD.seconds} s per client count after ${LOAD.warmupSeconds} s of warm-up; every answer must be 200. The landing page with one logged-in session for all clients. The baseline is bare Node's HTTPS server with the web UI's TLS settings and certificate on the same port of the box, answering a page as large as the public one.`,
    'memory: VmRSS in MB (10^6 bytes) of the web UI process (bin/tibox-webui on bin/tibox-node), idle after the one request by which the lab found it ready, and again after the login with the password change and the load; the bare process is `node -e "setInterval(() => {}, 1000)"` on bin/tibox-node.',
    'memory.runtimes: the web UI from build/ on loopback with no agent (its pages say the service does not answer), idle once it listens and after 20 pages; rss = anon (its own memory) + file (touched pages of files, Node\'s binary above all); now is bin/tibox-webui (no Turbofan, --optimize-for-size), plain is bin/tibox-node without flags, as the web UI ran before; the runtimes alternate.',
    'memory.operations: one process on bin/tibox-node with the flags of bin/tibox-webui, from the TypeScript sources (so its start figure is higher than the web UI\'s), before and after the first and the third round of an operation: *-worker and dates-intl are the ways before, *-process and dates-own the ways now.',
    'other processes on the machine were not stopped: machine.loadavg shows how busy it was.',
  ];
  writeFileSync(out, `${JSON.stringify({ quick: QUICK, at: new Date().toISOString(), machine, notes, targets_set: TARGETS, pages, latency, p95_over_baseline: ratios, rss, memory, targets }, null, 2)}\n`);

  if (labPart) {
    console.log(`\n${'page'.padEnd(10)} ${'HTML'.padStart(7)} ${'CSS'.padStart(7)} ${'JS'.padStart(7)} ${'other'.padStart(7)} ${'total'.padStart(8)}  target`);
    for (const [name, w] of Object.entries(pages)) {
      console.log(`${name.padEnd(10)} ${String(w.html).padStart(7)} ${String(w.css).padStart(7)} ${String(w.js).padStart(7)} ${String(w.other).padStart(7)} ${String(w.total).padStart(8)}  < ${TARGETS.pageBytes} bytes`);
    }
    console.log(`\n${'latency'.padEnd(10)} ${'clients'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'req/s'.padStart(7)} ${'p95/base'.padStart(9)}  target`);
    for (const [name, runs] of Object.entries(latency)) {
      for (const r of runs) {
        const ratio = ratios[name]?.[`c${r.connections}`];
        console.log(`${name.padEnd(10)} ${String(r.connections).padStart(7)} ${String(r.p50_ms).padStart(8)} ${String(r.p95_ms).padStart(8)} ${String(r.requests_per_s).padStart(7)} ${String(ratio ?? '-').padStart(9)}  ${name !== 'baseline' && r.connections === 10 ? `p95 < ${TARGETS.p95MsAt10Clients} ms` : ''}`);
      }
    }
  }
  const cell = (s: Spread) => `${s.median} [${s.min}..${s.max}]`;
  if (rss) console.log(`\nRSS MB: web UI idle ${cell(rss.webui_idle)}, after the load ${cell(rss.webui_after_load)}, bare node ${cell(rss.bare_node)}, ratio ${rss.ratio_idle ?? '-'}  target < ${TARGETS.idleRssMb} MB idle`);
  if (memory) {
    console.log(`\n${'runtime'.padEnd(8)} ${'idle MB (anon + file)'.padEnd(30)} after 20 pages MB`);
    for (const [name, r] of Object.entries(memory.runtimes)) {
      console.log(`${name.padEnd(8)} ${`${r.idle.rss.median} (${r.idle.anon.median} + ${r.idle.file.median})`.padEnd(30)} ${r.after_pages.rss.median} (${r.after_pages.anon.median} + ${r.after_pages.file.median})`);
    }
    console.log(`\n${'operation'.padEnd(18)} ${'before'.padStart(7)} ${'1st'.padStart(7)} ${'3rd'.padStart(7)}  MB`);
    for (const o of memory.operations) console.log(`${o.operation.padEnd(18)} ${String(o.before_mb).padStart(7)} ${String(o.after_first_mb).padStart(7)} ${String(o.after_third_mb).padStart(7)}`);
  }
  console.log('');
  for (const t of targets) console.log(`target ${t.measurement} ${t.want}: ${t.value} ${t.met ? 'met' : 'NOT met'}`);
  console.log(`results: ${out}`);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const loadBefore = loadavg();
  const memory = only.length === 0 || only.includes('memory') ? await memoryFigures(MEMORY_ROUNDS) : undefined;
  const labPart = only.length === 0 || only.includes('lab') ? await labFigures() : undefined;
  report(labPart, memory, loadBefore);
}

await main();
