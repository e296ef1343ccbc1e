// The WAN port: the WAN subsystem with its DHCP client's hook directory and the box's own
// resolv.conf, following the config's interfaces.wan and wan group from start to stop; a change
// of the WAN's settings is checked against the practice LAN and the address plan before it is
// committed. The resolvers it learns are those the agent's own lookups (gateway names) use. Its
// kernel port is handed on to the function test, which reads the WAN through it.
import type { Resolver } from 'node:dns/promises';
import { join } from 'node:path';
import { checkAddressPlan, refusals, type Lan } from '../../lan/index.ts';
import { NetlinkWanKernel, Wan, WanDhcpClient, wanLanOverlap, type WanDesired, type WanKernel } from '../../wan/index.ts';
import type { Config } from '../store/index.ts';
import type { FieldError } from '../store/index.ts';
import type { AgentContext } from './context.ts';

/** The WAN DHCP client's hook directory under the data directory: the lease outlives a reboot. */
export const WAN_HOOK_DIR = 'wan-dhcp';

export function wanDesired(config: Config): WanDesired {
  return { port: config.interfaces.wan, settings: config.wan };
}

export function wireWan(ctx: AgentContext, deps: { lan: Lan; resolver: Pick<Resolver, 'setServers'> }): { wan: Wan; wanKernel: WanKernel } {
  const { options, config } = ctx;
  const log = ctx.logFor('wan');
  const wanKernel = options.wanKernel ?? new NetlinkWanKernel();
  const wan = new Wan({
    kernel: wanKernel,
    client: new WanDhcpClient(join(options.dataDir, WAN_HOOK_DIR)),
    stateDir: ctx.stateDir,
    resolvConf: join(options.runDir ?? '/run/tibox', 'resolv.conf'),
    health: ctx.health,
    log,
    onResolvers: (resolvers) => {
      if (resolvers.length > 0) deps.resolver.setServers([...resolvers]);
    },
    desiredAtStart: () => {
      const desired = wanDesired(config.current().config);
      applied = JSON.stringify(desired);
      return desired;
    },
    now: ctx.now,
  });
  // Only a commit that changes the WAN's settings is news for it.
  let applied: string | undefined;
  ctx.bus.on(wan, 'config.changed', () => {
    const desired = wanDesired(config.current().config);
    if (JSON.stringify(desired) === applied) return;
    applied = JSON.stringify(desired);
    wan.apply(desired).catch((error: unknown) => log.error({ err: error }, 'WAN change not applied'));
  });
  config.addCommitCheck((next, changed) => (changed.some((path) => path.startsWith('wan.') || path === 'interfaces.wan') ? wanPlanProblems(next, deps.lan) : []));
  return { wan, wanKernel };
}

/**
 * A static WAN against the practice LAN and, once a profile is in, the address plan: a WAN subnet
 * that overlaps the practice network or the TI segment is refused before anything changes.
 */
export function wanPlanProblems(config: Config, lan: Pick<Lan, 'lastPlanInput'>): FieldError[] {
  if (config.wan.mode !== 'static') return [];
  const input = lan.lastPlanInput();
  const lanAddresses = input?.lan.addresses ?? [config.interfaces.lanFallback];
  const problems = wanLanOverlap(config.wan, lanAddresses).map(({ field, reason }) => ({ path: field, message: reason }));
  if (problems.length > 0 || !input) return problems;
  const findings = refusals(checkAddressPlan({ ...input, wan: { port: config.interfaces.wan, addresses: [config.wan.address] } }));
  return findings.filter((f) => f.code.startsWith('wan')).map((f) => ({ path: 'wan.address', message: f.message }));
}
