// The fault catalogue, rerun: every fault the box must heal from by itself, one after the other on
// one lab with the agent, while a PVS host pings the connector every 10 ms and a capture on the
// practice router watches for TI packets in clear all through. Each fault must heal: traffic flows
// again within its bound and stays (no silence longer than a second in the watch after it), and
// the box's own account (status, health, its components) says what happened. Faults the
// integration tests show in short run here at full length: outages of 90, 120 and 165 s (past a
// gateway's DPD, which used to tear the tunnel down a second time a minute after the box had
// recovered) and a minute of both gateways dropping ESP (which used to start an IKE_SA every
// 2 s). `QUICK=1` shortens them for a quick look. Arguments name the faults to run; results go to
// bench/results/faults.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentStatus } from '../src/agent/status.ts';
import { Lab } from '../test/lab/lab.ts';
import { watchForLeaks } from '../test/lab/leakWatch.ts';
import { PLAN, type GatewayName } from '../test/lab/topology.ts';
import { ReachWatch } from './reach.ts';
import { silences } from './recovery.ts';

const QUICK = process.env.QUICK === '1';
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const TIBOX = join(REPO, 'bin', 'tibox');
/** After a fault has healed, traffic must keep flowing this long: a second gap would show here. */
const WATCH_AFTER_MS = QUICK ? 10_000 : 120_000;
/** A silence this long after recovery counts as a second gap. */
const SECOND_GAP_MS = 1_000;
const OUTAGES_S = QUICK ? [10] : [90, 120, 165];
const ESP_BLACKHOLE_S = QUICK ? 20 : 60;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  /** From the fault (or its end) until traffic flowed again, in s; null if it never did. */
  recovery_s: number | null;
  /** The bound the recovery must keep, in s. */
  bound_s: number;
  /** Silences longer than SECOND_GAP_MS in the watch after the recovery, in s. */
  later_gaps_s: number[];
  /** What else was checked, and whether it held. */
  checks: Record<string, boolean>;
  notes: string;
}

interface Fault {
  name: string;
  what: string;
  /** Injects the fault; resolves with the moment recovery is timed from, the bound, and checks made during it. */
  inject(lab: Lab): Promise<{ from: number; bound_s: number; checks?: Record<string, boolean>; notes?: string }>;
  /** Checks once the fault has healed. */
  after?(lab: Lab): Promise<{ checks: Record<string, boolean>; notes?: string }>;
}

/** The box as the faults look at it: its CLI, charon's log, its firewall table. */
class Box {
  private readonly lab: Lab;
  private readonly socket: string;
  /** A file that fills the data partition. */
  readonly filler: string;

  constructor(lab: Lab, socket: string, dataDir: string) {
    this.lab = lab;
    this.socket = socket;
    this.filler = join(dataDir, 'filler');
  }

  async status(): Promise<AgentStatus> {
    const { stdout } = await this.lab.exec(this.lab.names.box, TIBOX, ['--socket', this.socket, 'status', '--json'], 20_000);
    return JSON.parse(stdout) as AgentStatus;
  }

  async cli(args: string[]): Promise<string> {
    return (await this.lab.exec(this.lab.names.box, TIBOX, ['--socket', this.socket, ...args], 30_000)).stdout;
  }

  /** Lines the box's charon logged since `offset` (a length of its log). */
  charonLog(offset = 0): string {
    return readFileSync(this.lab.boxCharon?.log ?? '', 'utf8').slice(offset);
  }

  charonLogLength(): number {
    return this.charonLog().length;
  }

  async tableThere(): Promise<boolean> {
    return (await this.lab.exec(this.lab.names.box, 'nft', ['list', 'tables'])).stdout.includes('table inet tibox');
  }

}

function catalogue(box: Box): Fault[] {
  let killed: GatewayName | undefined;
  const outages = OUTAGES_S.map((seconds): Fault => ({
    name: `outage-${seconds}s`,
    what: `the practice's internet is gone for ${seconds} s`,
    async inject(lab) {
      await lab.cutWan('upstream', true);
      await sleep(seconds * 1000);
      await lab.cutWan('upstream', false);
      return { from: Date.now(), bound_s: 5 };
    },
  }));
  return [
    {
      name: 'firewall-flush',
      what: '`nft flush ruleset` in the box, as Debian\'s own nftables.conf does',
      async inject(lab) {
        const from = Date.now();
        await lab.exec(lab.names.box, 'nft', ['flush', 'ruleset']);
        while (!(await box.tableThere())) {
          if (Date.now() - from > 5_000) break;
          await sleep(20);
        }
        const restored = (Date.now() - from) / 1000;
        return { from, bound_s: 1, checks: { 'table back within 1 s': restored <= 1 }, notes: `table back after ${restored.toFixed(2)} s` };
      },
      async after() {
        const health = (await box.status()).health.map((w) => w.code);
        return { checks: { 'health says the table was changed from outside': health.includes('firewall.tableChanged') } };
      },
    },
    {
      name: `esp-blackhole-${ESP_BLACKHOLE_S}s`,
      what: `both gateways drop the box's ESP for ${ESP_BLACKHOLE_S} s while IKE still works`,
      async inject(lab) {
        const offset = box.charonLogLength();
        await lab.dropEsp('gw1', true);
        await lab.dropEsp('gw2', true);
        await sleep(ESP_BLACKHOLE_S * 1000);
        const attempts = box.charonLog(offset).match(/initiating IKE_SA/g)?.length ?? 0;
        await lab.dropEsp('gw1', false);
        await lab.dropEsp('gw2', false);
        // Backoff 1, 2, 4 … s per round over two gateways: a handful of attempts, not one every 2 s.
        const most = Math.ceil(Math.log2(ESP_BLACKHOLE_S)) * 2 + 2;
        return { from: Date.now(), bound_s: 330, checks: { [`at most ${most} IKE_SAs started`]: attempts <= most }, notes: `${attempts} IKE_SAs started in ${ESP_BLACKHOLE_S} s` };
      },
      async after() {
        const { tunnel } = await box.status();
        return { checks: { 'recovered: no next attempt, no last error': tunnel.state === 'up' && !tunnel.nextAttemptAt && !tunnel.lastError } };
      },
    },
    {
      name: 'tunnel-restart',
      what: '`tibox tunnel restart`',
      async inject(lab) {
        const before = await lab.boxSpis();
        const from = Date.now();
        await box.cli(['tunnel', 'restart']);
        const after = await lab.boxSpis();
        return { from, bound_s: 1, checks: { 'new SPIs': after.length === 2 && after.every((spi) => !before.includes(spi)) } };
      },
    },
    ...outages,
    {
      name: 'agent-killed-3x',
      what: 'the agent is killed three times (SIGKILL; its service starts it again)',
      async inject(lab) {
        const from = Date.now();
        for (let i = 0; i < 3; i++) {
          lab.killAgent();
          await sleep(3_000);
        }
        const dnsmasq = await lab.boxProcesses(/^dnsmasq /);
        const clients = await lab.boxProcesses(/^busybox udhcpc /);
        return {
          from, bound_s: 0,
          checks: { 'exactly one dnsmasq': dnsmasq.length === 1, 'exactly one practice-LAN DHCP client': clients.length === 1 },
          notes: `dnsmasq ${dnsmasq.join(' ') || 'none'}, DHCP client ${clients.join(' ') || 'none'}`,
        };
      },
    },
    {
      name: 'ipsec0-down',
      what: 'someone sets the tunnel device down',
      async inject(lab) {
        const from = Date.now();
        await lab.exec(lab.names.box, 'ip', ['link', 'set', 'ipsec0', 'down']);
        return { from, bound_s: 5 };
      },
    },
    {
      name: 'database-full',
      what: 'the data partition is full, then the gateway holding the tunnel dies',
      async inject(lab) {
        // dd stops when the partition is full: that is the point.
        await lab.exec(lab.names.box, 'sh', ['-c', `dd if=/dev/zero of=${box.filler} bs=1M 2>/dev/null; true`], 30_000);
        killed = (await box.status()).tunnel.gateway === PLAN.gw2.public ? 'gw2' : 'gw1';
        const from = Date.now();
        await lab.killGateway(killed);
        return { from, bound_s: 2, notes: `killed ${killed}` };
      },
      async after(lab) {
        const { health, tunnel } = await box.status();
        await lab.exec(lab.names.box, 'rm', ['-f', box.filler]);
        if (killed) await lab.reviveGateway(killed);
        return {
          checks: { 'health says the database is not writable': health.some((w) => w.code === 'database.notWritable'), 'tunnel up': tunnel.state === 'up' },
        };
      },
    },
    {
      name: 'dsl-reconnect',
      what: "the practice router's public address changes",
      async inject(lab) {
        const from = Date.now();
        await lab.changePublicAddress();
        return { from, bound_s: 5 };
      },
    },
  ];
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const lab = await Lab.create({ boxCharon: 'agent' });
  const results: Record<string, Outcome & { what: string }> = {};
  let leaks: string[] = [];
  try {
    await lab.ownDataPartition(32);
    const { socketPath, dataDir } = await lab.startAgent();
    await lab.importProfile();
    const box = new Box(lab, socketPath, dataDir);
    const reach = new ReachWatch(lab.names.pvs, PLAN.ti.connector, PLAN.tiSegment.pvs);
    await reach.steady(60_000);
    const watch = await watchForLeaks(lab, 'faults');
    try {
      for (const fault of catalogue(box).filter((f) => only.length === 0 || only.includes(f.name))) {
        await reach.steady(60_000);
        console.log(`${fault.name}: ${fault.what}`);
        const injected = await fault.inject(lab);
        const at = await reach.recovery(injected.from, Math.max(injected.bound_s * 1000, 10_000) + 120_000);
        const healedAt = at ?? Date.now();
        await sleep(WATCH_AFTER_MS);
        const later = silences(reach.replies(), healedAt + 100, Date.now(), SECOND_GAP_MS).map((ms) => ms / 1000);
        const after = (await fault.after?.(lab)) ?? { checks: {} };
        const outcome: Outcome = {
          recovery_s: at === undefined ? null : (at - injected.from) / 1000,
          bound_s: injected.bound_s,
          later_gaps_s: later,
          checks: { ...injected.checks, ...after.checks },
          notes: [injected.notes, after.notes].filter(Boolean).join('; '),
        };
        results[fault.name] = { what: fault.what, ...outcome };
        console.log(`  ${JSON.stringify(outcome)}`);
      }
    } finally {
      leaks = (await watch.stop()).leaks;
      reach.stop();
    }
  } finally {
    await lab.destroy();
  }
  const healed = (o: Outcome) => o.recovery_s !== null && o.recovery_s <= o.bound_s && o.later_gaps_s.length === 0 && Object.values(o.checks).every(Boolean);
  const out = join(REPO, 'bench', 'results', QUICK ? 'faults.quick.json' : 'faults.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ quick: QUICK, at: new Date().toISOString(), leaks: leaks.length, results }, null, 2)}\n`);
  console.log('\nfault                 healed  recovery  bound  later gaps  checks');
  for (const [name, o] of Object.entries(results)) {
    const checks = Object.entries(o.checks).map(([check, held]) => `${held ? 'ok' : 'FAILED'}: ${check}`).join(', ') || '-';
    console.log(`${name.padEnd(21)} ${(healed(o) ? 'yes' : 'NO').padEnd(7)} ${(o.recovery_s === null ? 'never' : `${o.recovery_s.toFixed(3)} s`).padEnd(9)} ${`${o.bound_s} s`.padEnd(6)} ${(o.later_gaps_s.map((s) => `${s.toFixed(1)} s`).join(' ') || 'none').padEnd(11)} ${checks}`);
  }
  console.log(`TI packets in clear at the router, all faults: ${leaks.length}`);
  console.log(`results: ${out}`);
  if (leaks.length > 0 || !Object.values(results).every(healed)) process.exitCode = 1;
}

await main();
