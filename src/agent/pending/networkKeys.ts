// The config keys whose change can cut the box off from the person making it (a port renamed, the
// fallback address moved, the terminal ports taken away): such a change is applied as a pending
// change that returns by itself unless it is confirmed in time (pendingChange.ts). A key names a
// field or a whole group ('wan' takes every field of the WAN's group: its mode, address, gateway
// and resolvers).
export const NETWORK_KEYS: readonly string[] = [
  'interfaces.lan',
  'interfaces.wan',
  'interfaces.lanFallback',
  'interfaces.terminals',
  'wan',
];

/** Whether a field's dotted path ('interfaces.lanFallback') is one of NETWORK_KEYS or lies in one of its groups. */
export function isNetworkPath(path: string, keys: readonly string[] = NETWORK_KEYS): boolean {
  return keys.some((key) => path === key || path.startsWith(`${key}.`));
}
