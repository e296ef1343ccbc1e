// Counters carried over a reload: each counter that still exists is declared with the value the
// kernel held, a device's with the time it started counting; a new device's counters start now,
// and a removed device's are not declared at all. Keyed by the device's id, they follow a device
// that was renamed or moved to another address or MAC.
import { describe, expect, it } from 'vitest';
import { renderRuleset, type CarriedCounters } from '../../../src/firewall/index.ts';
import { blocks } from './rulesetBlocks.ts';
import { ONE_PVS_ONE_TERMINAL, PVS } from './firewallDesired.ts';

const NOW = '2025-05-02T08:00:00.000Z';
const EARLIER = '2025-04-01T07:30:00.000Z';
const counterLines = (ruleset: string) => [...blocks(ruleset)].filter(([key]) => key.startsWith('counter ')).map(([, text]) => text.trim());

describe('counters carried over a reload', () => {
  const carried: CarriedCounters = {
    values: new Map([
      ['unregistered', { packets: 7, bytes: 420 }],
      ['device_1_accepted', { packets: 1200, bytes: 96_000, since: EARLIER }],
      ['device_1_dropped', { packets: 3, bytes: 180, since: EARLIER }],
      // Loaded at boot: no time, and it keeps having none.
      ['device_2_dropped', { packets: 1, bytes: 60 }],
      // A device removed since the last load.
      ['device_9_accepted', { packets: 5, bytes: 300, since: EARLIER }],
    ]),
    now: NOW,
  };

  it('declares each existing counter with its value, new device counters from now, and no removed device', () => {
    expect(counterLines(renderRuleset(ONE_PVS_ONE_TERMINAL, carried)).filter((line) => /counter (unregistered|invalid|device_)/.test(line))).toEqual([
      'counter invalid { comment "tibox: dropped: a packet of no known connection" }',
      'counter unregistered { comment "tibox: dropped: a TI address that is not registered" packets 7 bytes 420 }',
      `counter device_1_accepted { comment "tibox: routed to and from a registered device, since ${EARLIER}" packets 1200 bytes 96000 }`,
      `counter device_1_dropped { comment "tibox: dropped from or to a registered device, since ${EARLIER}" packets 3 bytes 180 }`,
      `counter device_2_accepted { comment "tibox: routed to and from a registered device, since ${NOW}" }`,
      'counter device_2_dropped { comment "tibox: dropped from or to a registered device" packets 1 bytes 60 }',
    ]);
  });

  it('follows a device renamed and moved to another address and MAC: its id keys the counters', () => {
    const moved = { ...ONE_PVS_ONE_TERMINAL, hosts: [{ ...PVS, name: 'Empfang neu', address: '10.77.12.11', mac: '02:00:5e:10:00:11' }] };
    const ruleset = renderRuleset(moved, carried);
    expect(ruleset).toContain(`counter device_1_accepted { comment "tibox: routed to and from a registered device, since ${EARLIER}" packets 1200 bytes 96000 }`);
    expect(blocks(ruleset).get('map device_accepted')).toContain('10.77.12.11 comment "pvs: Empfang neu" : "device_1_accepted",');
    expect(blocks(ruleset).get('map device_dropped_by_mac')).toContain('02:00:5e:10:00:11 comment "pvs: Empfang neu" : "device_1_dropped",');
    expect(ruleset).not.toContain('device_2_');
  });

  it('changes nothing but the counters: the rules are those `fw print` shows', () => {
    const withoutCounters = (ruleset: string) => [...blocks(ruleset)].filter(([key]) => !key.startsWith('counter '));
    expect(withoutCounters(renderRuleset(ONE_PVS_ONE_TERMINAL, carried))).toEqual(withoutCounters(renderRuleset(ONE_PVS_ONE_TERMINAL)));
  });
});
