import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeNeighbours, type KernelNeighbour, type MergeOptions, type NeighbourEntry } from '../../../../src/lan/inventory/neighbours.ts';

const NOW = new Date('2025-05-02T08:00:00.000Z');
const options: MergeOptions = { interfaces: ['lan0', 'br-term'], forgetAfterMs: 3_600_000, maxEntries: 4 };
const pvs: KernelNeighbour = { ip: '192.168.1.20', mac: '00:1A:2B:3C:4D:5E', interface: 'lan0', state: 'reachable', confirmedAgoMs: 2_000, updatedAgoMs: 2_000 };
const terminal: KernelNeighbour = { ip: '10.77.12.40', mac: '02:00:5e:10:00:40', interface: 'br-term', state: 'stale', confirmedAgoMs: 9e9, updatedAgoMs: 30_000 };

/** One line per entry, for small readable expectations. */
const text = (entries: NeighbourEntry[]) => entries.map((e) => `${e.interface} ${e.ip} ${e.mac} ${e.state} ${e.firstSeen.slice(11, 19)} ${e.lastSeen.slice(11, 19)}`);
const later = (ms: number) => new Date(NOW.getTime() + ms);

describe('mergeNeighbours', () => {
  it('lists hosts seen on the watched ports, dated by the kernel: a confirmation, or when a new entry was learned', () => {
    const snapshot: KernelNeighbour[] = [
      pvs,
      terminal,
      { ip: '10.77.12.45', interface: 'br-term', state: 'incomplete' },
      { ip: '10.77.12.46', mac: '02:00:5e:10:00:46', interface: 'br-term', state: 'failed' },
      { ip: '10.77.12.47', mac: '02:00:5e:10:00:47', interface: 'br-term', state: 'permanent' },
      { ip: '198.51.100.1', mac: '02:00:00:00:00:01', interface: 'wan0', state: 'reachable' },
    ];
    expect(text(mergeNeighbours([], snapshot, NOW, options))).toEqual([
      'br-term 10.77.12.40 02:00:5e:10:00:40 stale 07:59:30 07:59:30',
      'lan0 192.168.1.20 00:1a:2b:3c:4d:5e reachable 07:59:58 07:59:58',
    ]);
  });

  it('moves last-seen on only with a new confirmation, never backwards, and keeps a vanished host as gone', () => {
    const first = mergeNeighbours([], [pvs, terminal], NOW, options);
    const second = mergeNeighbours(first, [{ ...pvs, confirmedAgoMs: 90_000 }, { ...terminal, state: 'delay', updatedAgoMs: 0 }], later(60_000), options);
    expect(text(second)).toEqual([
      'br-term 10.77.12.40 02:00:5e:10:00:40 delay 07:59:30 07:59:30',
      'lan0 192.168.1.20 00:1a:2b:3c:4d:5e reachable 07:59:58 07:59:58',
    ]);
    const third = mergeNeighbours(second, [{ ...pvs, confirmedAgoMs: 1_000 }], later(120_000), options);
    expect(text(third)).toEqual([
      'br-term 10.77.12.40 02:00:5e:10:00:40 gone 07:59:30 07:59:30',
      'lan0 192.168.1.20 00:1a:2b:3c:4d:5e reachable 07:59:58 08:01:59',
    ]);
  });

  it('keeps one entry per address and MAC, so a second MAC on an address shows up beside the first', () => {
    const merged = mergeNeighbours(mergeNeighbours([], [pvs], NOW, options), [{ ...pvs, mac: '00:1a:2b:3c:4d:5f' }], NOW, options);
    expect(merged.map((e) => `${e.ip} ${e.mac} ${e.state}`)).toEqual(['192.168.1.20 00:1a:2b:3c:4d:5e gone', '192.168.1.20 00:1a:2b:3c:4d:5f reachable']);
  });

  it('forgets hosts not seen for too long and keeps at most the newest entries', () => {
    const many = Array.from({ length: 6 }, (_, i): KernelNeighbour => ({ ...pvs, ip: `192.168.1.${i + 1}`, confirmedAgoMs: i * 1_000 }));
    expect(mergeNeighbours([], many, NOW, options).map((e) => e.ip)).toEqual(['192.168.1.1', '192.168.1.2', '192.168.1.3', '192.168.1.4']);
    const merged = mergeNeighbours([], [pvs], NOW, options);
    expect(mergeNeighbours(merged, [], later(3_598_000), options)).toHaveLength(1);
    expect(mergeNeighbours(merged, [], later(3_598_001), options)).toEqual([]);
  });

  it('never throws on any snapshot, and keeps entries unique, bounded and on watched ports', () => {
    const neighbour = fc.record({
      ip: fc.oneof(fc.ipV4(), fc.string()),
      mac: fc.option(fc.oneof(fc.mixedCase(fc.constantFrom('02:00:5e:10:00:40', '00:1a:2b:3c:4d:5e')), fc.string()), { nil: undefined }),
      interface: fc.constantFrom('lan0', 'br-term', 'wan0', ''),
      state: fc.constantFrom('reachable', 'stale', 'delay', 'probe', 'incomplete', 'failed', 'noarp', 'permanent', 'none') as fc.Arbitrary<KernelNeighbour['state']>,
      confirmedAgoMs: fc.option(fc.integer({ min: -1e12, max: 1e13 }), { nil: undefined }),
      updatedAgoMs: fc.option(fc.integer({ min: -1e12, max: 1e13 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(neighbour, { maxLength: 12 }), { maxLength: 4 }), (snapshots) => {
        let entries: NeighbourEntry[] = [];
        for (const snapshot of snapshots) entries = mergeNeighbours(entries, snapshot, NOW, options);
        expect(entries.length).toBeLessThanOrEqual(options.maxEntries);
        expect(new Set(entries.map((e) => `${e.ip}|${e.mac}`)).size).toBe(entries.length);
        for (const e of entries) {
          expect(options.interfaces).toContain(e.interface);
          expect(e.mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
          expect(Date.parse(e.lastSeen)).toBeLessThanOrEqual(NOW.getTime());
          expect(e.firstSeen <= e.lastSeen).toBe(true);
        }
      }),
    );
  });
});
