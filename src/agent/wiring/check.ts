// The function test (src/agent/check/): its checks read through the subsystems the composition
// root built, and each run gets its own sources, so the gateways are resolved and probed once per
// run (the address plan is read once too). Its finished runs go out on the bus as `check.finished`.
import type { ClockWatch } from '../clock/clockWatch.ts';
import {
  udpIkeProbe, type IkeProbe, type IkeProbeOutcome, type PathMtuWatch, type ProfileService, type TunnelController,
} from '../../ipsec/index.ts';
import type { Lan } from '../../lan/index.ts';
import { PROBE_TIMEOUT_MS, SICCT_PORT, sicctQuery, tcpProbe, type DeviceInventory } from '../../lan/inventory/index.ts';
import type { WanKernel } from '../../wan/index.ts';
import { dnsQuery } from '../check/dnsQuery.ts';
import { FunctionTest } from '../check/functionTest.ts';
import { FUNCTION_TEST_CHECKS } from '../check/functionTestChecks.ts';
import { fetchConnectorSds } from '../check/sdsFetch.ts';
import type { CheckSources } from '../check/sources.ts';
import { gatewaysBefore, WAN_LOOKUP_DEADLINE_MS } from '../check/wanLookups.ts';
import type { AgentContext } from './context.ts';

/** How long one IKE probe waits for its answer: a gateway answers within a round trip. */
const IKE_PROBE_TIMEOUT_MS = 3_000;

/** How long a card terminal's service description is waited for: SICCT advises 3 s on a local network. */
const SICCT_DISCOVERY_WAIT_MS = 3_000;

export interface CheckDeps {
  wanKernel: WanKernel;
  clock: ClockWatch;
  profile: ProfileService;
  tunnel: TunnelController;
  pathMtu: PathMtuWatch;
  inventory: DeviceInventory;
  lan: Lan;
  /** The name servers the agent's own lookups ask: the WAN's. */
  wanResolvers: () => string[];
  /** The IKE probe; the UDP one when absent. */
  ike?: IkeProbe;
}

export function wireCheck(ctx: AgentContext, deps: CheckDeps): FunctionTest {
  const test = new FunctionTest({
    checks: FUNCTION_TEST_CHECKS,
    sources: () => sourcesForRun(ctx, deps),
    stateDir: ctx.stateDir,
    audit: ctx.audit,
    onFinished: (result) => ctx.bus.emit('check.finished', { verdict: result.verdict, finishedAt: result.finishedAt }),
    log: ctx.logFor('check'),
    now: ctx.now,
  });
  test.registerActions(ctx.actions);
  return test;
}

function sourcesForRun(ctx: AgentContext, deps: CheckDeps): CheckSources {
  const ike = deps.ike ?? udpIkeProbe;
  const probes = new Map<string, Promise<IkeProbeOutcome>>();
  let addressPlan: ReturnType<Lan['recheckAddressPlan']> | undefined;
  return {
    now: ctx.now,
    health: () => ctx.health.list(),
    wanSettings: () => {
      const { config } = ctx.config.current();
      return { port: config.interfaces.wan, mode: config.wan.mode };
    },
    wanState: (port) => deps.wanKernel.read(port),
    profile: () => deps.profile.profile(),
    gateways: gatewaysBefore(WAN_LOOKUP_DEADLINE_MS, deps.wanResolvers, (profile, resolver) => deps.profile.resolveGatewaysNow(profile, resolver)),
    clock: async () => {
      await deps.clock.check();
      return deps.clock.tracking();
    },
    ike: (gateway, port) => {
      const key = `${gateway} ${port}`;
      let probe = probes.get(key);
      if (!probe) probes.set(key, (probe = ike(gateway, port, IKE_PROBE_TIMEOUT_MS)));
      return probe;
    },
    tunnel: () => deps.tunnel.tunnelStatus(),
    tunnelEnabled: () => deps.tunnel.isEnabled(),
    mtu: () => deps.pathMtu.mtuStatus(),
    connectorSds: fetchConnectorSds,
    dns: dnsQuery,
    devices: () => deps.inventory.devices(),
    sicct: (address) => tcpProbe(address, SICCT_PORT, PROBE_TIMEOUT_MS),
    sicctDescription: (address) => sicctQuery(address, SICCT_DISCOVERY_WAIT_MS),
    neighbours: () => deps.inventory.neighbours(),
    addressPlan: () => (addressPlan ??= deps.lan.recheckAddressPlan()),
  };
}
