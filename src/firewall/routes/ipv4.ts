// IPv4 addresses and prefixes as tibox writes them: dotted quads, prefixes in canonical form
// (no host bits). The TI is IPv4 only (ARCHITECTURE.md §1), so nothing here knows IPv6.

/** The four bytes of a dotted-quad address; throws on anything else. */
export function parseIpv4(text: string): number[] {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) {
    throw new Error(`not an IPv4 address: ${JSON.stringify(text)}`);
  }
  return parts.map(Number);
}

export function formatIpv4(bytes: Iterable<number>): string {
  return [...bytes].join('.');
}

export interface Ipv4Prefix {
  readonly address: readonly number[];
  readonly length: number;
}

/**
 * A TI prefix: `a.b.c.d/len` with 1 <= len <= 32 and no host bits set. A /0 would send all
 * traffic into the tunnel table, and host bits are refused rather than silently cleared, so a
 * mistyped profile shows up instead of routing something else.
 */
export function parsePrefix(text: string): Ipv4Prefix {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  const length = Number(match?.[2]);
  if (!match?.[1] || length < 1 || length > 32) throw new Error(`not an IPv4 prefix (/1 to /32): ${JSON.stringify(text)}`);
  const address = parseIpv4(match[1]);
  const value = address.reduce((acc, b) => acc * 256 + b, 0);
  const hostBits = 2 ** (32 - length);
  if (value % hostBits !== 0) throw new Error(`prefix has host bits set: ${JSON.stringify(text)}`);
  return { address, length };
}

export function formatPrefix(address: Iterable<number>, length: number): string {
  return `${formatIpv4(address)}/${length}`;
}
