// What a VPN profile may say about the TI's addresses (docs/profile.md). The profile import
// (src/ipsec) refuses a profile that says otherwise; the LAN's address plan checks the segment,
// and the firewall the prefixes, against the same numbers. Subsystems may not import each other,
// so the numbers they share live here, once, beside the IPv4 arithmetic they are checked with.

/** The box's TI segment: its halves, /25 to /29, leave room for hosts. */
export const TI_SEGMENT_LENGTHS = { min: 24, max: 28 } as const;

/** A TI prefix wider than a /8 would pull foreign networks (or the whole Internet) into the tunnel. */
export const TI_PREFIX_MIN_LENGTH = 8;
