// What the box sends itself: open (IKE, DNS, NTP, the management endpoint, the tunnel's probes),
// except a TI packet that would leave unencrypted; its own connections into the tunnel get the
// same MSS clamp as routed ones.
import type { FirewallDesired } from './desired.ts';
import { renderChain, rule } from './nft.ts';
import { clampMss, encryptedOnly, type Sides } from './sides.ts';

export function renderOutput(desired: FirewallDesired, sides: Sides): string {
  return renderChain('output', 'type filter hook output priority filter; policy accept;', [
    encryptedOnly(sides),
    rule(`${sides.intoTunnel} ${clampMss(desired)}`, `the box's own connections into the tunnel: MSS clamped to its MTU ${desired.tunnelMtu}`),
  ]);
}
