// The tunnel controller against a fake charon, fake routes and fake pings, in fake time: each
// scenario drives the probes' replies by hand and compares what charon was told, which way the
// routes point and which pings run, as text. The decisions themselves are tabled in
// plan.test.ts; these scenarios check that the controller carries them out, in time.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Health, type HealthWarning } from '../../../../src/core/health.ts';
import { TunnelController } from '../../../../src/ipsec/tunnel/controller.ts';
import { viciMessage } from '../../../../src/ipsec/vici/index.ts';
import { AUTH_FAILED, FakeCharon, TIMEOUT } from './fakeCharon.ts';
import { FakeProcesses, FakeRoutes, MemoryHistory, MemoryResume, memoryLog } from './fakeOs.ts';
import { GW0, GW1, LOCAL_TI, PROBE, PROFILE } from './profile.ts';

const NOW = new Date('2025-05-02T08:00:00.000Z');
const TUNNEL = `tunnel via ipsec0 src ${LOCAL_TI}`;
const FLOW_PING = `ping ${PROBE} from ${LOCAL_TI} every 0.050`;
const WAN_PINGS = [`ping ${GW1} every 0.400`, `ping ${GW0} every 0.400`];
const LOAD = ['clear-creds', 'load-key any', 'load-cert X509 NONE', 'load-cert X509 CA', 'load-cert X509 CA', 'get-conns', 'load-conn tibox-gw0', 'load-conn tibox-gw1'];

type World = Awaited<ReturnType<typeof world>>;
const warningText = (w: HealthWarning) => (w.detail === undefined ? w.code : `${w.code}: ${w.detail}`);
let current: World | undefined;

async function world() {
  vi.useFakeTimers({ now: NOW });
  const charon = new FakeCharon();
  const routes = new FakeRoutes();
  const procs = new FakeProcesses();
  const history = new MemoryHistory();
  const resume = new MemoryResume();
  /** Whether the management endpoint answers a knock, and which knocks were made. */
  const management = { answers: false, knocks: [] as string[] };
  /** Each change of the health list, as warnings() shows it. */
  const healthChanges: string[][] = [];
  const health = new Health((warnings) => healthChanges.push(warnings.map(warningText)));
  const { log, lines } = memoryLog();
  const controller = new TunnelController({
    vici: charon,
    routes,
    tunnelPath: (p) => ({ kind: 'libipsec', dev: 'ipsec0', src: p.localTiAddress }),
    startProcess: procs.start,
    history,
    health,
    resume,
    knock: async (address, port) => {
      management.knocks.push(`${address}:${port}`);
      return management.answers;
    },
    log,
    random: () => 0.5,
  });
  const w = {
    charon, routes, procs, history, resume, management, controller, logLines: lines,
    /** The health warnings raised, as `code: detail`. */
    warnings: () => health.list().map(warningText),
    healthChanges,
    /**
     * Lets time pass in steps, with the flow probe's and/or the WAN probe's echoes answered; `flow`
     * may be asked afresh at each step (echoes only through some SAs).
     */
    async run(ms: number, answer: { flow?: boolean | (() => boolean); wan?: boolean } = {}, stepMs = 50) {
      for (let t = 0; t < ms; t += stepMs) {
        if (answer.wan) for (const gw of PROFILE.gateways) procs.reply(gw);
        // The practice sends into the tunnel all the time; with `flow` its answers come back, and the probe's echoes.
        const flows = typeof answer.flow === 'function' ? answer.flow() : answer.flow === true;
        charon.carry(flows);
        if (flows) procs.reply(PROBE);
        await vi.advanceTimersByTimeAsync(Math.min(stepMs, ms - t));
      }
    },
    /** Runs pending passes without letting time pass. */
    settle: () => vi.advanceTimersByTimeAsync(0),
    state: () => controller.tunnelStatus().state,
  };
  current = w;
  await controller.start(new AbortController().signal);
  return w;
}

/** Cold start to a tunnel on gw0 that passes traffic. */
async function up(): Promise<World> {
  const w = await world();
  await w.controller.apply({ profile: PROFILE });
  await w.run(100, { flow: true });
  expect(w.state()).toBe('up');
  return w;
}

afterEach(async () => {
  // stop() waits for the pass under way, which may wait for an initiate to time out.
  const stopping = current?.controller.stop();
  await vi.advanceTimersByTimeAsync(10_000);
  await stopping;
  // No pass may have failed unseen.
  expect(current?.logLines.filter((l) => l.level >= 50) ?? []).toEqual([]);
  current = undefined;
  vi.useRealTimers();
});

describe('TunnelController', () => {
  it('a) cold start: loads credentials and both connections, initiates gw0, routes into the tunnel, up on the first echo', async () => {
    const { charon, routes, procs, history, controller, settle, state } = await world();
    await controller.apply({ profile: PROFILE });
    expect(charon.transcript).toEqual([...LOAD, 'initiate tibox-gw0']);
    expect(charon.dump()).toBe(['conn tibox-gw0 198.51.100.10', 'conn tibox-gw1 192.0.2.10', 'sa 1 tibox-gw0 198.51.100.10 ESTABLISHED ti INSTALLED'].join('\n'));
    expect(charon.creds).toEqual(['key any', 'cert NONE BOX-CERT', 'cert CA CA-ROOT', 'cert CA CA-SUB']);
    expect(routes.changes()).toEqual(['unreachable', TUNNEL]);
    expect(routes.prefixes).toEqual(['100.64.0.0/10', '100.102.0.0/15']);
    // The WAN probe's pings go at their own moments: gw1's half an interval after gw0's.
    expect(procs.running()).toEqual([FLOW_PING, `ping ${GW0} every 0.400`].sort());
    await vi.advanceTimersByTimeAsync(200);
    expect(procs.running()).toEqual([FLOW_PING, ...WAN_PINGS].sort());
    expect(state()).toBe('connecting');

    expect(procs.reply(PROBE)).toBe(1);
    await settle();
    expect(state()).toBe('up');
    // The probe has its answer: from here the tunnel's own traffic judges it.
    expect(procs.running()).toEqual([]);
    const status = controller.tunnelStatus();
    expect(status).toMatchObject({ state: 'up', gateway: GW0, traffic: { bytesIn: 1200, bytesOut: 3400, packetsIn: 12, packetsOut: 34 } });
    expect(status.lastError).toBeUndefined();
    expect(status.nextAttemptAt).toBeUndefined();
    expect(history.lines()).toEqual([`connecting ${GW0}`, `up ${GW0}`]);
    expect(status.history.map((e) => e.state)).toEqual(['up', 'connecting']);
    expect(controller.status()).toMatchObject({ name: 'tunnel', state: 'running', detail: 'up' });
  });

  it('a repeated apply with the same profile loads nothing again', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    await w.controller.apply({ profile: PROFILE });
    await w.run(3_000, { flow: true });
    expect(w.charon.transcript.slice(mark)).toEqual([]);
  });

  it('b) a stall while the WAN is up: make-before-break to the other gateway', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    const routesMark = w.routes.applied.length;
    await w.run(300); // no echoes: the tunnel stalls
    expect(w.charon.calls('initiate', mark)).toEqual([]);
    expect(w.procs.reply(GW0)).toBe(1); // the WAN probe reaches a gateway
    await w.settle();
    expect(w.charon.transcript.slice(mark)).toEqual(['initiate tibox-gw1', 'terminate 1']);
    await w.run(100, { flow: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW1 });
    expect(w.charon.saList()).toEqual(['2 tibox-gw1']);
    expect(new Set(w.routes.applied.slice(routesMark))).toEqual(new Set([TUNNEL]));
    expect(w.history.lines().slice(-2)).toEqual([`connecting ${GW1}`, `up ${GW1}`]);
    expect(w.history.events.at(-2)?.reason).toBe('tunnel not passing traffic');
  });

  it('b2) replacements that never carry traffic count as failed attempts and back off', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    await w.run(300); // the datacenter passes nothing any more, though IKE and ping work
    w.procs.reply(GW0);
    await w.settle();
    expect(w.charon.calls('initiate', mark)).toEqual(['initiate tibox-gw1']);
    // The new SA stalls too: the second gateway of the first round is tried at once ...
    await w.run(260);
    w.procs.reply(GW1);
    await w.settle();
    expect(w.charon.calls('initiate', mark)).toEqual(['initiate tibox-gw1', 'initiate tibox-gw0']);
    // ... and after that the round is over: the next replacement waits (1 s with this jitter).
    await w.run(260);
    w.procs.reply(GW0);
    await w.settle();
    expect(w.state()).toBe('backoff');
    expect(w.controller.tunnelStatus().lastError?.reason).toBe('tunnel not passing traffic');
    expect(w.charon.calls('initiate', mark)).toHaveLength(2);
    w.procs.reply(GW0);
    await w.run(1_000);
    expect(w.charon.calls('initiate', mark)).toEqual(['initiate tibox-gw1', 'initiate tibox-gw0', 'initiate tibox-gw1']);
  });

  it('b3) a minute in which both gateways accept IKE but carry nothing: one failure per attempt, rounds back off, then it heals by itself', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    const stalledAt = Date.now();
    // The datacenter drops our ESP: the gateways answer ping and IKE, no SA carries an echo.
    await w.run(60_000, { wan: true });
    const starts = w.charon.times('initiate', mark).map((t) => t - stalledAt);
    // The repair and the other gateway at once, then rounds of two after waits of 1, 2, 4, 8 and
    // 16 s; the next wait, 32 s, ends past the minute (1 + 2 + 4 + 8 + 16 + 32 = 63 s): at most
    // 2 + 5 × 2 = 12 (this test's jitter is none). Each SA takes 250 ms to show it carries nothing
    // (the first 150 ms from the last reading of its counters that showed traffic coming back).
    expect(starts.length).toBeLessThanOrEqual(12);
    expect(starts).toEqual([150, 400, 1_650, 1_900, 4_150, 4_400, 8_650, 8_900, 17_150, 17_400, 33_650, 33_900]);
    const waiting = w.controller.tunnelStatus();
    expect(waiting).toMatchObject({ state: 'backoff', lastError: { reason: 'tunnel not passing traffic' } });
    const next = Date.parse(waiting.nextAttemptAt ?? '');
    expect(next - stalledAt).toBe(33_900 + 250 + 32_000);

    // The fault ends, and the gateways have lost what was made during it: only a fresh SA carries.
    const healed = w.charon.transcript.length;
    const lastOfFault = Math.max(...w.charon.saList().map((line) => Number(line.split(' ')[0])));
    const fresh = () => w.charon.saList().some((line) => Number(line.split(' ')[0]) > lastOfFault);
    await w.run(next - Date.now() + 1_000, { wan: true, flow: fresh });
    // The next attempt goes when the status said, to the gateway after the last one, and carries.
    expect(w.charon.times('initiate', healed)).toEqual([next]);
    expect(w.charon.calls('initiate', healed)).toEqual(['initiate tibox-gw1']);
    const status = w.controller.tunnelStatus();
    expect(status).toMatchObject({ state: 'up', gateway: GW1 });
    expect([status.nextAttemptAt, status.lastError]).toEqual([undefined, undefined]);
  });

  it('b3) an SA that carries again while the backoff waits: up at once, and the status no longer shows the wait or the error', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    await w.run(3_000, { wan: true }); // two rounds of SAs that carry nothing, then a 2 s wait
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'backoff', nextAttemptAt: expect.any(String), lastError: expect.anything() });
    await w.run(100, { wan: true, flow: true });
    const status = w.controller.tunnelStatus();
    expect(status.state).toBe('up');
    expect([status.nextAttemptAt, status.lastError]).toEqual([undefined, undefined]);
    expect(w.charon.calls('initiate', mark)).toHaveLength(4);
  });

  it('b4) 20 s in which every echo through the tunnel fails (its device is down: ENETDOWN) and the WAN answers: no more attempts than the backoff allows', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    const downAt = Date.now();
    for (let t = 0; t < 20_000; t += 50) {
      // ping says "sendmsg: Network is down" and gives up; the probe starts it again.
      w.procs.exit(PROBE, 1);
      await w.run(50, { wan: true });
    }
    const starts = w.charon.times('initiate', mark).map((at) => at - downAt);
    // As for any SA that carries nothing: the repair and the other gateway at once, then rounds
    // of two after waits of 1, 2, 4 and 8 s; the next round (after 16 s) is past the 20 s.
    expect(starts).toEqual([150, 400, 1_650, 1_900, 4_150, 4_400, 8_650, 8_900, 17_150, 17_400]);
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'backoff', lastError: { reason: 'tunnel not passing traffic' } });
    // Each replaced SA went: only the newest is left.
    expect(w.charon.saList()).toHaveLength(1);
  });

  it('c0) a WAN answer from before the stall is no evidence: an outage right after coming up repairs nothing', async () => {
    const w = await world();
    await w.controller.apply({ profile: PROFILE });
    w.procs.reply(GW0); // the WAN probe of the first connect answers ...
    await w.run(100, { flow: true });
    expect(w.state()).toBe('up');
    const mark = w.charon.transcript.length;
    await w.run(1_000); // ... and half a second later the line goes down: no echo, no WAN answer
    expect(w.charon.calls('initiate', mark)).toEqual([]);
    expect(w.state()).toBe('wan-down');
  });

  it('c) a stall while the WAN is down tears nothing down; the tunnel that survived is up again without an initiate', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    // The stall shows after 250 ms; the WAN probe then gets half a second to answer.
    await w.run(300);
    expect(w.state()).toBe('up');
    await w.run(500);
    expect(w.state()).toBe('wan-down');
    expect(w.procs.running()).toEqual([FLOW_PING, ...WAN_PINGS].sort());
    await w.run(10_000);
    w.procs.exit(GW0); // ping gives up while there is no route: the probe starts it again
    await w.run(10_000);
    expect(w.procs.running()).toEqual([FLOW_PING, ...WAN_PINGS].sort());
    expect(w.state()).toBe('wan-down');
    expect(w.charon.transcript.slice(mark)).toEqual([]);
    expect(w.routes.current).toBe(TUNNEL);

    w.procs.reply(GW1);
    await w.run(40);
    await w.run(300, { flow: true, wan: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW0 });
    expect(w.charon.transcript.slice(mark)).toEqual([]);
    expect(w.charon.saList()).toEqual(['1 tibox-gw0']);
  });

  it('d) after an outage a tunnel that does not carry again is replaced within three flow intervals', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    await w.run(20_000);
    expect(w.charon.transcript.slice(mark)).toEqual([]);
    const back = Date.now();
    let waited = 0;
    while (w.charon.calls('initiate', mark).length === 0 && waited < 1_000) {
      await w.run(10, { wan: true }, 10);
      waited += 10;
    }
    expect(waited).toBeGreaterThanOrEqual(3 * 50);
    expect(waited).toBeLessThanOrEqual(3 * 50 + 20);
    expect(w.charon.times('initiate', mark)[0]).toBeLessThanOrEqual(back + 3 * 50 + 20);
    expect(w.charon.transcript.slice(mark)).toEqual(['initiate tibox-gw1', 'terminate 1']);
    await w.run(100, { flow: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW1 });
  });

  it('d2) after a long outage (over a minute and a half) the stalled tunnel is replaced as soon as the WAN answers', async () => {
    const w = await up();
    // The attempts the controller makes anyway every 30 s go unanswered while the line is down.
    w.charon.outcomes.set(GW0, TIMEOUT).set(GW1, TIMEOUT);
    await w.run(95_000);
    expect(w.state()).toBe('wan-down');
    w.charon.outcomes.clear();
    const mark = w.charon.transcript.length;
    w.procs.reply(GW0);
    await w.settle();
    expect(w.charon.calls('initiate', mark)).toHaveLength(1);
    await w.run(100, { flow: true, wan: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up' });
    expect(w.charon.saList()).toHaveLength(1);
  });

  it('d3) after a long outage the old SA\'s echo may come back before the WAN answers: it is replaced make-before-break all the same', async () => {
    const w = await up();
    w.charon.outcomes.set(GW0, TIMEOUT).set(GW1, TIMEOUT);
    await w.run(120_000);
    expect(w.state()).toBe('wan-down');
    w.charon.outcomes.clear();
    const mark = w.charon.transcript.length;
    const routesMark = w.routes.applied.length;
    // The gateway's DPD, begun 10 s into the outage, sent its last retransmission into it and will
    // delete this SA 55 s from now, though it still carries for the moment.
    w.procs.reply(PROBE);
    await w.settle();
    expect(w.charon.transcript.slice(mark)).toEqual([expect.stringMatching(/^initiate /), 'terminate 1']);
    await w.run(100, { flow: true, wan: true });
    expect(w.state()).toBe('up');
    expect(w.charon.saList()).toEqual([expect.not.stringMatching(/^1 /)]);
    // The old SA carried until the new one was up: the routes led into the tunnel throughout.
    expect(new Set(w.routes.applied.slice(routesMark))).toEqual(new Set([TUNNEL]));
    expect(w.history.events.at(-2)).toMatchObject({ state: 'connecting', reason: 'outage longer than a gateway\'s DPD survives' });
  });

  it('d3) a replacement after a long outage that the gateway refuses is tried once: the old SA carries on meanwhile', async () => {
    const w = await up();
    w.charon.outcomes.set(GW0, TIMEOUT).set(GW1, TIMEOUT);
    await w.run(120_000);
    w.charon.outcomes.set(GW0, AUTH_FAILED).set(GW1, AUTH_FAILED);
    const mark = w.charon.transcript.length;
    await w.run(5_000, { flow: true, wan: true });
    expect(w.charon.calls('initiate', mark)).toHaveLength(1);
    expect(w.charon.calls('terminate', mark)).toEqual([]);
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW0 });
  });

  it('d3) an outage under a minute and a half whose echo comes back first keeps the SA: nothing is rebuilt', async () => {
    const w = await up();
    w.charon.outcomes.set(GW0, TIMEOUT).set(GW1, TIMEOUT);
    await w.run(85_000);
    expect(w.state()).toBe('wan-down');
    w.charon.outcomes.clear();
    const mark = w.charon.transcript.length;
    w.procs.reply(PROBE);
    await w.settle();
    await w.run(100, { flow: true, wan: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW0 });
    expect(w.charon.transcript.slice(mark)).toEqual([]);
    expect(w.charon.saList()).toEqual(['1 tibox-gw0']);
  });

  it('d3) after an outage the gateway\'s DPD did not survive no echo comes: the first answer of any kind (here a knock) replaces the SA at once', async () => {
    const w = await up();
    w.controller.setManagementEndpoint({ address: '203.0.113.80', port: 443 });
    w.charon.outcomes.set(GW0, TIMEOUT).set(GW1, TIMEOUT);
    // Past 10 s (dpd_delay) + 165 s (DPD's retransmissions): the gateway has deleted the SA.
    await w.run(200_000);
    expect(w.state()).toBe('wan-down');
    w.charon.outcomes.clear();
    const mark = w.charon.transcript.length;
    const knocks = w.management.knocks.length;
    w.management.answers = true;
    for (let t = 0; t < 2_000 && w.charon.calls('initiate', mark).length === 0; t += 10) await w.run(10, {}, 10);
    // No wait for an echo that cannot come: the knock that answered first brought the repair.
    expect(w.management.knocks.length).toBe(knocks + 1);
    expect(w.charon.transcript.slice(mark)).toEqual([expect.stringMatching(/^initiate /), 'terminate 1']);
    await w.run(100, { flow: true });
    expect(w.state()).toBe('up');
  });

  it('e) refused attempts while the WAN is up: one round at once, then growing waits', async () => {
    const w = await world();
    w.charon.outcomes.set(GW0, AUTH_FAILED).set(GW1, AUTH_FAILED);
    await w.controller.apply({ profile: PROFILE });
    w.procs.reply(GW0);
    await w.settle();
    expect(w.charon.calls('initiate')).toEqual(['initiate tibox-gw0', 'initiate tibox-gw1']);
    const status = w.controller.tunnelStatus();
    expect(status.state).toBe('backoff');
    expect(status.lastError).toMatchObject({ reason: 'authentication failed', detail: expect.stringContaining(GW1) });
    expect(status.nextAttemptAt).toBe(new Date(NOW.getTime() + 1_000).toISOString());
    expect(w.routes.changes()).toEqual(['unreachable']);

    await w.run(999, { wan: true });
    expect(w.charon.calls('initiate')).toHaveLength(2);
    await w.run(1, { wan: true });
    await w.run(1, { wan: true }); // the second of a round follows the first by a 0 ms timer
    expect(w.charon.calls('initiate')).toEqual(['initiate tibox-gw0', 'initiate tibox-gw1', 'initiate tibox-gw0', 'initiate tibox-gw1']);
    expect(w.controller.tunnelStatus().nextAttemptAt).toBe(new Date(NOW.getTime() + 1_001 + 2_000).toISOString());

    await w.run(10_000, { wan: true });
    const starts = w.charon.times('initiate').map((t) => t - NOW.getTime());
    // Rounds at 0, then 1 s, 2 s and 4 s after the previous round failed (a round takes 1 ms here).
    expect(starts).toEqual([0, 0, 1_000, 1_001, 3_001, 3_002, 7_002, 7_003]);
    expect(w.controller.tunnelStatus().nextAttemptAt).toBe(new Date(NOW.getTime() + 7_003 + 8_000).toISOString());
    expect(w.charon.saList()).toEqual([]);
    expect(w.state()).toBe('backoff');
  });

  it('f) attempts that time out while the WAN is down do not count; when the WAN is back the next attempt follows at once', async () => {
    const w = await world();
    w.charon.outcomes.set(GW0, TIMEOUT).set(GW1, TIMEOUT);
    // apply() resolves with the pass, which waits for the first attempt to time out.
    const applying = w.controller.apply({ profile: PROFILE });
    await w.run(19_000);
    const gaps = w.charon.times('initiate').map((t, i, all) => t - (all[i - 1] ?? NOW.getTime()));
    expect(gaps).toEqual([0, 3_000, 3_000, 3_000, 3_000, 3_000, 3_000]);
    expect(w.charon.calls('initiate').slice(0, 3)).toEqual(['initiate tibox-gw0', 'initiate tibox-gw1', 'initiate tibox-gw0']);
    // Each half-open IKE_SA charon keeps after the timeout is deleted.
    expect(w.charon.calls('terminate')).toEqual(['terminate 1', 'terminate 2', 'terminate 3', 'terminate 4', 'terminate 5', 'terminate 6']);
    expect(w.controller.tunnelStatus().lastError?.reason).toBe('gateway unreachable');
    expect(w.controller.tunnelStatus().nextAttemptAt).toBeUndefined();

    // The WAN is back during the seventh attempt (18 s … 21 s), which still times out.
    w.charon.outcomes.clear();
    const mark = w.charon.transcript.length;
    await w.run(2_000, { wan: true });
    expect(w.charon.transcript.slice(mark)).toEqual(['terminate 7', 'initiate tibox-gw1']);
    expect(w.charon.times('initiate', mark)).toEqual([NOW.getTime() + 21_000]);
    await w.run(100, { flow: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW1 });
    await applying;
  });

  it('f) the same timeouts while the WAN is up do count: a wait after the round', async () => {
    const w = await world();
    w.charon.outcomes.set(GW0, TIMEOUT).set(GW1, TIMEOUT);
    // apply() resolves with the pass, which waits for the first attempt to time out.
    const applying = w.controller.apply({ profile: PROFILE });
    await w.run(6_000, { wan: true });
    expect(w.charon.times('initiate').map((t) => t - NOW.getTime())).toEqual([0, 3_000]);
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'backoff', nextAttemptAt: new Date(NOW.getTime() + 7_000).toISOString() });
    expect(w.controller.tunnelStatus().lastError?.reason).toBe('gateway unreachable');
    await w.run(2_000, { wan: true });
    expect(w.charon.times('initiate').map((t) => t - NOW.getTime())).toEqual([0, 3_000, 7_000]);
    await applying;
  });

  it('an attempt refused at once while the WAN is down does not make the controller spin', async () => {
    const w = await world();
    const unreachable = { kind: 'fail' as const, log: ['[NET] error writing to socket: Network is unreachable'] };
    w.charon.outcomes.set(GW0, unreachable).set(GW1, unreachable);
    await w.controller.apply({ profile: PROFILE });
    await w.run(10_000);
    expect(w.charon.isConnected).toBe(true);
    expect(w.charon.calls('initiate').length).toBeLessThanOrEqual(10);
    // The WAN probe's first answer ends the wait.
    w.charon.outcomes.clear();
    const mark = w.charon.transcript.length;
    w.procs.reply(GW0);
    await w.settle();
    expect(w.charon.calls('initiate', mark)).toHaveLength(1);
  });

  it('g) charon restarts: routes unreachable while it is gone, then everything is loaded again and initiated', async () => {
    const w = await up();
    w.charon.disconnect();
    await w.settle();
    expect(w.state()).toBe('charon-down');
    expect(w.routes.current).toBe('unreachable');
    expect(w.procs.running()).not.toContain(FLOW_PING);
    expect(w.controller.tunnelStatus().gateway).toBeUndefined();
    await w.run(5_000);
    expect(w.state()).toBe('charon-down');

    const mark = w.charon.transcript.length;
    w.charon.reconnect();
    await w.settle();
    expect(w.charon.transcript.slice(mark)).toEqual([...LOAD, 'initiate tibox-gw0']);
    expect(w.routes.current).toBe(TUNNEL);
    await w.run(100, { flow: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW0 });
    expect(w.history.lines()).toContain('charon-down');
  });

  it('h) disabled: our SAs are deleted and the routes unreachable; enabled again: initiated', async () => {
    const w = await up();
    const foreign = w.charon.addSa('site-to-site', '203.0.113.9');
    let mark = w.charon.transcript.length;
    await w.controller.setEnabled(false);
    expect(w.charon.transcript.slice(mark)).toEqual(['terminate 1']);
    expect(w.routes.current).toBe('unreachable');
    expect(w.routes.changes().slice(-2)).toEqual([TUNNEL, 'unreachable']);
    expect(w.state()).toBe('disabled');
    expect(w.controller.tunnelStatus().gateway).toBeUndefined();
    expect(w.procs.running()).toEqual([]);
    await w.run(5_000);
    expect(w.charon.transcript.slice(mark)).toEqual(['terminate 1']);
    expect(w.charon.saList()).toEqual([`${foreign} site-to-site`]);

    mark = w.charon.transcript.length;
    await w.controller.setEnabled(true);
    expect(w.charon.transcript.slice(mark)).toEqual(['initiate tibox-gw0']);
    await w.run(100, { flow: true });
    expect(w.state()).toBe('up');
    expect(w.routes.current).toBe(TUNNEL);
  });

  it('h) restart() builds the tunnel anew on the next gateway, make-before-break, and says so without an error', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    const events = w.history.events.length;
    await w.controller.restart();
    // Make-before-break: the new tunnel first, then the old one goes.
    expect(w.charon.transcript.slice(mark)).toEqual(['initiate tibox-gw1', 'terminate 1']);
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'connecting', gateway: GW1 });
    await w.run(100, { flow: true });
    expect(w.charon.saList()).toEqual(['2 tibox-gw1']);
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW1 });
    expect(w.controller.tunnelStatus().lastError).toBeUndefined();
    expect(w.history.events.slice(events).map((e) => `${e.state} ${e.gateway} ${e.reason ?? '-'}`)).toEqual([`connecting ${GW1} tunnel restart`, `up ${GW1} -`]);
    // Restarted again: back to the first gateway.
    await w.controller.restart();
    expect(w.charon.calls('initiate', mark)).toEqual(['initiate tibox-gw1', 'initiate tibox-gw0']);
  });

  it('h) restart() with one gateway rebuilds on it, and the up event says how long no echo came', async () => {
    const w = await world();
    await w.controller.apply({ profile: { ...PROFILE, gateways: [GW0] } });
    await w.run(100, { flow: true });
    expect(w.state()).toBe('up');
    const mark = w.charon.transcript.length;
    await w.controller.restart();
    expect(w.charon.transcript.slice(mark)).toEqual(['initiate tibox-gw0', 'terminate 1']);
    // The gateway replaced the old SA: the first echo through the new one comes 200 ms later.
    await w.run(200);
    await w.run(100, { flow: true });
    expect(w.charon.saList()).toEqual(['2 tibox-gw0']);
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW0 });
    expect(w.history.events.at(-1)?.reason).toMatch(/^rebuilt on the only gateway, which replaced the old SA: no echo for 2\d\d ms$/);
  });

  it('h) a restart whose new tunnel does not come leaves the old one carrying and is no WAN outage', async () => {
    const w = await up();
    w.charon.outcomes.set(GW1, TIMEOUT);
    const mark = w.charon.transcript.length;
    const events = w.history.events.length;
    const restarting = w.controller.restart();
    await w.run(3_100, { flow: true });
    await restarting;
    // The half-open SA to the other gateway goes; the old one stays.
    expect(w.charon.transcript.slice(mark)).toEqual(['initiate tibox-gw1', 'terminate 2']);
    expect(w.charon.saList()).toEqual(['1 tibox-gw0']);
    const lines = w.history.events.slice(events).map((e) => `${e.state} ${e.gateway} ${e.reason ?? '-'}`);
    expect(lines).toEqual([`connecting ${GW1} tunnel restart`, `up ${GW0} gateway unreachable`]);
    await w.run(100, { flow: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW0 });
    expect(w.controller.tunnelStatus().lastError).toBeUndefined();
  });

  it('i) apply(null) (uninstall, factory reset) tears down SAs, connections, credentials and routes, then charon hears nothing more', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    await w.controller.apply(null);
    expect(w.state()).toBe('no-profile');
    expect(w.controller.tunnelStatus().gateway).toBeUndefined();
    expect(w.charon.transcript.slice(mark)).toEqual(['terminate 1', 'get-conns', 'unload-conn tibox-gw0', 'unload-conn tibox-gw1', 'clear-creds']);
    expect(w.routes.current).toBe('none');
    const quiet = w.charon.transcript.length;
    const listings = w.charon.listings;
    await w.run(10_000);
    expect(w.charon.transcript.length).toBe(quiet);
    expect(w.charon.listings).toBe(listings);
    expect(w.procs.running()).toEqual([]);
  });

  it('i) stop() leaves the SAs and the routes, ends the pings and its subscriptions', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    const applied = w.routes.applied.length;
    await w.controller.stop();
    await w.run(10_000);
    expect(w.charon.transcript.slice(mark)).toEqual([]);
    expect(w.routes.applied.length).toBe(applied);
    expect(w.charon.saList()).toEqual(['1 tibox-gw0']);
    expect(w.procs.running()).toEqual([]);
    expect(w.charon.subscriberCount('ike-updown') + w.charon.subscriberCount('child-updown')).toBe(0);
    expect(w.charon.listenerCount('connected') + w.charon.listenerCount('disconnected')).toBe(0);
    expect(w.controller.status().state).toBe('stopped');
  });

  it('i) stop() during a pass leaves no ping running that the pass started', async () => {
    const w = await world();
    let release!: () => void;
    w.routes.hold = new Promise((resolve) => (release = resolve));
    const applying = w.controller.apply({ profile: PROFILE });
    await w.settle(); // the pass waits in routes.apply, before it starts the WAN probe
    const stopping = w.controller.stop();
    release();
    w.routes.hold = undefined;
    await applying;
    await stopping;
    await w.run(1_000);
    expect(w.procs.running()).toEqual([]);
  });

  it('j) a CHILD_SA going down in charon starts a pass at once', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    w.charon.dropSa(1);
    w.charon.fire('child-updown', { up: false, ike: 'tibox-gw0', sa: viciMessage({ uniqueid: 1 }) });
    await w.settle();
    expect(w.charon.transcript.slice(mark)).toEqual(['initiate tibox-gw0']);
    expect(w.charon.times('initiate', mark)).toEqual([Date.now()]);
    expect(w.charon.saList()).toEqual(['2 tibox-gw0']);
  });
});

describe('TunnelController after review', () => {
  it('deletes an SA whose gateway authenticated with an identity the profile does not name, before any route leads into it', async () => {
    const w = await world();
    w.charon.identities.set(GW0, 'rogue.example');
    w.charon.identities.set(GW1, 'rogue.example');
    await w.controller.apply({ profile: PROFILE });
    await w.run(200, { flow: true });
    expect(w.charon.saList()).toEqual([]);
    expect(w.routes.applied).not.toContain(TUNNEL);
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'backoff', lastError: { reason: 'gateway identity not accepted' } });
    // Once a gateway presents an identity of the profile, the tunnel comes up there.
    w.charon.identities.delete(GW0);
    await w.run(1_500, { flow: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW0 });
  });

  it('replaces the tunnel make-before-break for a changed profile on the gateway that does not hold it, and probes the new target', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    const changed = { ...PROFILE, probeAddress: '100.102.0.53' };
    expect(await w.controller.apply({ profile: changed })).toBe(true);
    const calls = w.charon.transcript.slice(mark).filter((l) => l.startsWith('initiate') || l.startsWith('terminate'));
    expect(calls).toEqual(['initiate tibox-gw1', 'terminate 1']);
    await w.run(100);
    expect(w.procs.running()).toContain(`ping 100.102.0.53 from ${LOCAL_TI} every 0.050`);
    expect(w.procs.running()).not.toContain(FLOW_PING);
  });

  it('sends charon nothing for an equal profile built anew', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    expect(await w.controller.apply({ profile: { ...PROFILE, gateways: [...PROFILE.gateways] } })).toBe(false);
    await w.run(3_000, { flow: true });
    expect(w.charon.transcript.slice(mark)).toEqual([]);
  });

  it('tries anyway, uncounted, when a stalled tunnel sees no WAN answer for half a minute (gateways that ignore ping)', async () => {
    const w = await up();
    const mark = w.charon.transcript.length;
    await w.run(1_000);
    expect(w.state()).toBe('wan-down');
    await w.run(25_000);
    expect(w.charon.calls('initiate', mark)).toEqual([]);
    await w.run(6_000);
    expect(w.charon.calls('initiate', mark)).toEqual(['initiate tibox-gw1']);
  });

  it('tears down for uninstall in a fail-closed order: routes unreachable, then SAs and configuration, our routes last', async () => {
    const w = await up();
    const routesMark = w.routes.applied.length;
    await w.controller.apply(null);
    expect(w.routes.applied.slice(routesMark)).toEqual(['unreachable', 'none']);
    expect(w.charon.saList()).toEqual([]);
  });

  it('leaves the routes alone while charon is not connected yet after a start (the agent before left a working tunnel)', async () => {
    vi.useFakeTimers({ now: NOW });
    const charon = new FakeCharon();
    charon.disconnect();
    const routes = new FakeRoutes();
    const procs = new FakeProcesses();
    const { log } = memoryLog();
    const controller = new TunnelController({
      vici: charon, routes, tunnelPath: () => ({ kind: 'unreachable' }), startProcess: procs.start, history: new MemoryHistory(), health: new Health(() => undefined), log,
    });
    await controller.start(new AbortController().signal);
    await controller.apply({ profile: PROFILE });
    await vi.advanceTimersByTimeAsync(100);
    expect(routes.applied).toEqual([]);
    expect(controller.tunnelStatus().state).toBe('connecting');
    await controller.stop();
  });
});

describe('TunnelController and the stored setting', () => {
  it('starts disabled when the operator left the tunnel down: no attempt, routes unreachable, and says so at once', async () => {
    vi.useFakeTimers({ now: NOW });
    const health = new Health(() => undefined);
    const charon = new FakeCharon();
    const routes = new FakeRoutes();
    const procs = new FakeProcesses();
    const { log } = memoryLog();
    const controller = new TunnelController({
      vici: charon, routes, tunnelPath: (p) => ({ kind: 'libipsec', dev: 'ipsec0', src: p.localTiAddress }),
      startProcess: procs.start, history: new MemoryHistory(), health, log, enabledAtStart: () => false,
    });
    await controller.start(new AbortController().signal);
    await controller.apply({ profile: PROFILE });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(charon.calls('initiate', 0)).toEqual([]);
    expect(routes.current).toBe('unreachable');
    expect(controller.tunnelStatus().state).toBe('disabled');
    expect(health.list().map((w) => w.code)).toEqual(['tunnel.disabled']);
    await controller.stop();
  });
});

describe('TunnelController remembers the working tunnel for the next start', () => {
  it('saves the connection that passes traffic once, and again after a failover', async () => {
    const w = await up();
    await w.run(1_000, { flow: true });
    expect(w.resume.calls).toEqual([`save tibox-gw0 ${TUNNEL}`]);
    expect(w.resume.saved).toMatchObject({ gatewayIds: PROFILE.gatewayIds, routes: { prefixes: PROFILE.tiPrefixes } });
    expect(w.resume.saved?.plan.key.data).toBe(PROFILE.privateKeyPem);

    await w.run(300); // stall
    w.procs.reply(GW0);
    await w.settle();
    await w.run(100, { flow: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW1 });
    expect(w.resume.calls).toEqual([`save tibox-gw0 ${TUNNEL}`, `save tibox-gw1 ${TUNNEL}`]);
  });

  it('forgets it when the tunnel is switched off or the profile replaced, not when the same profile comes again', async () => {
    const w = await up();
    await w.controller.setEnabled(false);
    expect(w.resume.calls).toEqual([`save tibox-gw0 ${TUNNEL}`, 'clear']);
    await w.controller.setEnabled(true);
    await w.run(100, { flow: true });
    expect(w.resume.calls.at(-1)).toBe(`save tibox-gw0 ${TUNNEL}`);

    await w.controller.apply({ profile: PROFILE });
    expect(w.resume.calls.at(-1)).toBe(`save tibox-gw0 ${TUNNEL}`);
    await w.controller.apply({ profile: { ...PROFILE, tiPrefixes: ['100.64.0.0/10'] } });
    expect(w.resume.calls.at(-1)).toBe('clear');
    await w.run(200, { flow: true });
    expect(w.resume.saved?.routes.prefixes).toEqual(['100.64.0.0/10']);
  });
});

describe('TunnelController after the service resumed the saved tunnel at boot', () => {
  it('waits for an IKE_SA of ours that is still connecting at start, adopts it once it is up, and leaves its connection loaded', async () => {
    const w = await world();
    // As swanctl left it: the boot connection, its SA on the way.
    w.charon.conns.set('tibox-gw1-boot', viciMessage({ remote_addrs: [GW1] }));
    const resumed = w.charon.addSa('tibox-gw1-boot', GW1, 'CONNECTING');
    await w.controller.apply({ profile: PROFILE });
    await w.run(500);
    expect(w.charon.calls('initiate')).toEqual([]);
    expect(w.controller.tunnelStatus().history[0]).toMatchObject({ state: 'connecting', gateway: GW1, reason: 'resumed at boot' });
    w.charon.establish(resumed);
    w.charon.fire('child-updown', { up: true, ike: 'tibox-gw1', sa: viciMessage({ uniqueid: resumed }) });
    await w.run(100, { flow: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW1 });
    expect(w.charon.calls('initiate')).toEqual([]);
    expect(w.charon.saList()).toEqual([`${resumed} tibox-gw1-boot`]);
    // Unloading it would close the SA it started: only charon's restart or uninstall removes it.
    expect(w.charon.calls('unload-conn')).toEqual([]);
    expect([...w.charon.conns.keys()].sort()).toEqual(['tibox-gw0', 'tibox-gw1', 'tibox-gw1-boot']);
    await w.controller.apply(null);
    expect(w.charon.conns.size).toBe(0);
  });

  it('builds its own once the one connecting has had an attempt\'s time: it goes', async () => {
    const w = await world();
    const stuck = w.charon.addSa('tibox-gw1', GW1, 'CONNECTING');
    await w.controller.apply({ profile: PROFILE });
    await w.run(3_100, { wan: true });
    expect(w.charon.calls('initiate')).toEqual(['initiate tibox-gw0']);
    await w.run(100, { flow: true, wan: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW0 });
    expect(w.charon.saList()).not.toContain(`${stuck} tibox-gw1`);
  });
});

describe('TunnelController takes the management endpoint as WAN evidence', () => {
  it('a stall while only the management endpoint answers (gateways ignore ping): repaired at once', async () => {
    const w = await up();
    w.controller.setManagementEndpoint({ address: '203.0.113.80', port: 443 });
    w.management.answers = true;
    const mark = w.charon.transcript.length;
    await w.run(600); // nothing back through the tunnel, no ping answers from the gateways
    expect(w.management.knocks[0]).toBe('203.0.113.80:443');
    // Within the stall's first moments, make-before-break to the next gateway, as with a gateway's echo.
    expect(w.charon.calls('initiate', mark)[0]).toBe('initiate tibox-gw1');
    await w.run(100, { flow: true });
    expect(w.state()).toBe('up');
  });

  it('without an answer from it, the same stall waits as WAN down', async () => {
    const w = await up();
    w.controller.setManagementEndpoint({ address: '203.0.113.80', port: 443 });
    const mark = w.charon.transcript.length;
    await w.run(3_000);
    expect(w.management.knocks.length).toBeGreaterThan(0);
    expect(w.charon.calls('initiate', mark)).toEqual([]);
    expect(w.state()).toBe('wan-down');
  });
});

describe('TunnelController and the health list', () => {
  it('says nothing of a failover, make-before-break to the other gateway', async () => {
    const w = await up();
    await w.run(300); // a stall ...
    w.procs.reply(GW0); // ... while the WAN is up
    await w.settle();
    await w.run(100, { flow: true });
    expect(w.controller.tunnelStatus()).toMatchObject({ state: 'up', gateway: GW1 });
    await w.run(30_000, { flow: true });
    expect(w.healthChanges).toEqual([]);
  });

  it('names the refusal once attempts have failed for the grace, and clears it when the tunnel carries', async () => {
    const w = await world();
    w.charon.outcomes.set(GW0, AUTH_FAILED).set(GW1, AUTH_FAILED);
    await w.controller.apply({ profile: PROFILE });
    await w.run(9_900, { wan: true });
    expect(w.warnings()).toEqual([]);
    await w.run(200, { wan: true });
    expect(w.warnings()).toEqual(['tunnel.down: authentication failed']);
    w.charon.outcomes.clear();
    await w.run(20_000, { wan: true, flow: true });
    expect(w.state()).toBe('up');
    expect(w.warnings()).toEqual([]);
    expect(w.healthChanges).toEqual([['tunnel.down: authentication failed'], []]);
  });

  it('shows a WAN outage as WAN down throughout, through the attempts it makes anyway, and nothing once the tunnel is back', async () => {
    const w = await up();
    w.charon.outcomes.set(GW0, TIMEOUT).set(GW1, TIMEOUT);
    await w.run(95_000);
    expect(w.charon.calls('initiate').length).toBeGreaterThan(1);
    expect(w.healthChanges).toEqual([['wan.down']]);
    w.charon.outcomes.clear();
    w.procs.reply(GW0);
    await w.settle();
    await w.run(100, { flow: true, wan: true });
    expect(w.state()).toBe('up');
    expect(w.healthChanges).toEqual([['wan.down'], []]);
  });

  it('says charon is not running once it has been gone for the grace', async () => {
    const w = await up();
    w.charon.disconnect();
    await w.run(9_000);
    expect(w.warnings()).toEqual([]);
    await w.run(1_000);
    expect(w.warnings()).toEqual(['tunnel.down: charon not running']);
  });

  it('says there is no profile once none came for the grace, and stops saying so as soon as one comes', async () => {
    const w = await world();
    await w.run(10_000);
    expect(w.warnings()).toEqual(['tunnel.noProfile']);
    await w.controller.apply({ profile: PROFILE });
    expect(w.warnings()).toEqual([]);
    await w.run(100, { flow: true });
    expect(w.state()).toBe('up');
    expect(w.healthChanges).toEqual([['tunnel.noProfile'], []]);
  });

  it('says the tunnel is switched off at once, and not after it is switched on again', async () => {
    const w = await up();
    await w.controller.setEnabled(false);
    expect(w.warnings()).toEqual(['tunnel.disabled']);
    await w.controller.setEnabled(true);
    expect(w.warnings()).toEqual([]);
    await w.run(100, { flow: true });
    expect(w.state()).toBe('up');
    await w.run(20_000, { flow: true });
    expect(w.healthChanges).toEqual([['tunnel.disabled'], []]);
  });
});
