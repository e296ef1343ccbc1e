// Anti-spoofing and the MAC binding: a chain per side checks that a packet's source address can
// come from there, and that a TI address comes from the MAC it was registered with. They run for
// every IPv4 packet, answers included, before anything is accepted (a forged answer would
// otherwise ride on a real connection's state); a packet that passes returns to the caller.
import type { FirewallDesired } from './desired.ts';
import { dropAs } from './drops.ts';
import { renderChain, rule, type Rule } from './nft.ts';
import type { Sides } from './sides.ts';

/** The jumps into the side chains; `wan` only where the WAN is not dropped whole anyway. */
export function spoofingJumps(sides: Sides, options: { wan: boolean }): Rule[] {
  return [
    rule(`meta nfproto ipv4 ${sides.lan} jump from_lan`, 'anti-spoofing and MAC binding on the LAN port'),
    ...(sides.terminals ? [rule(`meta nfproto ipv4 ${sides.terminals} jump from_terminals`, 'anti-spoofing and MAC binding on the terminal ports')] : []),
    rule(`meta nfproto ipv4 ${sides.fromTunnel} jump from_tunnel`, 'the tunnel carries only TI prefixes towards the TI segment'),
    ...(options.wan ? [rule(`meta nfproto ipv4 ${sides.fromWan} jump from_wan`, 'no TI address arrives in clear from the WAN')] : []),
  ];
}

/** The registered-device check that ends the LAN port's and the terminal ports' chains. */
function registered(): Rule[] {
  return [
    rule('ip saddr . ether saddr @hosts return', 'a registered device from its own MAC'),
    rule(`ip saddr @host_addresses ${dropAs('wrong_mac')}`, 'a registered TI address from another MAC'),
    rule(dropAs('unregistered'), 'a TI address nobody registered'),
  ];
}

export function renderSpoofingChains(desired: FirewallDesired, sides: Sides): string {
  const { tiSegment, halves } = desired;
  const chains = [
    renderChain('from_lan', undefined, [
      rule(`ip saddr @box_lan ${dropAs('spoofed')}`, "the box's own LAN addresses never arrive from outside"),
      rule(`ip saddr @ti_prefixes ${dropAs('spoofed')}`, 'the TI prefixes live behind the tunnel, never on the LAN'),
      rule(`ip saddr != ${tiSegment} return`, 'a practice-LAN address: the calling chain decides what it may reach'),
      rule(`ip saddr != ${halves.lanHalf} ${dropAs('spoofed')}`, 'only the LAN half of the TI segment lives on the LAN port'),
      ...registered(),
    ]),
  ];
  if (sides.terminals) {
    chains.push(
      renderChain('from_terminals', undefined, [
        rule('ip saddr 0.0.0.0 udp sport 68 udp dport 67 return', 'a terminal asking for its lease has no address yet'),
        rule(`ip saddr ${halves.terminalGateway} ${dropAs('spoofed')}`, "the box's own address never arrives from outside"),
        rule(`ip saddr != ${halves.terminalHalf} ${dropAs('spoofed')}`, 'only the terminal half of the TI segment lives on the terminal ports'),
        ...registered(),
      ]),
    );
  }
  chains.push(
    renderChain('from_tunnel', undefined, [
      rule(`ip saddr != @ti_prefixes ${dropAs('spoofed')}`, 'the tunnel carries only the TI prefixes'),
      rule(`ip daddr != ${tiSegment} ${dropAs('spoofed')}`, 'and only towards the TI segment'),
    ]),
    renderChain('from_wan', undefined, [
      rule(
        'icmp type { destination-unreachable, time-exceeded, parameter-problem } return',
        'ICMP errors may come from carrier-grade NAT routers in 100.64.0.0/10; path MTU discovery needs them',
      ),
      rule(`ip saddr @ti_prefixes ${dropAs('spoofed')}`, 'a TI address never arrives in clear from the WAN'),
      rule(`ip saddr ${tiSegment} ${dropAs('spoofed')}`, 'nor an address of the TI segment'),
    ]),
  );
  return chains.join('');
}
