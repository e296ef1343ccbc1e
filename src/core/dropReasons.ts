// Why the firewall drops a packet, by the code its counters, kernel log lines and `fw why`
// reports carry. The list lives here, below every subsystem, as the error codes do (errors.ts):
// the firewall, which drops and counts by these codes, and the web UI, which says each in words
// in its own languages, both name the same list, and the type checker refuses either when a code
// is added without its text there.
export const DROP_REASON_CODES = [
  'cleartext',
  'invalid',
  'spoofed',
  'wrong_mac',
  'unregistered',
  'ipv6',
  'not_ti',
  'management',
  'from_tunnel',
  'from_wan',
  'wan_tcp',
  'service',
  'broadcast',
] as const;

export type DropReason = (typeof DROP_REASON_CODES)[number];

/** Whether `code`, as a report carries it, is one of the firewall's reasons. */
export function isDropReason(code: string): code is DropReason {
  return (DROP_REASON_CODES as readonly string[]).includes(code);
}
