// The TI addresses the wizard offers for one-click registration: the device's own where it fits,
// else the lowest free one, never the box's gateway, a taken one or the same one twice.
import { describe, expect, it } from 'vitest';
import { offeredAddress } from '../../../src/webui/wizard/freeAddress.ts';
import { offersOf } from '../../../src/webui/wizard/offers.ts';
import type { NeighbourView } from '../../../src/webui/status/deviceView.ts';

const HALVES = { lanHalf: '10.77.12.0/27', lanGateway: '10.77.12.1', terminalHalf: '10.77.12.32/27', terminalGateway: '10.77.12.33' };
const seen = (ip: string, mac: string, extra: Partial<NeighbourView> = {}): NeighbourView => ({ ip, mac, interface: 'lan0', state: 'reachable', firstSeen: '', lastSeen: '', ...extra });

describe('offeredAddress', () => {
  it.each([
    ['its own address in the half', [], '10.77.12.10', '10.77.12.10'],
    ['the lowest free one when it has none', ['10.77.12.2'], undefined, '10.77.12.3'],
    ['the lowest free one when its own is taken', ['10.77.12.10'], '10.77.12.10', '10.77.12.2'],
    ['the lowest free one when its own is outside the half', [], '192.168.1.20', '10.77.12.2'],
    ['never the gateway', [], '10.77.12.1', '10.77.12.2'],
    ['never the broadcast address', [], '10.77.12.31', '10.77.12.2'],
  ] as const)('offers %s', (_name, taken, own, expected) => {
    expect(offeredAddress('10.77.12.0/27', '10.77.12.1', taken, own)).toBe(expected);
  });

  it('offers nothing in a full half', () => {
    expect(offeredAddress('10.77.12.0/30', '10.77.12.1', ['10.77.12.2'])).toBeUndefined();
  });
});

describe('offersOf', () => {
  it('offers each unregistered terminal and practice host once, with different addresses, and leaves out the registered, the gone and the terminal bridge', () => {
    const offers = offersOf({
      halves: HALVES,
      lanPort: 'lan0',
      devices: [{ id: 1, kind: 'pvs', name: 'PVS', address: '10.77.12.2', mac: '02:00:00:00:00:01', cetpPorts: [], createdAt: '', changedAt: '', inSegment: true }],
      terminals: [{ mac: '02:00:00:00:00:40', hostname: 'ORGA-6141', evidence: ['sicct'], firstSeen: '', lastSeen: '' }],
      neighbours: [
        seen('192.168.1.20', '02:00:00:00:00:10'),
        seen('10.77.12.10', '02:00:00:00:00:10'),
        seen('192.168.1.30', '02:00:00:00:00:30'),
        seen('192.168.1.31', '02:00:00:00:00:31', { state: 'gone' }),
        seen('192.168.1.5', '02:00:00:00:00:01'),
        seen('10.77.12.40', '02:00:00:00:00:40', { interface: 'br-term' }),
      ],
    });
    expect(offers).toEqual([
      { kind: 'terminal', mac: '02:00:00:00:00:40', seenAs: 'ORGA-6141', address: '10.77.12.34' },
      { kind: 'pvs', mac: '02:00:00:00:00:10', seenAs: '192.168.1.20', address: '10.77.12.10' },
      { kind: 'pvs', mac: '02:00:00:00:00:30', seenAs: '192.168.1.30', address: '10.77.12.3' },
    ]);
  });
});
