// The bundle part of the remote management benchmark (bench/update.ts `bundles`): signed RAUC
// bundles of a given size (random bytes, which squashfs cannot shrink) from the lab's DDI server
// on loopback, installed by the box's updater (bench/updateBundleBox.ts, a process of its own on
// the agent's Node flags) into the other slot of the lab's RAUC, and in the same run by hand: the
// same file by `curl` with the box's client certificate, then `rauc install`. For the box: the
// time from its request for the deployment to its reboot request (downloaded to disk with its
// sha256 checked, installed with its version judged inside RAUC's install), its CPU from when it had the
// deployment, its resident memory then and at its peak, and the artifact bytes the server sent it.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processRunner, startProcess } from '../src/core/runner.ts';
import { LabDdiServer, type RequestRecord } from '../test/lab/ddi/server.ts';
import type { LabPki } from '../test/lab/pki.ts';
import { createUpdateSigner, LabRauc } from '../test/lab/rauc.ts';
import { readCpuTicks, readPeakResidentBytes, readResidentBytes } from './procStats.ts';
import { until } from './until.ts';
import type { BundleRun } from './updateFigures.ts';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const BOX = join(REPO, 'bench', 'updateBundleBox.ts');
const CONTROLLER_ID = 'box-bundles.boxes.tibox.test';
const COMPATIBLE = 'tibox-bench';
const TICKS_PER_S = 100;
/** A 500 MB bundle on a slow disk: download, RAUC's signature check, the slot written. */
const RUN_CAP_MS = 30 * 60_000;
const MB = 1e6;

const seconds = (ms: number) => Math.round(ms) / 1000;
/** The box's run directory, where its install permit for RAUC's pre-install handler goes. */
const boxRunDir = (dir: string) => join(dir, 'box-run');
const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

/** A bundle whose image holds `sizeMb` MB of random bytes, signed by `signer`. */
async function makeBundle(dir: string, sizeMb: number, signer: { cert: string; key: string }): Promise<string> {
  const payload = join(dir, `payload-${sizeMb}`);
  mkdirSync(payload, { recursive: true });
  const fd = openSync(join(payload, 'filler'), 'w');
  for (let left = sizeMb * MB; left > 0; left -= MB) writeSync(fd, randomBytes(Math.min(MB, left)));
  closeSync(fd);
  const out = join(dir, `bundle-${sizeMb}.raucb`);
  await processRunner.run(join(REPO, 'scripts', 'bundle.sh'), [
    '--cert', signer.cert, '--key', signer.key, '--out', out, '--version', '2.0.0', '--compatible', COMPATIBLE, '--payload', payload,
  ], { timeoutMs: 10 * 60_000 });
  rmSync(payload, { recursive: true, force: true });
  return out;
}

interface Identity {
  ca: string;
  cert: string;
  key: string;
}

/** The box's updater takes the deployment assigned to it, from its first poll to its reboot request. */
/** The body bytes the server sent for an artifact request: all of them, or the rest from a Range's start. */
function bodyBytes(request: RequestRecord, size: number): number {
  if (request.status === 200) return size;
  const from = /^bytes=(\d+)-$/.exec(request.range ?? '')?.[1];
  return request.status === 206 && from !== undefined ? size - Number(from) : 0;
}

async function throughTheBox(server: LabDdiServer, rauc: LabRauc, client: Identity, dir: string, actionId: string, bundleBytes: number): Promise<BundleRun['agent'] & { artifactPath: string }> {
  const dataDir = join(dir, 'box-data');
  rmSync(dataDir, { recursive: true, force: true });
  const since = server.requests.length;
  let rebootAt: number | undefined;
  const box = startProcess(join(REPO, 'bin', 'tibox-node'), [
    '--lean', BOX, '--url', server.origin, '--cert', client.cert, '--key', client.key, '--ca', client.ca, '--controller-id', CONTROLLER_ID,
    '--data-dir', dataDir, '--run-dir', boxRunDir(dir),
  ], {
    env: rauc.env,
    onStdoutLine: (line) => {
      if (line === 'reboot') rebootAt ??= Date.now();
    },
    onStderrLine: (line) => console.error(`box: ${line}`),
  });
  const pid = box.pid;
  if (pid === undefined) throw new Error('the box process did not start');
  const action = server.state.actions.get(actionId);
  if (!action) throw new Error(`no action ${actionId}`);
  let start: { ticks: number; rss: number } | undefined;
  try {
    await until('the box asks for the reboot', RUN_CAP_MS, async () => {
      // As soon as the box has its deployment: its CPU and memory before the download.
      if (!start && server.requests.slice(since).some((r) => r.path.includes('/deploymentBase/'))) start = { ticks: readCpuTicks(pid), rss: readResidentBytes(pid) };
      return rebootAt !== undefined;
    }, 5);
    const end = { ticks: readCpuTicks(pid), peak: readPeakResidentBytes(pid) };
    const asked = server.requests.slice(since).find((r) => r.path.includes('/deploymentBase/'));
    const downloads = server.requests.slice(since).filter((r) => r.path.includes('/artifacts/'));
    // The box's own time of its `downloaded` feedback: the same clock, as it runs on this machine.
    const downloadedAt = action.feedback.find((f) => f.execution === 'downloaded')?.timestamp;
    if (!start || !asked || downloadedAt === undefined || downloads.length === 0 || rebootAt === undefined) throw new Error('the box skipped a step');
    return {
      total_s: seconds(rebootAt - asked.at),
      download_s: seconds(downloadedAt - asked.at),
      install_s: seconds(rebootAt - downloadedAt),
      cpu_s: (end.ticks - start.ticks) / TICKS_PER_S,
      rss_start_mb: mb(start.rss),
      rss_peak_mb: mb(end.peak),
      mb_received: mb(downloads.reduce((sum, r) => sum + bodyBytes(r, bundleBytes), 0)),
      artifactPath: (downloads[0] as RequestRecord).path,
    };
  } finally {
    box.kill('SIGTERM');
    await box.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The same artifact by curl with the box's certificate, then `rauc install` of the file. */
async function byHand(url: string, rauc: LabRauc, client: Identity, dir: string): Promise<BundleRun['baseline']> {
  const file = join(dir, 'curl.raucb');
  const before = performance.now();
  const { stdout } = await processRunner.run('curl', [
    '-sS', '--fail', '--cacert', client.ca, '--cert', client.cert, '--key', client.key, '-o', file, '-w', '%{size_download}', url,
  ], { timeoutMs: RUN_CAP_MS });
  const downloaded = performance.now();
  await processRunner.run('rauc', ['install', file], { env: rauc.env, timeoutMs: RUN_CAP_MS });
  const installed = performance.now();
  rmSync(file, { force: true });
  return { curl_s: seconds(downloaded - before), rauc_s: seconds(installed - downloaded), total_s: seconds(installed - before), mb_received: mb(Number(stdout)) };
}

export async function bundleRuns(pki: LabPki, dir: string, sizesMb: readonly number[]): Promise<BundleRun[]> {
  const signer = await createUpdateSigner(processRunner, join(dir, 'update-pki'), 'bench');
  const rauc = await LabRauc.start({ runner: processRunner, dir: join(dir, 'rauc'), keyring: signer.ca, compatible: COMPATIBLE, agentRunDir: boxRunDir(dir) });
  // The box names the server by its address, as it does once the tunnel's resolver answers.
  const mgmt = await pki.issue('mgmt-loopback', ['IP:127.0.0.1'], 'server');
  const issued = await pki.issue('bundle-box', [`DNS:${CONTROLLER_ID}`], 'client');
  const client = { ca: pki.ca.cert, ...issued };
  const server = new LabDdiServer({ origin: 'https://127.0.0.1', ca: readFileSync(pki.ca.cert), identity: { cert: readFileSync(mgmt.cert), key: readFileSync(mgmt.key) } });
  await server.listen(0, '127.0.0.1');
  server.origin = `https://127.0.0.1:${server.port}`;
  const runs: BundleRun[] = [];
  try {
    for (const sizeMb of sizesMb) {
      console.log(`bundles: making a ${sizeMb} MB bundle`);
      const file = await makeBundle(dir, sizeMb, signer);
      const bundleBytes = statSync(file).size;
      const bundleMb = mb(bundleBytes);
      // Assigned before the box starts: its first poll takes it, and no poll interval is timed.
      const action = server.state.assign({
        controllerId: CONTROLLER_ID, update: 'forced',
        chunks: [{ part: 'os', version: '2.0.0', name: 'tibox', artifacts: [{ filename: 'tibox.raucb', bytes: readFileSync(file) }] }],
      });
      rmSync(file);
      const { artifactPath, ...agent } = await throughTheBox(server, rauc, client, dir, action.id, bundleBytes);
      // Done with: the next bundle comes in an action of its own.
      action.state = 'finished';
      const baseline = await byHand(`${server.origin}${artifactPath}`, rauc, client, dir);
      const run = { bundle_mb: bundleMb, agent, baseline };
      console.log(`bundles: ${bundleMb} MB: box ${agent.total_s} s (download ${agent.download_s} s, install ${agent.install_s} s), curl + rauc ${baseline.total_s} s (${baseline.curl_s} + ${baseline.rauc_s}); box RSS ${agent.rss_start_mb} → peak ${agent.rss_peak_mb} MB, CPU ${agent.cpu_s} s`);
      runs.push(run);
    }
  } finally {
    await server.close();
    await rauc.stop();
  }
  return runs;
}
