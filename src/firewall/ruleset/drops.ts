// Why a packet was dropped. Each reason has a named counter (the UI reads them) and a chain that
// counts, logs and drops: the kernel log line carries the prefix `tibox drop <reason>: ` with the
// interfaces, MACs, addresses and ports, at most LOG_RATE lines a minute per reason, so a flood of
// one kind neither fills the log nor hides the others. Rules send a packet away with `goto`.
// Before that, every drop but a broadcast is counted for the registered device it concerns
// (deviceCounters.ts). The list of reasons is core's (DROP_REASON_CODES), which the web UI's
// texts follow too; here each gets the words of its counter's and its chain's comments.
import type { DropReason } from '../../core/index.ts';
import { initialValue, type CarriedCounters } from './counters.ts';
import { COUNT_DEVICE_DROP } from './deviceCounters.ts';
import { comment, renderChain, rule } from './nft.ts';

export const DROP_REASONS = {
  cleartext: 'a TI packet that would have left unencrypted',
  invalid: 'a packet of no known connection',
  spoofed: 'a source address that cannot come from that side',
  wrong_mac: 'a registered TI address sent from another MAC',
  unregistered: 'a TI address that is not registered',
  ipv6: 'IPv6, which the box never forwards',
  not_ti: "traffic that is no TI flow: the box is not the practice's internet router",
  management: "a practice device towards the datacenter's management network",
  from_tunnel: 'a connection from the TI that no registered port allows',
  from_wan: 'a connection from the WAN side',
  wan_tcp: 'a TCP connection of the box out of the WAN, not to management or DNS',
  service: 'a LAN-side connection to a service the box does not offer',
  broadcast: 'broadcast or multicast the box does not serve',
} as const satisfies Record<DropReason, string>;

export type { DropReason };

/** Log lines a minute per reason, after a burst of five. */
const LOG_RATE = 10;

/** The verdict that sends a packet to its reason's chain. */
export function dropAs(reason: DropReason): string {
  return `goto drop_${reason}`;
}

/** A counter per reason, with the value it carries over a reload. */
export function renderCounters(reasons: readonly DropReason[], carried: CarriedCounters | undefined): string {
  return reasons.map((reason) => `  counter ${reason} { ${comment(`dropped: ${DROP_REASONS[reason]}`)}${initialValue(carried?.values.get(reason))} }\n`).join('');
}

export function renderDropChains(reasons: readonly DropReason[]): string {
  return reasons
    .map((reason) =>
      renderChain(`drop_${reason}`, undefined, [
        ...(reason === 'broadcast' ? [] : [COUNT_DEVICE_DROP]),
        rule(`counter name "${reason}" limit rate over ${LOG_RATE}/minute burst 5 packets drop`, `counted; past ${LOG_RATE} a minute dropped without a log line`),
        rule(`log prefix "tibox drop ${reason}: " drop`, `logged, so the UI can say why: ${DROP_REASONS[reason]}`),
      ]),
    )
    .join('');
}
