import { describe, expect, it } from 'vitest';
import { afterProbe, MAX_PROBES, nextProbe, searchResult, startSearch, type DfSearch, type ProbeOutcome } from '../../../../src/ipsec/pathMtu/dfSearch.ts';

/** Runs a search against a path that answers what `path` says for a size; returns the sizes probed and the result. */
function run(start: number, path: (size: number) => ProbeOutcome) {
  let search: DfSearch = startSearch(start, 4);
  const sizes: number[] = [];
  for (let size = nextProbe(search); size !== undefined; size = nextProbe(search)) {
    sizes.push(size);
    search = afterProbe(search, size, path(size));
  }
  return { sizes, result: searchResult(search) };
}

/** A path of `mtu` whose bottleneck says so (ICMP "fragmentation needed"), or stays silent (a black hole). */
const honest = (mtu: number) => (size: number): ProbeOutcome => (size <= mtu ? { kind: 'answered' } : { kind: 'too-big', mtu });
const blackHole = (mtu: number) => (size: number): ProbeOutcome => (size <= mtu ? { kind: 'answered' } : { kind: 'silent' });

describe('the DF search', () => {
  it('takes one probe where the WAN port\'s size passes', () => {
    expect(run(1500, honest(1500))).toEqual({ sizes: [1500], result: { kind: 'found', pathMtu: 1500, probes: 1 } });
  });

  it.each([1492, 1460, 1452, 1428, 1400, 1280])('takes two probes to a path of %d that answers "fragmentation needed"', (mtu) => {
    expect(run(1500, honest(mtu))).toEqual({ sizes: [1500, mtu], result: { kind: 'found', pathMtu: mtu, probes: 2 } });
  });

  it('finds a black hole\'s MTU by halving, within the probe budget', () => {
    const { sizes, result } = run(1500, blackHole(1452));
    expect(result).toMatchObject({ kind: 'found', pathMtu: 1452 });
    expect(sizes.length).toBeLessThanOrEqual(MAX_PROBES);
    expect(sizes[0]).toBe(1500);
  });

  it('says so when the gateway answers no probe, keeping an MTU a router named', () => {
    expect(run(1500, () => ({ kind: 'silent' })).result).toMatchObject({ kind: 'unknown', reason: 'the gateway answered no probe' });
    const named = run(1500, (size) => (size > 1452 ? { kind: 'too-big', mtu: 1452 } : { kind: 'silent' })).result;
    expect(named).toMatchObject({ kind: 'unknown', reported: 1452 });
  });

  it('stops at once without a route to the gateway', () => {
    expect(run(1500, () => ({ kind: 'unreachable' }))).toEqual({ sizes: [1500], result: { kind: 'unknown', reason: 'no route to the gateway', probes: 1 } });
  });

  it('ignores a "fragmentation needed" that names no smaller MTU and goes on halving', () => {
    const { result } = run(1500, (size) => (size <= 1300 ? { kind: 'answered' } : { kind: 'too-big' }));
    expect(result).toMatchObject({ kind: 'found', pathMtu: 1300 });
  });
});
