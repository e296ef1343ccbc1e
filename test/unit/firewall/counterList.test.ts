// What the firewall reads back from `nft -j list counters table inet tibox` (as nft 1.0.6 prints
// it): each counter by name with its value, a device's with the time in its comment.
import { describe, expect, it } from 'vitest';
import { parseCounterList } from '../../../src/firewall/counterList.ts';

const LISTED = JSON.stringify({
  nftables: [
    { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } },
    { counter: { family: 'inet', name: 'wrong_mac', table: 'tibox', handle: 2, comment: 'tibox: dropped: a registered TI address sent from another MAC', packets: 3, bytes: 180 } },
    {
      counter: {
        family: 'inet', name: 'device_1_accepted', table: 'tibox', handle: 14,
        comment: 'tibox: routed to and from a registered device, since 2025-04-01T07:30:00.000Z', packets: 1200, bytes: 96000,
      },
    },
    { counter: { family: 'inet', name: 'device_1_dropped', table: 'tibox', handle: 15, comment: 'tibox: dropped from or to a registered device', packets: 0, bytes: 0 } },
    { counter: { family: 'inet', name: 'broken', table: 'tibox', handle: 16, packets: -1, bytes: 0 } },
  ],
});

describe('parseCounterList', () => {
  it('reads each counter with its value, and since when a device counter counts', () => {
    expect([...parseCounterList(LISTED)]).toEqual([
      ['wrong_mac', { packets: 3, bytes: 180 }],
      ['device_1_accepted', { packets: 1200, bytes: 96000, since: '2025-04-01T07:30:00.000Z' }],
      ['device_1_dropped', { packets: 0, bytes: 0 }],
    ]);
  });

  it('refuses output that is not nft\'s JSON', () => {
    expect(() => parseCounterList('{"counters": []}')).toThrow('no "nftables" list');
    expect(() => parseCounterList('table inet tibox {')).toThrow(SyntaxError);
  });
});
