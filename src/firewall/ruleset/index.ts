// The tibox nftables table, rendered from the desired state (pure; `nft -f` loads it whole).
// Without a desired state it is the fail-closed baseline. With one: stateful default deny on
// input and forward; registered devices (each TI address bound to its MAC) reach the TI prefixes
// through the tunnel; the connector reaches the terminals' SICCT port and the PVS hosts' CETP
// ports; the web UI, DNS, DHCP and NTP answer on the LAN side only (the web UI also before a profile); nothing new from the WAN or
// the tunnel; no IPv6 forwarded; a TI packet leaves encrypted or not at all; MSS clamped to the
// tunnel; every drop counted and logged by reason, and what each registered device sends, receives
// and has dropped counted under its id. Every rule says in its comment why it exists.
// Replacing is atomic: the table is declared, deleted and defined again in one `nft -f`; no
// other table is named.
import { baseline } from './baseline.ts';
import type { CarriedCounters } from './counters.ts';
import { isBaseline, type FirewallState } from './desired.ts';
import { renderDeviceCountChains, renderDeviceCounters } from './deviceCounters.ts';
import { DROP_REASONS, renderCounters, renderDropChains, type DropReason } from './drops.ts';
import { renderForward } from './forward.ts';
import { renderInput } from './input.ts';
import { replaceTable } from './nft.ts';
import { renderOutput } from './output.ts';
import { renderSets } from './sets.ts';
import { sidesOf } from './sides.ts';
import { renderSpoofingChains } from './spoofing.ts';
import { assertValidFirewallDesired } from './validate.ts';

export type { BaselineDesired, FirewallDesired, FirewallInterfaces, FirewallState, HostKind, RegisteredHost, SegmentHalves, TunnelBackend } from './desired.ts';
export { isBaseline } from './desired.ts';
export { validateFirewallDesired, validateFirewallInterfaces, type FirewallProblem } from './validate.ts';
export { sinceOf, type CarriedCounters, type CounterValue } from './counters.ts';
export { deviceCounterName } from './deviceCounters.ts';
export { DROP_REASONS, type DropReason } from './drops.ts';

export const TIBOX_TABLE = { family: 'inet', name: 'tibox' } as const;

const TABLE = `${TIBOX_TABLE.family} ${TIBOX_TABLE.name}`;

/**
 * Throws TIBOX_FIREWALL_INVALID for a desired state that fails validation; renders nothing of it.
 * Without `carried` every counter starts at zero and no device counter says since when: the text
 * `tibox fw print` shows and the boot loads. With it, each counter that exists carries its value.
 */
export function renderRuleset(desired: FirewallState, carried?: CarriedCounters): string {
  if (!desired) return baseline(TABLE);
  if (isBaseline(desired)) return baseline(TABLE, desired.baselineLan);
  assertValidFirewallDesired(desired);
  const sides = sidesOf(desired);
  const reasons = (Object.keys(DROP_REASONS) as DropReason[]).filter((reason) => reason !== 'management' || desired.managementPrefix !== undefined);
  return `# tibox ruleset.
${replaceTable(TABLE)}${renderCounters(reasons, carried)}${renderDeviceCounters(desired.hosts, carried)}${renderSets(desired)}${renderInput(desired, sides)}${renderForward(desired, sides)}${renderOutput(desired, sides)}${renderSpoofingChains(desired, sides)}${renderDropChains(reasons)}${renderDeviceCountChains()}}
`;
}

/**
 * Whether a ruleset's text replaces the tibox table whole, as every rendered one does: after its
 * comment lines the table is declared, deleted and defined. Loading anything else could leave
 * the box with no tibox table at all (an empty file loads without an error).
 */
export function replacesTiboxTable(text: string): boolean {
  return text.replace(/^(#[^\n]*\n)*/, '').startsWith(replaceTable(TABLE));
}
