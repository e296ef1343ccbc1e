// A TI address to offer for a device registered with one click, pure: the device's own address
// where it already uses one in the right half, else the lowest free host address of the half.
import { formatIpv4, isHostAddress, lastAddress, parseIpv4, parsePrefix, prefixContains } from '../../core/ipv4.ts';

/**
 * The address to offer in `half` (a.b.c.d/len): `own` when it lies in the half and is neither the
 * box's `gateway` nor `taken`; otherwise the lowest host address that is none of those.
 * Undefined when the half is full or not a prefix.
 */
export function offeredAddress(half: string, gateway: string, taken: readonly string[], own?: string): string | undefined {
  const prefix = parsePrefix(half);
  if (!prefix) return undefined;
  const used = new Set([gateway, ...taken]);
  const ownValue = own === undefined ? undefined : parseIpv4(own);
  if (own !== undefined && ownValue !== undefined && prefixContains(prefix, ownValue) && isHostAddress(prefix, ownValue) && !used.has(own)) return own;
  for (let a = prefix.network + 1; a < lastAddress(prefix); a++) {
    const text = formatIpv4(a);
    if (!used.has(text) && isHostAddress(prefix, a)) return text;
  }
  return undefined;
}
