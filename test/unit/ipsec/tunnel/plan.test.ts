// The tunnel's planner as tables: a state and what the controller sees at one step of a pass,
// against the actions it is to take (as text, in order) and the key fields of the next state.
// Gateways are written gw0 and gw1 (the test profile's addresses); the health list's updates are
// left out of the text except in their own table.
import { describe, expect, it } from 'vitest';
import { FRESH_PACING, type Pacing } from '../../../../src/ipsec/tunnel/attemptPacing.ts';
import { carriesItsProfile, firstPlanState, planTunnel, profileReplaced } from '../../../../src/ipsec/tunnel/plan.ts';
import type { Attempt, FlowSeen, TunnelAction, TunnelPlan, TunnelPlanState, TunnelSeen, WanSeen } from '../../../../src/ipsec/tunnel/planModel.ts';
import type { TunnelSa } from '../../../../src/ipsec/tunnel/sas.ts';
import { GW0, GW1, PROFILE } from './profile.ts';

const T0 = Date.parse('2025-05-02T08:00:00.000Z');
const TIMINGS = { initiateTimeoutMs: 3_000, reconcileEveryMs: 2_000 };
const LIBIPSEC = { kind: 'libipsec', dev: 'ipsec0', src: PROFILE.localTiAddress } as const;
const ONE_GATEWAY = { ...PROFILE, gateways: [GW0] };
const LONG_OUTAGE = "outage longer than a gateway's DPD survives";

/** An SA of ours on a gateway, established with its CHILD_SA installed unless told otherwise. */
function sa(ikeId: number, gatewayIndex: number, patch: Partial<TunnelSa> = {}): TunnelSa {
  return {
    connection: `tibox-gw${gatewayIndex}`, gatewayIndex, ikeId, ikeState: 'ESTABLISHED', remoteHost: PROFILE.gateways[gatewayIndex] as string,
    remoteId: 'gw.dc.example', establishedS: 60, child: { installed: true, bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 }, ...patch,
  };
}
const SA1 = sa(1, 0);
const SA2 = sa(2, 1);

/** Steady state: connected before, SA 1 on gw0 carrying, shown up since a minute. */
function state(patch: Partial<TunnelPlanState> = {}): TunnelPlanState {
  return { ...firstPlanState(T0 - 60_000), everConnected: true, sas: [SA1], shown: { state: 'up', since: '2025-05-02T07:59:00.000Z', gateway: GW0 }, ...patch };
}
const basics = { profile: PROFILE, now: T0, jitter: 0.5 };
const pass = (patch: Partial<Extract<TunnelSeen, { kind: 'pass' }>> = {}): TunnelSeen => ({ kind: 'pass', ...basics, viciConnected: true, loaded: true, teardown: false, ...patch });
const listed = (sas: TunnelSa[], patch: Partial<Extract<TunnelSeen, { kind: 'sas' }>> = {}): TunnelSeen => ({ kind: 'sas', ...basics, sas, enabled: true, ...patch });
const FLOWING: FlowSeen = { watching: true, verdict: 'flowing', lastEchoAt: T0 - 20, longOutage: false };
const STALLED: FlowSeen = { ...FLOWING, verdict: 'stalled', lastEchoAt: T0 - 300 };
/** The WAN probe runs since a second and answered after the last echo. */
const WAN_UP: WanSeen = { probingSince: T0 - 1_000, upSinceLastEcho: true };
const WAN_SILENT: WanSeen = { probingSince: T0 - 1_000, upSinceLastEcho: false };
function tunnel(flow: FlowSeen, wan: WanSeen = { upSinceLastEcho: false }, patch: Partial<Extract<TunnelSeen, { kind: 'tunnel' }>> = {}): TunnelSeen {
  return { kind: 'tunnel', ...basics, path: LIBIPSEC, startedAt: T0 - 600_000, flow, wan, ...patch };
}
/** An attempt to gw1 planned a moment ago, while SA 1 was ours. */
const ATTEMPT: Attempt = { gatewayIndex: 1, startedAt: T0 - 20, before: [1], previous: 'connecting', measuresGap: false };

const gw = (address: string | undefined) => (address === GW0 ? 'gw0' : address === GW1 ? 'gw1' : String(address));

function actionText(a: TunnelAction): string {
  switch (a.kind) {
    case 'terminate':
      return `terminate ${a.sas.map((s) => s.ikeId).join(',')}`;
    case 'route':
      return `route ${a.to}`;
    case 'remember':
      return `remember gw${a.gatewayIndex}`;
    case 'schedule':
      return `schedule ${a.inMs}`;
    case 'record':
      return ['record', a.event.state, ...(a.event.gateway ? [gw(a.event.gateway)] : [])].join(' ') + (a.event.reason ? `: ${a.event.reason}` : '') + (a.event.evidence ? ` [by ${a.event.evidence}]` : '');
    case 'health':
      return `health ${a.state}${a.words.reason ? ` (${a.words.reason})` : ''}${a.words.lastError ? ` [${a.words.lastError}]` : ''}`;
    case 'log':
      return `log ${a.level} ${a.message}`;
    default:
      return a.kind;
  }
}

/** The plan as lines: its actions, then what it looks at next. */
function text(plan: TunnelPlan, withHealth = false): string[] {
  const lines = plan.actions.filter((a) => withHealth || a.kind !== 'health').map(actionText);
  const next = plan.next;
  if (next?.look === 'initiate') {
    const { attempt } = next;
    lines.push(`initiate gw${attempt.gatewayIndex}${attempt.because ? `: ${attempt.because}` : ''}${attempt.keeps ? `, keeping ${attempt.keeps.ikeId}` : ''}${attempt.measuresGap ? ', measuring the gap' : ''}`);
  } else if (next) lines.push(`look ${next.look}`);
  return lines;
}

interface Row {
  name: string;
  state: TunnelPlanState;
  seen: TunnelSeen;
  want: string[];
  /** Fields of the next state worth a look (of the pacing, some). */
  next?: { [K in keyof TunnelPlanState]?: K extends 'pacing' ? Partial<Pacing> : TunnelPlanState[K] };
}

function check({ state: before, seen, want, next }: Row): TunnelPlan {
  const plan = planTunnel(before, seen, TIMINGS);
  expect(text(plan)).toEqual(want);
  if (next) expect(plan.state).toMatchObject(next);
  return plan;
}

/** A pacing after `failures` counted failures, its last one just now. */
const failed = (failures: number, nextAt = T0): Pacing => ({ failures, nextAt, lastError: { reason: 'tunnel not passing traffic', at: '2025-05-02T08:00:00.000Z', detail: 'x' } });

describe('planTunnel at the start of a pass: profile, charon, configuration', () => {
  it.each<Row>([
    { name: 'no profile: probes stop, nothing else', state: state(), seen: pass({ profile: undefined }), want: ['stop-flow', 'stop-wan', 'record no-profile'], next: { sas: [] } },
    { name: 'no profile after uninstall: torn down', state: state(), seen: pass({ profile: undefined, teardown: true }), want: ['stop-flow', 'stop-wan', 'tear-down', 'record no-profile'] },
    { name: 'charon not connected yet since start: routes left as they are', state: state({ everConnected: false }), seen: pass({ viciConnected: false }), want: ['stop-flow', 'record connecting'] },
    { name: 'charon gone: routes unreachable', state: state(), seen: pass({ viciConnected: false }), want: ['stop-flow', 'route unreachable', 'record charon-down: charon not running'], next: { sas: [] } },
    { name: 'charon connected for the first time: load, then its SAs', state: state({ everConnected: false }), seen: pass({ loaded: false }), want: ['load', 'look sas'], next: { everConnected: true } },
    { name: 'a changed profile: its prefixes unreachable before loading', state: state({ replace: 'profile' }), seen: pass({ loaded: false }), want: ['route unreachable', 'load', 'look sas'] },
    { name: 'loaded already: straight to the SAs', state: state(), seen: pass(), want: ['look sas'] },
  ])('$name', (row) => void check(row));
});

describe('planTunnel with the SAs charon lists', () => {
  const rogue = sa(3, 1, { remoteId: 'rogue.example' });
  it.each<Row>([
    { name: 'one that carries: routes into the tunnel', state: state(), seen: listed([SA1]), want: ['route tunnel', 'look tunnel'], next: { sas: [SA1] } },
    { name: 'none that carries: routes unreachable', state: state(), seen: listed([sa(1, 0, { ikeState: 'CONNECTING' })]), want: ['route unreachable', 'look tunnel'] },
    {
      name: 'a gateway with an identity the profile does not name: deleted, counted, the next gateway next',
      state: state({ attemptUnjudged: true }), seen: listed([SA1, rogue]),
      want: ['terminate 3', 'log warn gateway identity not in the profile; SA deleted', 'route tunnel', 'look tunnel'],
      next: { sas: [SA1], nextGateway: 0, attemptUnjudged: false, pacing: { failures: 1, nextAt: T0, lastError: { reason: 'gateway identity not accepted', at: '2025-05-02T08:00:00.000Z', detail: `${GW1} authenticated as rogue.example` } } },
    },
    { name: 'switched off: forgotten, routes first, then our SAs go', state: state(), seen: listed([SA1], { enabled: false }), want: ['forget', 'route unreachable', 'terminate 1', 'stop-flow', 'stop-wan', 'record disabled'], next: { sas: [] } },
  ])('$name', (row) => void check(row));
});

describe('planTunnel judging the SA that carries: steady state, first connect, recovery', () => {
  it.each<Row>([
    { name: 'echoes come back: up, remembered', state: state(), seen: tunnel(FLOWING), want: ['run-flow', 'stop-wan', 'remember gw0'] },
    { name: 'the first echo through a new SA: up, the SAs it replaced go', state: state({ sas: [sa(2, 1, { establishedS: 0 }), SA1], shown: { state: 'connecting', since: '2025-05-02T07:59:59.000Z', gateway: GW1 } }), seen: tunnel(FLOWING), want: ['run-flow', 'stop-wan', 'record up gw1', 'terminate 1', 'remember gw1'] },
    { name: 'no echo yet through a fresh SA: connecting there', state: state({ shown: { state: 'connecting', since: '2025-05-02T07:59:59.000Z' } }), seen: tunnel({ ...FLOWING, verdict: 'unknown' }), want: ['run-flow', 'record connecting gw0'] },
    { name: 'the WAN back, a probe asks whether the SA lived through the outage: still WAN down until it says', state: state({ shown: { state: 'wan-down', since: '2025-05-02T07:59:50.000Z', gateway: GW0 } }), seen: tunnel({ ...FLOWING, verdict: 'unknown' }), want: ['run-flow'] },
    { name: 'a flow probe that starts now is undecided, whatever it said before', state: state(), seen: tunnel({ ...FLOWING, watching: false }), want: ['run-flow', 'record connecting gw0'] },
    { name: 'no SA: connect to the next gateway', state: state({ sas: [], nextGateway: 3 }), seen: tunnel(FLOWING, WAN_UP, { path: undefined }), want: ['stop-flow', 'run-wan', 'record connecting gw1', 'initiate gw1'] },
    {
      name: 'an SA still connecting in the first attempt\'s time after start is the resumed one: waited for',
      state: state({ sas: [sa(5, 1, { ikeState: 'CONNECTING', child: undefined })] }), seen: tunnel(FLOWING, WAN_UP, { path: undefined, startedAt: T0 - 1_000 }),
      want: ['stop-flow', 'run-wan', 'record connecting gw1: resumed at boot', 'schedule 2000'],
    },
  ])('$name', (row) => void check(row));

  it('recovery: the tunnel carrying again clears the count, the next attempt, the last error and the round of repairs', () => {
    const plan = check({ name: '', state: state({ pacing: failed(5, T0 + 8_000), lastRepair: 1, attemptUnjudged: true }), seen: tunnel(FLOWING), want: ['run-flow', 'stop-wan', 'remember gw0'] });
    expect(plan.state.pacing).toEqual(FRESH_PACING);
    expect([plan.state.lastRepair, plan.state.attemptUnjudged]).toEqual([undefined, false]);
  });
});

describe('planTunnel with a stalled SA: gateway failover and the WAN', () => {
  it.each<Row>([
    { name: 'WAN up: make-before-break to the other gateway', state: state(), seen: tunnel(STALLED, WAN_UP), want: ['run-flow', 'run-wan', 'record connecting gw1: tunnel not passing traffic', 'initiate gw1: tunnel not passing traffic'], next: { lastRepair: 1 } },
    { name: 'repairs go round: after gw1 comes gw0 again', state: state({ lastRepair: 1 }), seen: tunnel(STALLED, WAN_UP), want: ['run-flow', 'run-wan', 'record connecting gw0: tunnel not passing traffic', 'initiate gw0: tunnel not passing traffic'], next: { lastRepair: 0 } },
    { name: 'one gateway: a fresh SA on it (after an address change that is all it takes)', state: state(), seen: tunnel(STALLED, WAN_UP, { profile: ONE_GATEWAY }), want: ['run-flow', 'run-wan', 'record connecting gw0: tunnel not passing traffic', 'initiate gw0: tunnel not passing traffic'] },
    { name: 'ipsec0 down (echoes fail), WAN answers: a stall like any other', state: state({ attemptUnjudged: true }), seen: tunnel(STALLED, WAN_UP), want: ['run-flow', 'run-wan', 'record connecting gw1: tunnel not passing traffic', 'initiate gw1: tunnel not passing traffic'], next: { attemptUnjudged: false, pacing: { failures: 1 } } },
    { name: 'a WAN probe that starts now gets half a second', state: state(), seen: tunnel(STALLED, { upSinceLastEcho: false }), want: ['run-flow', 'run-wan', 'schedule 500'] },
    { name: 'and one that started 200 ms ago the rest of it', state: state(), seen: tunnel(STALLED, { probingSince: T0 - 200, upSinceLastEcho: false }), want: ['run-flow', 'run-wan', 'schedule 300'] },
    { name: 'no WAN answer since the last echo: WAN down, nothing torn down', state: state(), seen: tunnel(STALLED, WAN_SILENT), want: ['run-flow', 'run-wan', 'record wan-down gw0: no answer beyond the practice router'] },
    { name: 'WAN down for under 30 s: wait', state: state({ shown: { state: 'wan-down', since: '2025-05-02T07:59:31.000Z', gateway: GW0 } }), seen: tunnel(STALLED, WAN_SILENT), want: ['run-flow', 'run-wan', 'schedule 30000'] },
    { name: 'WAN down for 30 s: tried anyway, uncounted', state: state({ shown: { state: 'wan-down', since: '2025-05-02T07:59:30.000Z', gateway: GW0 } }), seen: tunnel(STALLED, WAN_SILENT), want: ['run-flow', 'run-wan', 'record connecting gw1: tunnel not passing traffic', 'initiate gw1: tunnel not passing traffic'], next: { pacing: FRESH_PACING } },
  ])('$name', (row) => void check(row));
});

describe('planTunnel: the history says which evidence judged the tunnel', () => {
  const connecting = state({ shown: { state: 'connecting', since: '2025-05-02T07:59:59.000Z', gateway: GW0 } });
  it.each<Row>([
    { name: 'up by the practice\'s own traffic', state: connecting, seen: tunnel({ ...FLOWING, evidence: 'traffic' }), want: ['run-flow', 'stop-wan', 'record up gw0 [by traffic]', 'remember gw0'] },
    { name: 'up by the probe of a fresh SA', state: connecting, seen: tunnel({ ...FLOWING, evidence: 'probe' }), want: ['run-flow', 'stop-wan', 'record up gw0 [by probe]', 'remember gw0'] },
    { name: 'traffic unanswered, confirmed by a probe, WAN up: repaired', state: state(), seen: tunnel({ ...STALLED, evidence: 'traffic' }, WAN_UP), want: ['run-flow', 'run-wan', 'record connecting gw1: tunnel not passing traffic [by traffic]', 'initiate gw1: tunnel not passing traffic'] },
    { name: 'the idle heartbeat unanswered, WAN up: repaired before the practice needs the tunnel', state: state(), seen: tunnel({ ...STALLED, evidence: 'heartbeat' }, WAN_UP), want: ['run-flow', 'run-wan', 'record connecting gw1: tunnel not passing traffic [by heartbeat]', 'initiate gw1: tunnel not passing traffic'] },
    { name: 'the idle heartbeat unanswered, WAN silent: WAN down', state: state(), seen: tunnel({ ...STALLED, evidence: 'heartbeat' }, WAN_SILENT), want: ['run-flow', 'run-wan', 'record wan-down gw0: no answer beyond the practice router [by heartbeat]'] },
  ])('$name', (row) => void check(row));
});

describe('planTunnel after a long outage (over 90 s from the last echo to the first answer)', () => {
  const long: FlowSeen = { ...FLOWING, longOutage: true };
  it.each<Row>([
    { name: 'its own echo answered first: replaced make-before-break at once', state: state({ shown: { state: 'wan-down', since: '2025-05-02T07:58:00.000Z', gateway: GW0 } }), seen: tunnel(long), want: ['run-flow', 'stop-wan', 'end-long-outage', `record connecting gw1: ${LONG_OUTAGE}`, `initiate gw1: ${LONG_OUTAGE}`] },
    { name: 'a backoff that was waiting ends: the SA carried, the replacement goes at once', state: state({ pacing: failed(2, T0 + 1_000) }), seen: tunnel(long), want: ['run-flow', 'stop-wan', 'end-long-outage', `record connecting gw1: ${LONG_OUTAGE}`, `initiate gw1: ${LONG_OUTAGE}`], next: { pacing: FRESH_PACING } },
    { name: 'a flow probe started afresh has no outage behind it', state: state(), seen: tunnel({ ...long, watching: false }), want: ['run-flow', 'record connecting gw0'] },
  ])('$name', (row) => void check(row));
});

describe('planTunnel: restart and a new profile, make-before-break', () => {
  it.each<Row>([
    { name: 'restart with two gateways: to the other one', state: state({ replace: 'restart' }), seen: tunnel(FLOWING), want: ['record connecting gw1: tunnel restart', 'initiate gw1: tunnel restart, keeping 1'], next: { replace: undefined } },
    { name: 'restart with one gateway: rebuilt there, the gap measured', state: state({ replace: 'restart' }), seen: tunnel(FLOWING, undefined, { profile: ONE_GATEWAY }), want: ['record connecting gw0: tunnel restart', 'initiate gw0: tunnel restart, keeping 1, measuring the gap'] },
    { name: 'a new profile: probes afresh, to the preferred gateway', state: state({ replace: 'profile', sas: [SA2], shown: { state: 'up', since: '2025-05-02T07:59:00.000Z', gateway: GW1 } }), seen: tunnel(FLOWING), want: ['stop-flow', 'stop-wan', 'record connecting gw0: new profile', 'initiate gw0: new profile, keeping 2'] },
    { name: 'a new profile while the preferred gateway holds the SA: to the next, which replaces nothing', state: state({ replace: 'profile' }), seen: tunnel(FLOWING), want: ['stop-flow', 'stop-wan', 'record connecting gw1: new profile', 'initiate gw1: new profile, keeping 1'] },
    { name: 'a new profile with one gateway: rebuilt there, the gap measured', state: state({ replace: 'profile' }), seen: tunnel(FLOWING, undefined, { profile: ONE_GATEWAY }), want: ['stop-flow', 'stop-wan', 'record connecting gw0: new profile', 'initiate gw0: new profile, keeping 1, measuring the gap'] },
    { name: 'no SA to rebuild: a plain connect, the request spent', state: state({ replace: 'restart', sas: [] }), seen: tunnel(FLOWING, WAN_UP, { path: undefined }), want: ['stop-flow', 'run-wan', 'record connecting gw0', 'initiate gw0'], next: { replace: undefined } },
    { name: 'the rebuilt SA carries: up, with how long no echo came', state: state({ gapFrom: T0 - 400, sas: [sa(2, 0, { establishedS: 0 })], shown: { state: 'connecting', since: '2025-05-02T07:59:59.900Z', gateway: GW0 } }), seen: tunnel(FLOWING), want: ['run-flow', 'stop-wan', 'record up gw0: rebuilt on the only gateway, which replaced the old SA: no echo for 380 ms', 'remember gw0'], next: { gapFrom: undefined } },
  ])('$name', (row) => void check(row));
});

describe('planTunnel after an initiate', () => {
  const fresh = sa(2, 1, { establishedS: 0 });
  const halfOpen = sa(2, 1, { ikeState: 'CONNECTING', establishedS: 0, child: undefined });
  const refused = (patch: Partial<Extract<TunnelSeen, { kind: 'refused' }>>): TunnelSeen => ({ kind: 'refused', ...basics, attempt: ATTEMPT, reason: 'authentication failed', message: 'AUTH', sas: [SA1, halfOpen], wanUp: false, ...patch });
  const connecting = state({ shown: { state: 'connecting', since: '2025-05-02T08:00:00.000Z', gateway: GW1 } });
  it.each<Row>([
    { name: 'established: the SAs it replaces go, the flow undecided, another pass', state: connecting, seen: { kind: 'established', ...basics, attempt: ATTEMPT, sas: [SA1, fresh], lastEchoAt: T0 - 300 }, want: ['note-wan-up', 'log info tunnel established', 'terminate 1', 'reset-flow', 'again'], next: { nextGateway: 1, attemptUnjudged: true } },
    { name: 'established by a gateway the profile does not name: nothing replaced', state: connecting, seen: { kind: 'established', ...basics, attempt: ATTEMPT, sas: [SA1, { ...fresh, remoteId: 'rogue.example' }], lastEchoAt: 0 }, want: ['note-wan-up', 'log info tunnel established', 'reset-flow', 'again'] },
    { name: 'established on the only gateway by a restart: the gap starts at the last echo', state: connecting, seen: { kind: 'established', ...basics, attempt: { ...ATTEMPT, gatewayIndex: 0, measuresGap: true }, sas: [SA1, sa(2, 0)], lastEchoAt: T0 - 300 }, want: ['note-wan-up', 'log info tunnel established', 'terminate 1', 'reset-flow', 'again'], next: { gapFrom: T0 - 300 } },
    { name: 'refused by the gateway: its half-open SA goes, counted, the WAN is up', state: connecting, seen: refused({}), want: ['terminate 2', 'note-wan-up', 'log warn tunnel attempt failed', 'record backoff: authentication failed', 'schedule 0'], next: { nextGateway: 0, pacing: { failures: 1 } } },
    { name: 'unanswered while the WAN answers: counted', state: connecting, seen: refused({ reason: 'gateway unreachable', wanUp: true }), want: ['terminate 2', 'log warn tunnel attempt failed', 'record backoff: gateway unreachable', 'schedule 0'], next: { pacing: { failures: 1 } } },
    { name: 'unanswered while the WAN is down: uncounted, paced from its start', state: connecting, seen: refused({ reason: 'gateway unreachable' }), want: ['terminate 2', 'log warn tunnel attempt failed', 'record wan-down: gateway unreachable', 'schedule 1980'], next: { pacing: { failures: 0, nextAt: T0 + 1_980 } } },
    { name: 'a failed rebuild: the old tunnel carries on, shown as before with the reason', state: connecting, seen: refused({ reason: 'gateway unreachable', attempt: { ...ATTEMPT, previous: 'up', keeps: SA1 } }), want: ['terminate 2', 'log warn tunnel rebuild failed; the tunnel in place stays', 'record up gw0: gateway unreachable'], next: { pacing: { failures: 1 } } },
  ])('$name', (row) => void check(row));
});

describe('planTunnel backoff: one failure per attempt, rounds over the gateways, 1, 2, 4 … s up to 5 min', () => {
  it.each([
    // [counted failures before, gateways, wait after one more]
    [0, 2, 0], [1, 2, 1_000], [2, 2, 0], [3, 2, 2_000], [5, 2, 4_000], [7, 2, 8_000], [9, 2, 16_000],
    [0, 1, 1_000], [1, 1, 2_000], [8, 1, 256_000], [9, 1, 300_000], [40, 1, 300_000],
  ])('after %i failures with %i gateway(s) one more waits %i ms', (before, gateways, wait) => {
    const profile = { ...PROFILE, gateways: PROFILE.gateways.slice(0, gateways) };
    const plan = planTunnel(state({ pacing: { failures: before, nextAt: 0 } }), { kind: 'refused', ...basics, profile, attempt: { ...ATTEMPT, gatewayIndex: 0 }, reason: 'no proposal chosen', message: 'NO_PROPOSAL_CHOSEN', sas: [], wanUp: true }, TIMINGS);
    expect(plan.state.pacing.failures).toBe(before + 1);
    expect(plan.actions.at(-1)).toEqual({ kind: 'schedule', inMs: wait });
  });

  it('an SA that never carried counts once, however many passes see it stalled', () => {
    const first = planTunnel(state({ attemptUnjudged: true, lastRepair: 1, pacing: failed(1) }), tunnel(STALLED, WAN_UP), TIMINGS);
    expect(first.state.pacing.failures).toBe(2);
    expect(text(first)).toEqual(['run-flow', 'run-wan', 'schedule 1000', 'record backoff: tunnel not passing traffic']);
    const again = planTunnel(first.state, tunnel(STALLED, WAN_UP, { now: T0 + 500 }), TIMINGS);
    expect(again.state.pacing.failures).toBe(2);
    expect(text(again)).toEqual(['run-flow', 'run-wan', 'schedule 500']);
  });

  it('the jitter spreads the wait by up to a quarter either way (the second round: 2 s)', () => {
    const after = (jitter: number) => planTunnel(state({ pacing: { failures: 3, nextAt: 0 } }), { kind: 'refused', ...basics, jitter, attempt: ATTEMPT, reason: 'no proposal chosen', message: '', sas: [], wanUp: true }, TIMINGS).state.pacing.nextAt - T0;
    expect([after(0), after(0.5), after(0.999)]).toEqual([1_500, 2_000, 2_499]);
  });
});

describe('planTunnel and the health list', () => {
  it.each<Row>([
    { name: 'every decision on the state, changed or not, with the last error', state: state({ pacing: failed(2, T0 + 1_000), shown: { state: 'backoff', since: '2025-05-02T07:59:59.000Z' } }), seen: tunnel(STALLED, WAN_UP), want: ['run-flow', 'run-wan', 'schedule 1000', 'health backoff (tunnel not passing traffic) [tunnel not passing traffic]'] },
    { name: 'charon gone: its own words', state: state(), seen: pass({ viciConnected: false }), want: ['stop-flow', 'route unreachable', 'health charon-down (charon not running)', 'record charon-down: charon not running'] },
  ])('$name', ({ state: before, seen, want }) => {
    expect(text(planTunnel(before, seen, TIMINGS), true)).toEqual(want);
  });
});

describe('carriesItsProfile: only an SA built from the profile in use is a tunnel of it', () => {
  const replaced = profileReplaced(state());
  const connecting = { ...replaced, replace: undefined, shown: { state: 'connecting', since: '2025-05-02T07:59:59.980Z', gateway: GW1 } } as const;
  const fresh = sa(2, 1, { establishedS: 0 });

  it('the SAs in place when a new profile replaces theirs are outdated; the next pass rebuilds', () => {
    expect(carriesItsProfile(state())).toBe(true);
    expect(replaced).toMatchObject({ replace: 'profile', outdated: [1] });
    expect(carriesItsProfile(replaced)).toBe(false);
  });

  it('keeps the last error of the new profile\'s attempts while an SA of the old one carries, and only then', () => {
    const pacing = failed(1, T0 + 1_000);
    const oldCarries: TunnelPlanState = { ...replaced, replace: undefined, pacing, shown: { state: 'up', since: '2025-05-02T07:59:59.980Z', gateway: GW1 } };
    expect(planTunnel(oldCarries, tunnel(FLOWING), TIMINGS).state.pacing).toEqual({ ...FRESH_PACING, lastError: pacing.lastError });
    expect(planTunnel(state({ pacing }), tunnel(FLOWING), TIMINGS).state.pacing).toEqual(FRESH_PACING);
  });

  it.each<Row & { carries: boolean }>([
    { name: 'a failed rebuild shows the old tunnel up again, which is no tunnel of the new profile', carries: false, state: connecting, seen: { kind: 'refused', ...basics, attempt: { ...ATTEMPT, previous: 'up', keeps: SA1 }, reason: 'authentication failed', message: 'AUTH', sas: [SA1], wanUp: true }, want: ['note-wan-up', 'log warn tunnel rebuild failed; the tunnel in place stays', 'record up gw0: authentication failed'], next: { outdated: [1] } },
    { name: 'the rebuilt SA listed, the old one gone and unmarked: not up before its first echo', carries: false, state: { ...connecting, sas: [fresh, SA1] }, seen: listed([fresh]), want: ['route tunnel', 'look tunnel'], next: { outdated: [] } },
    { name: 'then its first echo: up', carries: true, state: { ...connecting, sas: [fresh], outdated: [] }, seen: tunnel(FLOWING), want: ['run-flow', 'stop-wan', 'record up gw1', 'remember gw1'] },
    { name: 'an SA established while a newer profile was applied is outdated as well', carries: false, state: { ...replaced, shown: { state: 'up', since: '2025-05-02T07:59:59.980Z', gateway: GW1 } }, seen: { kind: 'established', ...basics, attempt: ATTEMPT, sas: [SA1, fresh], lastEchoAt: T0 - 300 }, want: ['note-wan-up', 'log info tunnel established', 'terminate 1', 'reset-flow', 'again'], next: { outdated: [1, 2] } },
  ])('$name', (row) => {
    const plan = check(row);
    expect(carriesItsProfile({ ...plan.state, ...(row.seen.kind === 'established' ? { sas: [fresh] } : {}) })).toBe(row.carries);
  });
});
