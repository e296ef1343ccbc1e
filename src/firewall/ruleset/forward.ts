// What the box routes (stateful, default deny): registered devices to the TI prefixes, the
// connector to the terminals' SICCT port and to the PVS hosts' CETP ports, answers within those
// flows. Never anything between the LAN and the internet, never IPv6, never a TI packet in clear.
import type { FirewallDesired } from './desired.ts';
import { ACCEPT_COUNTED } from './deviceCounters.ts';
import { dropAs } from './drops.ts';
import { renderChain, rule } from './nft.ts';
import { clampMss, encryptedOnly, type Sides } from './sides.ts';
import { spoofingJumps } from './spoofing.ts';

export function renderForward(desired: FirewallDesired, sides: Sides): string {
  const management = desired.managementPrefix;
  return renderChain('forward', 'type filter hook forward priority filter; policy drop;', [
    encryptedOnly(sides),
    rule(`meta nfproto ipv6 ${dropAs('ipv6')}`, 'IPv6 is never forwarded'),
    rule(`${sides.fromWan} ${dropAs('from_wan')}`, 'nothing from the WAN is routed, not even what looks like an answer: no LAN flow goes there'),
    ...spoofingJumps(sides, { wan: false }),
    rule(clampMss(desired), `everything routed crosses the tunnel: MSS clamped to its MTU ${desired.tunnelMtu}`),
    rule(`ct state established,related ${ACCEPT_COUNTED}`, 'answers within the allowed flows, and their ICMP errors (path MTU discovery)'),
    rule(`ct state invalid ${dropAs('invalid')}`, 'no state, no passage'),
    ...(management === undefined
      ? []
      : [rule(`${sides.lanSide} ip daddr ${management} ${dropAs('management')}`, "the datacenter's management network serves the box alone")]),
    rule(`${sides.lanSide} ip saddr ${desired.tiSegment} ip daddr @ti_prefixes ${ACCEPT_COUNTED}`, 'registered devices (MAC checked above) reach the TI; the routes lead them into the tunnel'),
    rule(`${sides.fromTunnel} ip daddr @terminals tcp dport 4742 ${ACCEPT_COUNTED}`, 'the connector reaches the card terminals (SICCT)'),
    rule(`${sides.fromTunnel} ip daddr . tcp dport @cetp ${ACCEPT_COUNTED}`, 'the connector delivers CETP events to PVS hosts on their registered ports'),
    rule(`${sides.fromTunnel} ${dropAs('from_tunnel')}`, 'nothing else from the TI into the practice'),
    rule(dropAs('not_ti'), 'only TI traffic is routed: nothing from the LAN to the internet, no practice address into the TI'),
  ]);
}
