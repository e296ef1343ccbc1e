// Which kept protocols go when one more is made: the box keeps the newest PROTOCOLS_KEPT. Ids
// only grow, so a dropped protocol's number is never given to another.
export const PROTOCOLS_KEPT = 20;

export function nextProtocolId(ids: readonly number[]): number {
  return ids.reduce((max, id) => Math.max(max, id), 0) + 1;
}

/** The ids to delete once `added` is kept beside `ids`: the oldest beyond the newest PROTOCOLS_KEPT. */
export function protocolsToDrop(ids: readonly number[], added: number): number[] {
  const all = [...new Set([...ids, added])].sort((a, b) => b - a);
  return all.slice(PROTOCOLS_KEPT);
}
