// The tibox table's named counters as `nft -j list counters table inet tibox` lists them: each
// by name with its packets, bytes and, for a device's, the time it started counting (from its
// comment). What the firewall carries over a reload, and what `tibox fw why` reports.
import { sinceOf, type CounterValue } from './ruleset/index.ts';

interface ListedCounter {
  name?: unknown;
  packets?: unknown;
  bytes?: unknown;
  comment?: unknown;
}

/** Throws on output that is not nft's JSON; counters it cannot read are left out. */
export function parseCounterList(json: string): Map<string, CounterValue> {
  const parsed = JSON.parse(json) as { nftables?: unknown };
  if (!Array.isArray(parsed.nftables)) throw new Error('nft -j list counters: no "nftables" list in its output');
  const counters = new Map<string, CounterValue>();
  for (const item of parsed.nftables as { counter?: ListedCounter }[]) {
    const counter = item.counter;
    if (!counter || typeof counter.name !== 'string' || !isCount(counter.packets) || !isCount(counter.bytes)) continue;
    const since = sinceOf(typeof counter.comment === 'string' ? counter.comment : undefined);
    counters.set(counter.name, { packets: counter.packets, bytes: counter.bytes, ...(since === undefined ? {} : { since }) });
  }
  return counters;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
