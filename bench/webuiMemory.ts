// Where the web UI's memory goes, without the lab, on loopback: the web UI from build/ with no
// agent behind it (its pages say the box's service does not answer), its resident memory split
// into its own (RssAnon) and the touched pages of files, Node's binary above all (RssFile), when
// idle after start and again after 20 pages; on bin/tibox-webui's runtime (no Turbofan, a small
// heap) against Node's plain one (bin/tibox-node without flags, as the web UI ran before), rounds
// alternating.
// And a process's memory around the web UI's costly operations, done as now against as before
// (bench/webuiOperationRss.ts): password checks in a process of their own against a worker
// thread, and times written by its own formatter against Intl's.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processRunner, startProcess } from '../src/core/runner.ts';
import { createDeviceCertificate } from '../src/webui/tls/deviceCertificate.ts';
import { readResidentSplit } from './procStats.ts';
import { spread, type Spread } from './stats.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, '..', 'bin');
const PORT = 18_443;
const SETTLE_MS = 6_000;
const PAGES = 20;
/** Each done the way it was (the baseline) and the way it is now (bench/webuiOperationRss.ts). */
const OPERATIONS = ['strength-worker', 'strength-process', 'dates-intl', 'dates-own'] as const;

export interface Reading {
  rss: number;
  anon: number;
  file: number;
}

export interface RuntimeFigures {
  command: string;
  idle: Record<keyof Reading, Spread>;
  after_pages: Record<keyof Reading, Spread>;
}

export interface OperationFigures {
  operation: string;
  before_mb: number;
  after_first_mb: number;
  after_third_mb: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

function reading(pid: number): Reading {
  const { anon, file } = readResidentSplit(pid);
  return { rss: mb(anon + file), anon: mb(anon), file: mb(file) };
}

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: PORT, path, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** One start of the web UI: idle once it listens (no page asked for yet), and after PAGES pages (the status page and the login page). */
async function oneRun(command: string, args: readonly string[]): Promise<{ idle: Reading; after: Reading }> {
  let listening: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const webui = startProcess(command, args, { onStdoutLine: (line) => line.includes('"web UI listening"') && listening() });
  try {
    const started = await Promise.race([ready.then(() => true), sleep(30_000).then(() => false)]);
    if (!started) throw new Error(`the web UI did not listen on port ${PORT} within 30 s`);
    await sleep(SETTLE_MS);
    const idle = reading(webui.pid);
    for (let i = 0; i < PAGES / 2; i++) {
      for (const path of ['/', '/login']) {
        const status = await get(path);
        if (status !== 200) throw new Error(`${path} answered ${status}`);
      }
    }
    await sleep(SETTLE_MS);
    return { idle, after: reading(webui.pid) };
  } finally {
    webui.kill('SIGTERM');
    await webui.exited;
  }
}

const summary = (readings: readonly Reading[]) =>
  ({ rss: spread(readings.map((r) => r.rss)), anon: spread(readings.map((r) => r.anon)), file: spread(readings.map((r) => r.file)) });

export async function memoryFigures(rounds: number): Promise<{ runtimes: Record<'now' | 'plain', RuntimeFigures>; operations: OperationFigures[] }> {
  const state = mkdtempSync(join(tmpdir(), 'tibox-webui-memory-'));
  try {
    // The device certificate exists, so the web UI starts without asking an agent for addresses.
    const certificate = createDeviceCertificate(['127.0.0.1'], new Date());
    mkdirSync(join(state, 'tls'), { recursive: true });
    writeFileSync(join(state, 'tls', 'key.pem'), certificate.key, { mode: 0o600 });
    writeFileSync(join(state, 'tls', 'cert.pem'), certificate.cert);
    const options = ['--agent-socket', join(state, 'no-agent.sock'), '--state-dir', state, '--listen', '127.0.0.1', '--https-port', String(PORT), '--http-port', 'off'];
    const variants = {
      now: { shown: 'bin/tibox-webui', command: join(BIN, 'tibox-webui'), args: options },
      plain: { shown: 'bin/tibox-node build/webui/main.js', command: join(BIN, 'tibox-node'), args: [join(HERE, '..', 'build', 'webui', 'main.js'), ...options] },
    } as const;
    const runs = { now: [] as { idle: Reading; after: Reading }[], plain: [] as { idle: Reading; after: Reading }[] };
    for (let round = 0; round < rounds; round++) {
      for (const name of ['plain', 'now'] as const) {
        runs[name].push(await oneRun(variants[name].command, variants[name].args));
        const last = runs[name].at(-1);
        console.log(`memory ${name} round ${round + 1}: idle ${last?.idle.rss} MB (anon ${last?.idle.anon}, file ${last?.idle.file}), after ${PAGES} pages ${last?.after.rss} MB`);
      }
    }
    const runtimes = Object.fromEntries(
      (['now', 'plain'] as const).map((name) => [name, { command: variants[name].shown, idle: summary(runs[name].map((r) => r.idle)), after_pages: summary(runs[name].map((r) => r.after)) }]),
    ) as Record<'now' | 'plain', RuntimeFigures>;
    const operations: OperationFigures[] = [];
    for (const operation of OPERATIONS) {
      const { stdout } = await processRunner.run(join(BIN, 'tibox-node'), ['--no-opt', '--optimize-for-size', join(HERE, 'webuiOperationRss.ts'), operation], { timeoutMs: 60_000 });
      operations.push(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as OperationFigures);
      console.log(`memory around ${operation}: ${JSON.stringify(operations.at(-1))}`);
    }
    return { runtimes, operations };
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
