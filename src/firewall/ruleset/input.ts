// What reaches the box itself (stateful, default deny): its LAN-side services only from the LAN
// side, IKE and ESP only from the datacenter's gateways, nothing new from the WAN or the tunnel.
import type { FirewallDesired } from './desired.ts';
import { dropAs } from './drops.ts';
import { iifname, renderChain, rule, type Rule } from './nft.ts';
import type { Sides } from './sides.ts';
import { spoofingJumps } from './spoofing.ts';

/** The services a LAN-side interface offers, addressed to the box's own address(es) there. */
function services(desired: FirewallDesired, from: string, to: string): Rule[] {
  return [
    rule(`${from} ${to} tcp dport { 80, 443 } accept`, 'the web UI, served on the LAN side only (HTTP only redirects to HTTPS)'),
    rule(`${from} ${to} meta l4proto { tcp, udp } th dport 53 accept`, 'DNS for the LAN side; TI names are asked through the tunnel'),
    ...(desired.ntp ? [rule(`${from} ${to} udp dport 123 accept`, 'NTP for the LAN side (switched on)')] : []),
    rule(`${from} ${to} icmp type echo-request accept`, 'the LAN side may ping the box'),
  ];
}

/** IKE (and, with kernel XFRM, ESP) from the gateways needs no state: a gateway may start a rekey. */
function fromGateways(desired: FirewallDesired, sides: Sides): Rule[] {
  const rules = [
    rule(`${sides.fromWan} ip saddr @gateways_v4 udp dport { 500, 4500 } accept`, "IKE and NAT-T from the datacenter's gateways"),
    rule(`${sides.fromWan} ip6 saddr @gateways_v6 udp dport { 500, 4500 } accept`, 'IKE and NAT-T from the gateways over IPv6'),
  ];
  if (desired.interfaces.tunnel === 'xfrm') {
    rules.push(
      rule(`${sides.fromWan} ip saddr @gateways_v4 meta l4proto esp accept`, 'ESP from the gateways, for kernel XFRM to decrypt'),
      rule(`${sides.fromWan} ip6 saddr @gateways_v6 meta l4proto esp accept`, 'ESP from the gateways over IPv6'),
    );
  }
  return rules;
}

export function renderInput(desired: FirewallDesired, sides: Sides): string {
  const { lan, wan } = desired.interfaces;
  return renderChain('input', 'type filter hook input priority filter; policy drop;', [
    rule('iif "lo" accept', "the box's own services talk over loopback"),
    rule(`${sides.lanSide} udp dport 4742 meta pkttype broadcast accept`, 'SICCT announcements: how the device inventory finds card terminals, registered or not'),
    // Before the MAC binding, which would drop these as 'unregistered': the reply direction of a
    // connection the box opened itself, so nothing reaches the box that it did not ask for.
    rule(
      `${sides.lanSide} ip saddr != @host_addresses tcp sport 4742 ct direction reply accept`,
      "answers to the inventory's SICCT probe from terminals not registered yet, to the box's own connections only",
    ),
    ...spoofingJumps(sides, { wan: true }),
    rule('ct state established,related accept', 'answers to what the box started or accepted, and their ICMP errors'),
    rule(`ct state invalid ${dropAs('invalid')}`, 'no state, no entry'),
    rule('icmp type { destination-unreachable, time-exceeded, parameter-problem } accept', 'ICMP errors; path MTU discovery needs them'),
    rule(
      'icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept',
      'ICMPv6 errors and neighbour discovery, for IKE over IPv6',
    ),
    ...fromGateways(desired, sides),
    rule(`${iifname([lan, wan])} udp sport 67 udp dport 68 accept`, "DHCP answers to the box's own client on the LAN and WAN ports"),
    ...services(desired, sides.lan, 'ip daddr @box_lan'),
    ...(sides.terminals === undefined
      ? []
      : [
          rule(`${sides.terminals} udp sport 68 udp dport 67 accept`, 'DHCP for the card terminals (static leases by MAC)'),
          ...services(desired, sides.terminals, `ip daddr ${desired.halves.terminalGateway}`),
        ]),
    rule(`meta pkttype { broadcast, multicast } ${dropAs('broadcast')}`, 'broadcast and multicast the box does not serve'),
    rule(`${sides.fromTunnel} ${dropAs('from_tunnel')}`, 'nothing new from the TI: remote support goes through remote management'),
    rule(`${sides.fromWan} ${dropAs('from_wan')}`, 'nothing new from the WAN: neither the web UI nor any other service answers there'),
    rule(dropAs('service'), 'any other LAN-side request'),
  ]);
}
