// The config's fields as the subsystems that plan from them judge them: the LAN address plan (the
// ports, the terminal bridge's name, the fallback address), the firewall (ports it cannot filter
// on), dnsmasq (the LAN port's name), the WAN (a static address, its gateway), the tunnel's path
// MTU (tunnel.wanMtu) and the updater (the opening hours). A value one of them refuses would be
// refused on every pass, long after it was typed; the config refuses it when it is committed, by
// each planner's own function, so every rule is written once.
import { validateFirewallInterfaces } from '../../firewall/index.ts';
import { wanMtuProblem } from '../../ipsec/index.ts';
import { dnsmasqInterfaceProblem, lanSettingProblems, TERMINAL_BRIDGE } from '../../lan/index.ts';
import { updateTimesProblems } from '../../updater/index.ts';
import { wanSettingProblems } from '../../wan/index.ts';
import type { Config } from './configSchema.ts';
import type { FieldError } from './fields.ts';

/** The planners' problems with a config whose fields are each valid, one a field. */
export function plannerProblems(config: Config): FieldError[] {
  const { lan, wan, lanFallback, terminals } = config.interfaces;
  const problems = [
    ...lanSettingProblems({ lanPort: lan, terminalPorts: terminals, practiceFallback: lanFallback }),
    // As the data path hands them over. libipsec is the back end it assumes while charon has not
    // said, and the stricter one: a port may not take its tunnel device's name.
    ...validateFirewallInterfaces({ lan, wan, ...(terminals.length > 0 ? { terminalBridge: TERMINAL_BRIDGE } : {}), tunnel: 'libipsec' }),
  ];
  problems.push(...wanSettingProblems(config.wan));
  const wanMtu = wanMtuProblem(config.tunnel.wanMtu);
  if (wanMtu !== undefined) problems.push({ field: 'tunnel.wanMtu', reason: wanMtu });
  problems.push(...updateTimesProblems(config.updates));
  const dnsmasq = dnsmasqInterfaceProblem(lan);
  if (dnsmasq !== undefined) problems.push({ field: 'interfaces.lan', reason: dnsmasq });
  // The planners overlap (a LAN port named like the terminal bridge is refused by two): the first word stands.
  const byField = new Map<string, string>();
  for (const { field, reason } of problems) if (!byField.has(field)) byField.set(field, reason);
  return [...byField].map(([path, message]) => ({ path, message }));
}
