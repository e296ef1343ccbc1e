// The fail-closed baseline: the table without a desired state, loaded at boot before any
// interface comes up and standing until the agent applies its ruleset. Nothing is forwarded, so
// no TI packet can leave in clear and nothing reaches the LAN from the WAN; the box accepts only
// what it needs to come up (loopback, answers to its own traffic, ICMP for errors and path MTU
// discovery, IPv6 neighbour discovery for IKE over IPv6, DHCP answers to its own client).
// As loaded at boot it names no interface and no address, so it fits every box; the agent, which
// knows the LAN port, adds the web UI there (HTTPS, and HTTP that redirects to it), so a box
// without a profile is reachable for the installer, and saves that for the next boot.
import { quoted, replaceTable } from './nft.ts';

/** Interface names as validate.ts takes them. */
const INTERFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

export function baseline(table: string, lan?: string): string {
  if (lan !== undefined && (!INTERFACE_NAME.test(lan) || lan === 'lo' || lan === '.' || lan === '..')) {
    throw new Error(`the baseline's LAN port must be an interface name, not ${JSON.stringify(lan)}`);
  }
  const webUi = lan === undefined ? '' : `    iifname ${quoted(lan)} tcp dport { 80, 443 } accept comment "tibox: the web UI on the LAN port (HTTP only redirects to HTTPS), before any profile too"
`;
  return `# tibox fail-closed baseline: loaded at boot, replaced whole by the agent's ruleset.
${replaceTable(table)}  chain input {
    type filter hook input priority filter; policy drop;
    iif "lo" accept comment "tibox: the box's own services talk over loopback"
    ct state established,related accept comment "tibox: answers to what the box itself started (IKE, DNS, NTP)"
    ct state invalid drop comment "tibox: no state, no entry"
    meta l4proto icmp accept comment "tibox: ICMP errors and echo; path MTU discovery needs them"
    meta l4proto ipv6-icmp icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert, packet-too-big } accept comment "tibox: IPv6 neighbour discovery for IKE over IPv6"
    udp sport 67 udp dport 68 accept comment "tibox: DHCP answers to the box's own client"
${webUi}  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    comment "tibox: fail closed, nothing is forwarded until the agent applies its ruleset"
  }
  chain output {
    type filter hook output priority filter; policy accept;
  }
}
`;
}
