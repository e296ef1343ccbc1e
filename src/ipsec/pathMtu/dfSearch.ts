// The search for the path MTU towards a gateway with probes that have DF set, as pure steps:
// the first probe has the WAN port's size (or the smaller one the kernel already learnt); a
// "fragmentation needed" names the next size to try; silence halves the range. A handful of
// probes at most, only when something changed: never a steady stream.
import type { AddressFamily } from './espOverhead.ts';

/** Of one DF probe of `size` bytes (IP packet): answered, too big (with the MTU an ICMP error named), unanswered, or no route. */
export type ProbeOutcome = { readonly kind: 'answered' } | { readonly kind: 'too-big'; readonly mtu?: number } | { readonly kind: 'silent' } | { readonly kind: 'unreachable' };

export interface DfSearch {
  readonly family: AddressFamily;
  /** Largest size answered; 0 before any. */
  readonly passed: number;
  /** Smallest size that did not pass. */
  readonly failedAt: number;
  /** The MTU a "fragmentation needed" named, not tried yet. */
  readonly hint?: number;
  /** Smallest MTU any "fragmentation needed" named. */
  readonly reported?: number;
  readonly probes: number;
  readonly unreachable: boolean;
}

export type SearchResult = { readonly kind: 'found'; readonly pathMtu: number; readonly probes: number } | { readonly kind: 'unknown'; readonly reason: string; readonly reported?: number; readonly probes: number };

/** IPv4's minimum datagram every host takes; IPv6's minimum link MTU. */
const FLOOR: Record<AddressFamily, number> = { 4: 576, 6: 1280 };
/** Binary search over 576..1500 takes 10; a hint saves most of them. */
export const MAX_PROBES = 12;

export function startSearch(startSize: number, family: AddressFamily): DfSearch {
  return { family, passed: 0, failedAt: startSize + 1, probes: 0, unreachable: false };
}

/** The size of the next probe, or undefined when the search is over. */
export function nextProbe(search: DfSearch): number | undefined {
  const floor = FLOOR[search.family];
  const high = search.failedAt - 1;
  if (search.unreachable || search.probes >= MAX_PROBES || search.passed >= high || high < floor) return undefined;
  if (search.hint !== undefined && search.hint > search.passed && search.hint <= high) return search.hint;
  if (search.probes === 0) return high;
  const low = Math.max(search.passed, floor - 1);
  return low + Math.ceil((high - low) / 2);
}

export function afterProbe(search: DfSearch, size: number, outcome: ProbeOutcome): DfSearch {
  const counted: DfSearch = { ...search, probes: search.probes + 1, hint: undefined };
  switch (outcome.kind) {
    case 'answered':
      return { ...counted, passed: Math.max(search.passed, size) };
    case 'silent':
      return { ...counted, failedAt: Math.min(search.failedAt, size) };
    case 'unreachable':
      return { ...counted, unreachable: true };
    case 'too-big': {
      const failedAt = Math.min(search.failedAt, size);
      const mtu = outcome.mtu;
      if (mtu === undefined || mtu >= size) return { ...counted, failedAt };
      // Nothing larger passes that router: the search goes on below.
      return { ...counted, failedAt: Math.min(failedAt, mtu + 1), hint: mtu, reported: Math.min(search.reported ?? mtu, mtu) };
    }
  }
}

export function searchResult(search: DfSearch): SearchResult {
  const { probes } = search;
  if (search.passed > 0) return { kind: 'found', pathMtu: search.passed, probes };
  const reported = search.reported === undefined ? {} : { reported: search.reported };
  const reason = search.unreachable ? 'no route to the gateway' : 'the gateway answered no probe';
  return { kind: 'unknown', reason, ...reported, probes };
}
