// Load on one page of the web UI, run inside a lab namespace (the practice LAN's PVS host, where the
// installer's browser would be): autocannon with each count of concurrent clients in turn, a short
// warm-up first, every response's latency kept so that p50 and p95 are exact. Prints one JSON line.
// Usage: node bench/webuiLoad.ts '<LoadSpec as JSON>'
import autocannon from 'autocannon';
import { percentile } from './stats.ts';

export interface LoadSpec {
  url: string;
  /** The Cookie header to send (a logged-in session), if any. */
  cookie?: string;
  connections: readonly number[];
  seconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  connections: number;
  requests: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  requests_per_s: number;
  /** Answers other than 200, connection errors and timeouts: any makes the run worthless. */
  not_ok: number;
}

async function load(spec: LoadSpec, connections: number, seconds: number): Promise<LoadResult> {
  const times: number[] = [];
  let notOk = 0;
  const options = { url: spec.url, connections, duration: seconds, timeout: 10, headers: spec.cookie ? { cookie: spec.cookie } : {} };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, done: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) times.push(responseTime);
      else notOk++;
    });
  });
  notOk += result.errors + result.timeouts;
  if (times.length === 0) throw new Error(`no answer of 200 from ${spec.url} with ${connections} clients (${notOk} others)`);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    connections,
    requests: times.length,
    p50_ms: round(percentile(times, 50)),
    p95_ms: round(percentile(times, 95)),
    max_ms: round(Math.max(...times)),
    requests_per_s: Math.round(times.length / seconds),
    not_ok: notOk,
  };
}

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
const results: LoadResult[] = [];
for (const connections of spec.connections) {
  await load(spec, connections, spec.warmupSeconds);
  results.push(await load(spec, connections, spec.seconds));
}
console.log(JSON.stringify(results));
