// Where a packet comes from or goes to, as nft matches for the chosen tunnel back end. With
// kernel-libipsec the tunnel is the TUN device ipsec0; with kernel XFRM decrypted packets come in
// on the WAN port carrying a security path, and encrypted ones leave with a transform attached.
import type { FirewallDesired } from './desired.ts';
import { dropAs } from './drops.ts';
import { iifname, oifname, quoted, rule, type Rule } from './nft.ts';

/** The TUN device of kernel-libipsec: what enters it leaves only ESP-encrypted. */
export const LIBIPSEC_DEVICE = 'ipsec0';

export interface Sides {
  /** From the LAN port. */
  readonly lan: string;
  /** From the terminal bridge; undefined without one. */
  readonly terminals: string | undefined;
  /** From the LAN port or the terminal bridge. */
  readonly lanSide: string;
  /** Decrypted out of the tunnel. */
  readonly fromTunnel: string;
  /** From the WAN in clear. */
  readonly fromWan: string;
  /** On its way out without encryption. */
  readonly leavesUnencrypted: string;
  /** On its way into the tunnel. */
  readonly intoTunnel: string;
  /** Out of the WAN port in clear (with kernel XFRM, a packet for the tunnel leaves there too, encrypted). */
  readonly toWanInClear: string;
}

export function sidesOf(desired: FirewallDesired): Sides {
  const { lan, wan, terminalBridge, tunnel } = desired.interfaces;
  const xfrm = tunnel === 'xfrm';
  return {
    lan: iifname([lan]),
    terminals: terminalBridge === undefined ? undefined : iifname([terminalBridge]),
    lanSide: iifname(terminalBridge === undefined ? [lan] : [lan, terminalBridge]),
    fromTunnel: xfrm ? `${iifname([wan])} meta secpath exists` : iifname([LIBIPSEC_DEVICE]),
    fromWan: xfrm ? `${iifname([wan])} meta secpath missing` : iifname([wan]),
    leavesUnencrypted: xfrm ? 'rt ipsec missing' : `oifname != ${quoted(LIBIPSEC_DEVICE)}`,
    intoTunnel: xfrm ? 'rt ipsec exists' : `oifname ${quoted(LIBIPSEC_DEVICE)}`,
    toWanInClear: xfrm ? `${oifname([wan])} rt ipsec missing` : oifname([wan]),
  };
}

/** SYN and SYN-ACK carry the MSS; one larger than the tunnel takes is lowered to what fits. */
export function clampMss(desired: FirewallDesired): string {
  const mss = desired.tunnelMtu - 40;
  return `tcp flags syn / syn,rst tcp option maxseg size > ${mss} tcp option maxseg size set ${mss}`;
}

/**
 * A TI packet leaves encrypted or not at all: kernel XFRM would send a packet that no policy
 * matches (an SA just deleted, a rekey collision, a selector the gateway narrowed) in clear along
 * its route. The XFRM lookup happens at routing, before the forward and output hooks.
 */
export function encryptedOnly(sides: Sides): Rule {
  return rule(`ip daddr @ti_prefixes ${sides.leavesUnencrypted} ${dropAs('cleartext')}`, 'a TI packet leaves encrypted or not at all');
}
