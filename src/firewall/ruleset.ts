// The tibox nftables table, rendered from the desired state (pure; `nft -f` loads it whole).
// Without a profile it is the fail-closed baseline that also stands from boot until the agent
// runs: nothing is forwarded, so no TI packet can leave in clear and nothing reaches the LAN
// from the WAN, and the box accepts only what it needs to come up (loopback, answers to its own
// traffic, ICMP for errors and path MTU discovery, IPv6 neighbour discovery for IKE over IPv6,
// DHCP answers to its own client). With a profile, the TI segment may reach the TI prefixes:
// the routes lead them into the tunnel or nowhere, and a rule here makes sure that whatever the
// routes say, a TI packet never leaves unencrypted.
// Replacing is atomic: the table is declared, deleted and defined again in one `nft -f`.

export const TIBOX_TABLE = { family: 'inet', name: 'tibox' } as const;

export interface FirewallDesired {
  tiSegment: string;
  tiPrefixes: readonly string[];
}

/** The TUN device of kernel-libipsec: what enters it leaves only ESP-encrypted. */
const LIBIPSEC_DEVICE = 'ipsec0';

/**
 * A TI packet leaves encrypted or not at all: into libipsec's device, or with an XFRM transform
 * attached. Kernel XFRM would send a packet that no policy matches (an SA just deleted, a rekey
 * collision, a selector the gateway narrowed) in clear along its route; this drops it. The XFRM
 * lookup happens at routing, before the forward and output hooks, so `rt ipsec` is known there.
 */
function encryptedOnly(desired: FirewallDesired): string {
  return `    ip daddr { ${desired.tiPrefixes.join(', ')} } oifname != "${LIBIPSEC_DEVICE}" rt ipsec missing drop comment "tibox: a TI packet leaves encrypted or not at all"\n`;
}

function forwardRules(desired: FirewallDesired | null): string {
  if (!desired) return `    comment "tibox: fail closed, nothing is forwarded until the agent applies its ruleset"\n`;
  return `${encryptedOnly(desired)}    ct state established,related accept comment "tibox: answers within allowed flows, and their ICMP errors (path MTU discovery)"
    ct state invalid drop comment "tibox: no state, no passage"
    ip saddr ${desired.tiSegment} ip daddr { ${desired.tiPrefixes.join(', ')} } accept comment "tibox: the TI segment reaches the TI prefixes (the TI routes lead them into the tunnel)"
`;
}

export function renderRuleset(desired: FirewallDesired | null): string {
  const { family, name } = TIBOX_TABLE;
  return `# tibox ${desired ? 'ruleset' : 'fail-closed baseline: loaded at boot, replaced whole by the agent\'s ruleset'}.
table ${family} ${name}
delete table ${family} ${name}
table ${family} ${name} {
  chain input {
    type filter hook input priority filter; policy drop;
    iif "lo" accept comment "tibox: the box's own services talk over loopback"
    ct state established,related accept comment "tibox: answers to what the box itself started (IKE, DNS, NTP)"
    ct state invalid drop comment "tibox: no state, no entry"
    meta l4proto icmp accept comment "tibox: ICMP errors and echo; path MTU discovery needs them"
    meta l4proto ipv6-icmp icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert, packet-too-big } accept comment "tibox: IPv6 neighbour discovery for IKE over IPv6"
    udp sport 67 udp dport 68 accept comment "tibox: DHCP answers to the box's own client"
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
${forwardRules(desired)}  }
  chain output {
    type filter hook output priority filter; policy accept;
${desired ? encryptedOnly(desired) : ''}  }
}
`;
}
