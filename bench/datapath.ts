// The data path benchmark, with 10, 100 and 1000 registered hosts:
// - apply time: from a changed desired state to `nft -f` and the TI routes done (the real path,
//   bench/datapathApply.ts, in a network namespace of its own), against the same steps for the
//   fail-closed baseline ruleset;
// - forwarding throughput: iperf3 from the lab's PVS host through the tunnel to the datacenter
//   core, with the ruleset for that many hosts loaded, each run paired with one with no tibox
//   table at all (the agent paused, the routes still into the tunnel);
// - the agent's resident memory and idle CPU with the most devices a profile's segment holds,
//   registered through the control API, next to a bare Node process of the same binary.
// - throughput at the MTUs of practice lines, both directions, next to the same link without
//   IPsec (bench/datapathMtu.ts).
// Results in bench/results/datapath.json. `QUICK=1` takes fewer and shorter runs, for
// development; arguments `apply`, `lab` or `mtu` run only that part.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlClient } from '../src/control/client.ts';
import type { AgentStatus } from '../src/agent/status.ts';
import { formatPrefix, parseIpv4, parsePrefix, prefixContains } from '../src/core/ipv4.ts';
import { processRunner, startProcess } from '../src/core/runner.ts';
import { NftLoader, renderRuleset, type RegisteredHost } from '../src/firewall/index.ts';
import type { Device } from '../src/lan/inventory/index.ts';
import { Lab } from '../test/lab/lab.ts';
import { PLAN } from '../test/lab/topology.ts';
import type { ApplyResults, ApplySample, ApplySpec } from './datapathApply.ts';
import { benchDesired, benchHosts, mostHosts, segmentFor } from './datapathDesired.ts';
import { MTU_NOTE, MTUS, mtuKey, mtuThroughput } from './datapathMtu.ts';
import { judge, judgeAgainstFullMtu, type Measurement } from './datapathTargets.ts';
import { receivedMbits } from './iperf.ts';
import { labSite } from './labSite.ts';
import { cpuPercent, readCpuTicks, readResidentBytes } from './procStats.ts';
import { median, spread, spreadRatio } from './stats.ts';
import { until } from './until.ts';

const QUICK = process.env.QUICK === '1';
const COUNTS: readonly number[] = [10, 100, 1000];
const APPLY = { runs: QUICK ? 3 : 20, warmup: QUICK ? 1 : 3 };
/** Each cycle: for each host count a run with its table and one without any. */
const THROUGHPUT_CYCLES = QUICK ? 1 : 12;
const IPERF_SECONDS = QUICK ? 2 : 5;
/** Runs per MTU and direction, each paired with one without IPsec. */
const MTU_RUNS = QUICK ? 1 : 3;
const IDLE = { windows: QUICK ? 1 : 3, seconds: 10, settleMs: QUICK ? 3_000 : 10_000 };
/** The widest segment a VPN profile may give (src/ipsec/profile/payload.ts): the most devices the agent can hold. */
const WIDEST_PROFILE_SEGMENT = '10.77.12.0/24';
const IPERF_PORT = 5201;

const HERE = dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (value: number) => Math.round(value * 1000) / 1000;

type Results = Record<string, Measurement & Record<string, unknown>>;

function entry(unit: string, tibox: readonly number[], baseline: readonly number[], extra: Record<string, unknown> = {}): Measurement & Record<string, unknown> {
  const t = spread(tibox);
  const b = spread(baseline);
  return { unit, ...extra, tibox: t, baseline: b, ratio: spreadRatio(t, b) };
}

// --- apply time ---------------------------------------------------------------------------

async function applyTimes(results: Results): Promise<void> {
  const ns = `tbdp-${randomBytes(3).toString('hex')}`;
  const ip = (...args: string[]) => processRunner.run('ip', ['-n', ns, ...args]);
  const site = labSite();
  await processRunner.run('ip', ['netns', 'add', ns]);
  try {
    // The box's ports as far as the ruleset and the routes need them: charon's TUN device and
    // the box's own TI address (the routes' source), a WAN with a default route.
    for (const args of [
      ['link', 'set', 'lo', 'up'],
      ['link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'wan0'],
      ['addr', 'add', `${PLAN.tiSegment.lanGateway}/${PLAN.tiSegment.len}`, 'dev', 'lan0'],
      ['addr', 'add', `${PLAN.boxWan.box}/24`, 'dev', 'wan0'],
      ['link', 'set', 'lan0', 'up'],
      ['link', 'set', 'wan0', 'up'],
      ['route', 'add', 'default', 'via', PLAN.boxWan.router, 'dev', 'wan0'],
      ['tuntap', 'add', 'ipsec0', 'mode', 'tun'],
      ['link', 'set', 'ipsec0', 'up'],
    ]) {
      await ip(...args);
    }
    const spec: ApplySpec = { counts: COUNTS, ...APPLY, source: PLAN.tiSegment.lanGateway };
    // On the agent's own runtime (bin/tibox-node --lean): the render runs as fast as it does in the agent.
    const { stdout } = await processRunner.run(join(HERE, '..', 'bin', 'tibox-node'), ['--lean', join(HERE, 'datapathApply.ts'), JSON.stringify(spec)], { netns: ns, timeoutMs: 30 * 60_000 });
    const samples = JSON.parse(stdout) as ApplyResults;
    const baseline = samples.baseline ?? [];
    const parts = (list: readonly ApplySample[]) => ({
      render_ms: round(median(list.map((s) => s.render_ms))),
      nft_ms: round(median(list.map((s) => s.nft_ms))),
      routes_ms: round(median(list.map((s) => s.routes_ms))),
    });
    for (const count of COUNTS) {
      const list = samples[String(count)] ?? [];
      results[`apply_${count}`] = entry('ms', list.map((s) => s.total_ms), baseline.map((s) => s.total_ms), {
        hosts: count,
        segment: formatPrefix(segmentFor(site, count)),
        parts: { tibox: parts(list), baseline: parts(baseline) },
      });
    }
  } finally {
    await processRunner.run('ip', ['netns', 'del', ns]).catch(() => undefined);
  }
}

// --- the lab: memory, idle CPU, throughput ------------------------------------------------

function asHost(device: Device): RegisteredHost {
  return { id: device.id, name: device.name, kind: device.kind, address: device.address, mac: device.mac, cetpPorts: device.cetpPorts };
}

/** The inventory gives the ids; a registration names none. */
function registrationOf({ name, kind, address, mac, cetpPorts }: RegisteredHost): Omit<RegisteredHost, 'id'> {
  return { name, kind, address, mac, cetpPorts };
}

class BenchLab {
  readonly lab: Lab;
  private readonly nft: NftLoader;
  private agentPid = 0;
  private client: ControlClient<AgentStatus> | undefined;

  constructor(lab: Lab) {
    this.lab = lab;
    this.nft = new NftLoader(processRunner, lab.names.box);
  }

  get pid(): number {
    return this.agentPid;
  }

  /** Starts the agent in the lab's box namespace, as its unit would; it may still be starting up. */
  async startAgent(): Promise<ControlClient<AgentStatus>> {
    const { agent, socketPath } = await this.lab.startAgent();
    this.agentPid = agent.pid ?? 0;
    this.client = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 10_000 });
    return this.client;
  }

  /** Waits until the tunnel carries the PVS host's traffic and the agent's own table holds the host with the `marker` MAC. */
  async agentSettled(marker: string): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('no agent');
    await until('the tunnel is up', 60_000, async () => (await client.status()).tunnel.state === 'up');
    await until('the PVS host reaches the core through the tunnel', 30_000, async () => {
      await this.lab.exec(this.lab.names.pvs, 'ping', ['-c', '1', '-W', '1', '-I', PLAN.tiSegment.pvs, PLAN.ti.service]);
      return true;
    });
    await until("the agent's ruleset is loaded", 60_000, async () => (await this.tiboxTable())?.includes(marker) ?? false);
  }

  tiboxTable(): Promise<string | undefined> {
    return this.nft.list('inet', 'tibox');
  }

  load(ruleset: string): Promise<void> {
    return this.nft.load(ruleset);
  }

  async deleteTable(): Promise<void> {
    await this.lab.exec(this.lab.names.box, 'nft', ['delete', 'table', 'inet', 'tibox']);
  }

  /** One iperf3 run from the PVS host's TI address to the server in the core, in Mbit/s. */
  async iperf(): Promise<number> {
    const { stdout } = await this.lab.exec(this.lab.names.pvs, 'iperf3', [
      '-c', PLAN.ti.service, '-p', String(IPERF_PORT), '-B', PLAN.tiSegment.pvs, '-t', String(IPERF_SECONDS), '-O', '1', '-J',
    ], (IPERF_SECONDS + 20) * 1000);
    return receivedMbits(stdout);
  }
}

/** RSS (MB) and CPU (% of one core) of the agent and of a bare Node process, over idle windows. */
async function idleFigures(bench: BenchLab, devices: number, fewer: { devices: number; rss_mb: number }, results: Results): Promise<void> {
  const bare = startProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  try {
    const ticksPerSecond = Number((await processRunner.run('getconf', ['CLK_TCK'])).stdout.trim());
    await sleep(IDLE.settleMs);
    const rss = { agent: [] as number[], bare: [] as number[] };
    const cpu = { agent: [] as number[], bare: [] as number[] };
    for (let w = 0; w < IDLE.windows; w++) {
      const before = { agent: readCpuTicks(bench.pid), bare: readCpuTicks(bare.pid), at: performance.now() };
      await sleep(IDLE.seconds * 1000);
      const seconds = (performance.now() - before.at) / 1000;
      cpu.agent.push(cpuPercent(readCpuTicks(bench.pid) - before.agent, ticksPerSecond, seconds));
      cpu.bare.push(cpuPercent(readCpuTicks(bare.pid) - before.bare, ticksPerSecond, seconds));
      rss.agent.push(readResidentBytes(bench.pid) / 1e6);
      rss.bare.push(readResidentBytes(bare.pid) / 1e6);
      console.log(`idle window ${w + 1}/${IDLE.windows}: agent ${rss.agent.at(-1)?.toFixed(1)} MB ${cpu.agent.at(-1)?.toFixed(2)} %, bare node ${rss.bare.at(-1)?.toFixed(1)} MB ${cpu.bare.at(-1)?.toFixed(2)} %`);
    }
    results.agent_rss = entry('MB', rss.agent, rss.bare, { devices, with_fewer_devices: fewer });
    results.agent_idle_cpu = entry('% of one core', cpu.agent, cpu.bare, { devices, window_s: IDLE.seconds });
  } finally {
    bare.kill('SIGKILL');
  }
}

/**
 * Throughput with each host count's table against no tibox table at all. The runs come in pairs,
 * one with the table and one without, the host counts rotating from cycle to cycle, so that the
 * machine's other load falls on both sides alike. The agent is paused (SIGSTOP) for all of them:
 * it could not load its table again, and neither side pays for its probes; the tunnel stays, as
 * charon keeps it on its own.
 */
async function throughput(bench: BenchLab, pinned: readonly RegisteredHost[], practiceLan: readonly string[], results: Results): Promise<void> {
  const { lab } = bench;
  const site = labSite(pinned, practiceLan);
  const tables = new Map(COUNTS.map((count) => [count, renderRuleset(benchDesired(site, count))]));
  const server = startProcess('iperf3', ['-s', '-B', PLAN.ti.service, '-p', String(IPERF_PORT)], { netns: lab.names.core });
  const tibox = new Map<number, number[]>(COUNTS.map((c) => [c, []]));
  const none: number[] = [];
  process.kill(bench.pid, 'SIGSTOP');
  try {
    await until('iperf3 listens', 10_000, async () => (await lab.exec(lab.names.core, 'ss', ['-Hltn', 'sport', '=', `:${IPERF_PORT}`])).stdout.trim() !== '');
    for (let cycle = 0; cycle < THROUGHPUT_CYCLES; cycle++) {
      const order = COUNTS.map((_, i) => COUNTS[(i + cycle) % COUNTS.length] as number);
      for (const count of order) {
        await bench.load(tables.get(count) as string);
        const withTable = await bench.iperf();
        tibox.get(count)?.push(withTable);
        await bench.deleteTable();
        const without = await bench.iperf();
        none.push(without);
        console.log(`throughput cycle ${cycle + 1}/${THROUGHPUT_CYCLES}, ${count} hosts: ${withTable} Mbit/s, no tibox table: ${without} Mbit/s`);
      }
    }
  } finally {
    process.kill(bench.pid, 'SIGCONT');
    server.kill('SIGKILL');
  }
  for (const count of COUNTS) {
    const runs = tibox.get(count) ?? [];
    // Each run as measured, in order: on a busy machine the scatter says how far the medians can be trusted.
    results[`throughput_${count}`] = entry('Mbit/s', runs, none, { hosts: count, segment: formatPrefix(segmentFor(site, count)), values: { tibox: runs, baseline: none } });
  }
}

async function labPart(results: Results): Promise<void> {
  const lab = await Lab.create({ boxCharon: 'agent' });
  console.log(`lab ${lab.names.id}`);
  try {
    const bench = new BenchLab(lab);
    const client = await bench.startAgent();
    await lab.importProfile({ file: await lab.issueProfileVariant('bench-widest', { tiSegment: WIDEST_PROFILE_SEGMENT }) });
    // The lab registered its PVS host and terminal; the rest of the segment is filled through the control API.
    const pinned = ((await client.action('devices.list')) as Device[]).map(asHost);
    const segment = parsePrefix(WIDEST_PROFILE_SEGMENT);
    if (!segment || !pinned[0]) throw new Error('the lab registered no devices');
    // What the devices add: the agent's memory with the lab's own two only, for comparison.
    await bench.agentSettled(pinned[0].mac);
    await sleep(IDLE.settleMs);
    const before = { devices: pinned.length, rss_mb: round(readResidentBytes(bench.pid) / 1e6) };
    const hosts = benchHosts(mostHosts(segment, pinned), segment, pinned);
    for (const host of hosts.slice(pinned.length)) await client.action('devices.register', registrationOf(host));
    console.log(`registered ${hosts.length} devices`);
    await bench.agentSettled(hosts.at(-1)?.mac as string);
    await idleFigures(bench, hosts.length, before, results);

    const lan0 = JSON.parse((await lab.exec(lab.names.box, 'ip', ['-j', '-4', 'addr', 'show', 'lan0'])).stdout) as { addr_info: { local: string }[] }[];
    // As the agent takes them: the LAN port's addresses outside the TI segment, the fixed fallback among them.
    const onLan0 = (lan0[0]?.addr_info ?? []).map((a) => a.local).filter((a) => !prefixContains(segment, parseIpv4(a) ?? -1));
    const practiceLan = [...new Set([PLAN.practiceLan.box, ...onLan0])];
    await throughput(bench, pinned, practiceLan, results);
  } finally {
    await lab.destroy();
  }
}

const NOTES = {
  apply: "apply time: in a network namespace of the benchmark; each timed apply follows an untimed one of the other variant, so it changes one host of the ruleset and the TI routes' path (tunnel <-> unreachable): renderRuleset with validation, nft -c and nft -f through the runner, then TiRoutes.apply over rtnetlink. The desired states are built for the firewall directly (segments /26, /25 and /22), since a profile gives /24 to /28 only.",
  throughput: "throughput: runs in pairs, each host count's ruleset (the lab's registered PVS host and terminal among them, with their real MACs) loaded through NftLoader, then the tibox table deleted (so no MSS clamping either); the host counts rotate from cycle to cycle. The agent is paused (SIGSTOP) for all runs, so neither side pays for its probes and it cannot load its table again; the tunnel and the routes stay. iperf3 over TCP, its first second omitted; libipsec encrypts in userspace, so the ratio matters, not the absolute numbers.",
  idle: (devices: unknown) => `memory and idle CPU: the agent with ${String(devices)} devices registered through the control API under a /24 profile, the widest a profile may give; 1000 devices cannot be registered under any profile the agent accepts. MB are 10^6 bytes of VmRSS. CPU is the agent process alone (its ping probes are processes of their own); the bare process is \`node -e "setInterval(() => {}, 1000)"\` of the same binary.`,
  machine: 'other processes on the machine were not stopped: machine.loadavg shows how busy it was.',
};

function notes(results: Results): string[] {
  const devices = results.agent_rss?.devices;
  return [
    ...(results.apply_10 ? [NOTES.apply] : []),
    ...(results.throughput_10 ? [NOTES.throughput] : []),
    ...(results[mtuKey(1500, 'up')] ? [MTU_NOTE] : []),
    ...(devices === undefined ? [] : [NOTES.idle(devices)]),
    NOTES.machine,
  ];
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const parts = (['apply', 'lab', 'mtu'] as const).filter((p) => only.length === 0 || only.includes(p));
  const loadBefore = loadavg();
  const results: Results = {};
  if (parts.includes('apply')) await applyTimes(results);
  if (parts.includes('lab')) await labPart(results);
  if (parts.includes('mtu')) await mtuThroughput(results, { runs: MTU_RUNS, seconds: IPERF_SECONDS });
  const targets = [...judge(results), ...judgeAgainstFullMtu(results, MTUS, mtuKey)];
  // A quick look never replaces the full results.
  const out = join(HERE, 'results', QUICK ? 'datapath.quick.json' : 'datapath.json');
  mkdirSync(dirname(out), { recursive: true });
  const machine = { cpus: cpus().length, loadavg: { before: loadBefore, after: loadavg() }, node: process.version };
  writeFileSync(out, `${JSON.stringify({ quick: QUICK, at: new Date().toISOString(), machine, notes: notes(results), results, targets }, null, 2)}\n`);

  const cell = (s: { median: number; min: number; max: number }) => `${s.median} [${s.min}..${s.max}]`;
  console.log(`\n${'measurement'.padEnd(18)} ${'unit'.padEnd(14)} ${'tibox median [min..max]'.padEnd(28)} ${'baseline median [min..max]'.padEnd(28)} ratio`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(18)} ${r.unit.padEnd(14)} ${cell(r.tibox).padEnd(28)} ${cell(r.baseline).padEnd(28)} ${r.ratio ?? '-'}`);
  }
  console.log('');
  for (const t of targets) console.log(`target ${t.measurement} ${t.want}: ${t.value ?? '-'} ${t.met ? 'met' : 'NOT met'}`);
  console.log(`results: ${out}`);
}

await main();
