// What the box sends itself: a TI packet leaves encrypted or not at all, and its own connections
// into the tunnel get the same MSS clamp as routed ones. Out of the WAN in clear its datagrams
// stay open (IKE, DNS, NTP, DHCP, the tunnel's probes), but of TCP only what ARCHITECTURE.md §2
// names: the management endpoint's internet address (remote management while the tunnel is down,
// and the WAN probe's knock) and DNS for answers too large for UDP.
import type { FirewallDesired } from './desired.ts';
import { dropAs } from './drops.ts';
import { renderChain, rule } from './nft.ts';
import { clampMss, encryptedOnly, type Sides } from './sides.ts';

export function renderOutput(desired: FirewallDesired, sides: Sides): string {
  const toWan = sides.toWanInClear;
  const management = desired.managementOverInternet;
  return renderChain('output', 'type filter hook output priority filter; policy accept;', [
    encryptedOnly(sides),
    rule(`${sides.intoTunnel} ${clampMss(desired)}`, `the box's own connections into the tunnel: MSS clamped to its MTU ${desired.tunnelMtu}`),
    ...(management === undefined
      ? []
      : [rule(`${toWan} ip daddr ${management.address} tcp dport ${management.port} accept`, 'the management endpoint over the internet: remote management while the tunnel is down')]),
    rule(`${toWan} meta l4proto tcp th dport 53 accept`, "DNS over TCP for the box's own lookups, when an answer is too large for UDP"),
    rule(`${toWan} meta l4proto tcp ct state new ${dropAs('wan_tcp')}`, 'no other TCP connection of the box leaves the WAN'),
  ]);
}
