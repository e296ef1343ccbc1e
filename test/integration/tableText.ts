// The tibox table as `nft -s list` prints it, for comparing two loads of the same ruleset: a
// device counter's comment says since when it counts (src/firewall/ruleset/deviceCounters.ts),
// and a table loaded from the boot's saved ruleset, or restored after a flush, starts counting
// anew. Everything else must be the same.
export function withoutCounterSince(table: string): string {
  return table.replace(/, since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"/g, '"');
}
