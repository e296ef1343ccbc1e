// When did traffic flow again? Pure reading of reply timestamps (ms) from a 10 ms ping: the
// first reply at or after `from` that ends a silence longer than GAP_MS. Replies that keep
// coming without such a silence for UNAFFECTED_MS after `from` mean the fault cost nothing:
// the answer is `from` itself. Echoes already in flight at the fault do not count as recovery.

export const GAP_MS = 50;
export const UNAFFECTED_MS = 1_000;

export function recoveryAt(replies: readonly number[], from: number, now: number): number | 'pending' {
  let previous: number | undefined;
  for (const at of replies) {
    // No reply before at all (a cold start) is a silence too.
    if (at >= from && (previous === undefined || at - previous > GAP_MS)) return at;
    previous = at;
  }
  // No gap ended after `from` yet: is there an unbroken run of replies through the window?
  if (now - from < UNAFFECTED_MS) return 'pending';
  const window = replies.filter((at) => at >= from - GAP_MS && at <= from + UNAFFECTED_MS);
  const unbroken = window.length > 0 && (window[0] as number) <= from && window.every((at, i) => i === 0 || at - (window[i - 1] as number) <= GAP_MS);
  return unbroken && (window.at(-1) as number) >= from + UNAFFECTED_MS - GAP_MS ? from : 'pending';
}

/** The silences longer than `minMs` between `from` and `to` (ms), each as its length: a gap in traffic that had flowed again. */
export function silences(replies: readonly number[], from: number, to: number, minMs: number): number[] {
  const within = [from, ...replies.filter((at) => at > from && at < to), to];
  return within.slice(1).map((at, i) => at - (within[i] as number)).filter((gap) => gap > minMs);
}
