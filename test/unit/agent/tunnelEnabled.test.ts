// The config's tunnel.enabled drives the tunnel at once: a real config service on a database in a
// temporary directory, the agent's event bus and control actions, and a real tunnel controller
// against the fake charon, routes and pings of the controller's tests, in fake time.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigService } from '../../../src/agent/config.ts';
import type { AgentEvents } from '../../../src/agent/events.ts';
import { followTunnelEnabled } from '../../../src/agent/wiring/tunnel.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { EventBus } from '../../../src/core/eventBus.ts';
import { Health } from '../../../src/core/health.ts';
import { registerTunnelActions, TunnelController } from '../../../src/ipsec/index.ts';
import { tempDir } from '../control/helpers.ts';
import { FakeCharon } from '../ipsec/tunnel/fakeCharon.ts';
import { FakeProcesses, FakeRoutes, MemoryHistory, memoryLog } from '../ipsec/tunnel/fakeOs.ts';
import { LOCAL_TI, PROBE, PROFILE } from '../ipsec/tunnel/profile.ts';

const TUNNEL = `tunnel via ipsec0 src ${LOCAL_TI}`;
const AS_CLI = { actor: 'local-cli' };

let cleanup: () => Promise<void>;
let config: ConfigService;
let tunnel: TunnelController;
let charon: FakeCharon;
let routes: FakeRoutes;
let procs: FakeProcesses;
let actions: ControlActions;
let logLines: ReturnType<typeof memoryLog>['lines'];
let audited: string[];

beforeEach(async () => {
  const temp = await tempDir();
  cleanup = temp.cleanup;
  audited = [];
  vi.useFakeTimers({ now: new Date('2025-05-02T08:00:00.000Z') });
  const { log, lines } = memoryLog();
  logLines = lines;
  const bus = new EventBus<AgentEvents>((event, error) => log.error({ err: error, event }, 'event listener failed'));
  const health = new Health(() => undefined);
  config = new ConfigService({ dataDir: temp.dir, stateDir: join(temp.dir, 'state'), health, bus, log, setLogLevel: () => undefined });
  charon = new FakeCharon();
  routes = new FakeRoutes();
  procs = new FakeProcesses();
  tunnel = new TunnelController({
    vici: charon,
    routes,
    tunnelPath: (p) => ({ kind: 'libipsec', dev: 'ipsec0', src: p.localTiAddress }),
    startProcess: procs.start,
    history: new MemoryHistory(),
    health,
    log,
    enabledAtStart: () => config.current().config.tunnel.enabled,
  });
  actions = new ControlActions();
  config.registerActions(actions);
  registerTunnelActions(actions, {
    tunnel,
    persistEnabled: (enabled, actor) => void config.commit({ tunnel: { enabled } }, actor),
    audit: (actor, action) => void audited.push(`${actor} ${action}`),
  });
  followTunnelEnabled({ bus, config }, tunnel, log);
  await config.start(AbortSignal.timeout(1_000));
  await tunnel.start(AbortSignal.timeout(1_000));
  await tunnel.apply({ profile: PROFILE });
  await passTraffic();
});

afterEach(async () => {
  const stopping = tunnel.stop();
  await vi.advanceTimersByTimeAsync(10_000);
  await stopping;
  await config.stop();
  vi.useRealTimers();
  await cleanup();
  // No switch may have failed unseen.
  expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
});

/** The flow probe's echoes come back for a moment. */
async function passTraffic(): Promise<void> {
  for (let t = 0; t < 100; t += 50) {
    procs.reply(PROBE);
    await vi.advanceTimersByTimeAsync(50);
  }
}

const commitEnabled = (enabled: boolean) => actions.run('config.commit', { change: { tunnel: { enabled } } }, AS_CLI);
const state = () => tunnel.tunnelStatus().state;

describe('tunnel.enabled committed through the control API', () => {
  it('takes the tunnel down with false and brings it up with true', async () => {
    expect([state(), routes.current]).toEqual(['up', TUNNEL]);
    let mark = charon.transcript.length;
    await commitEnabled(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(charon.transcript.slice(mark)).toEqual(['terminate 1']);
    expect([state(), routes.current]).toEqual(['disabled', 'unreachable']);

    mark = charon.transcript.length;
    await commitEnabled(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(charon.transcript.slice(mark)).toEqual(['initiate tibox-gw0']);
    await passTraffic();
    expect([state(), routes.current]).toEqual(['up', TUNNEL]);
  });

  it('brings up a tunnel that `tunnel down` took down, and `tunnel up` finds the setting it stores in force', async () => {
    await actions.run('tunnel.down', undefined, AS_CLI);
    expect([state(), config.current().config.tunnel.enabled]).toEqual(['disabled', false]);

    const mark = charon.transcript.length;
    await commitEnabled(true);
    await vi.advanceTimersByTimeAsync(0);
    await passTraffic();
    expect(charon.calls('initiate', mark)).toEqual(['initiate tibox-gw0']);
    expect(state()).toBe('up');
    expect((await actions.run('config.audit', {}, AS_CLI)) as unknown[]).toHaveLength(2);

    await actions.run('tunnel.up', undefined, AS_CLI);
    expect(charon.calls('initiate', mark)).toEqual(['initiate tibox-gw0']);
    expect(config.current().revision).toBe(2);
  });

  it('audits a restart with who asked for it', async () => {
    await actions.run('tunnel.restart', undefined, { actor: 'webui:admin' });
    expect(audited).toEqual(['webui:admin tunnel.restart']);
  });

  it('leaves the tunnel alone on a commit of another field or of the value in force', async () => {
    const mark = charon.transcript.length;
    await actions.run('config.commit', { change: { box: { name: 'Praxis Nord' } } }, AS_CLI);
    await commitEnabled(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(charon.transcript.slice(mark)).toEqual([]);
    expect(state()).toBe('up');
  });
});
