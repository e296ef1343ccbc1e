// Prefixes and addresses as the routes module takes them: core's IPv4 rules, read so that bad
// input throws (here it is a caller's bug, see planRoutes), and TI prefixes /1 to /32 only. A /0
// would send all traffic into the tunnel table, and host bits are refused rather than silently
// cleared, so a mistyped profile shows up instead of routing something else.
import { parseInterfaceAddress, parseIpv4, parsePrefix, type Ipv4Prefix } from '../../core/index.ts';

/** Throws, saying what is wrong, for anything but a TI prefix. */
export function readTiPrefix(text: string): Ipv4Prefix {
  const slash = text.indexOf('/');
  if (slash >= 0) readIpv4(text.slice(0, slash));
  const slashed = parseInterfaceAddress(text);
  if (!slashed || slashed.length === 0) throw new Error(`not an IPv4 prefix (/1 to /32): ${JSON.stringify(text)}`);
  const prefix = parsePrefix(text);
  if (!prefix) throw new Error(`prefix has host bits set: ${JSON.stringify(text)}`);
  return prefix;
}

export function readIpv4(text: string): number {
  const address = parseIpv4(text);
  if (address === undefined) throw new Error(`not an IPv4 address: ${JSON.stringify(text)}`);
  return address;
}
