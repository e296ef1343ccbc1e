// `tibox update status`: the text for a box without remote management, and for one that polls
// with an action in hand, in English and German.
import { describe, expect, it } from 'vitest';
import { formatUpdateStatus } from '../../../src/agent/cli/update.ts';
import type { UpdateStatus } from '../../../src/updater/index.ts';

const NOW = new Date('2026-12-07T12:00:00Z');
const at = (secondsFromNow: number) => NOW.getTime() + secondsFromNow * 1000;

const polling: UpdateStatus = {
  configured: true,
  controllerId: 'box-0001.boxes.tibox.test',
  way: { kind: 'tunnel' },
  base: 'https://mgmt.dc.tibox.test/DEFAULT/controller/v1/box-0001.boxes.tibox.test',
  lastPoll: { at: at(-65), ok: true, error: undefined },
  nextPollAt: at(250),
  failures: 0,
  pollingSleepMs: 300_000,
  action: { id: '8', phase: 'downloading', artifacts: 1, bytes: { have: 1_000_000, size: 4_000_000 }, error: undefined },
};

describe('tibox update status', () => {
  it('says why remote management is off', () => {
    expect(formatUpdateStatus({ configured: false, reason: 'the VPN profile carries no management identity' }, 'en', NOW)).toEqual([
      'Remote management: off (the VPN profile carries no management identity)',
    ]);
  });


  it('shows the endpoint, the last and next poll and the action, in English', () => {
    expect(formatUpdateStatus(polling, 'en', NOW)).toEqual([
      'Remote management: https://mgmt.dc.tibox.test/DEFAULT/controller/v1/box-0001.boxes.tibox.test',
      '  controller id: box-0001.boxes.tibox.test',
      '  way: through the tunnel',
      '  last poll: 1 min 5 s ago, ok',
      '  next poll: in 4 min 10 s',
      '  server interval: 5 min',
      '  action: 8 downloading, 1.0 MB / 4.0 MB (1 artifact)',
    ]);
  });

  it('shows a failed poll with its reason, and the internet way, in German', () => {
    const failed: UpdateStatus = {
      ...polling,
      way: { kind: 'internet', address: '198.18.0.80', port: 443 },
      lastPoll: { at: at(-5), ok: false, error: 'ddi poll: the server answered 503' },
      failures: 3,
      action: undefined,
    };
    expect(formatUpdateStatus(failed, 'de', NOW).slice(2)).toEqual([
      '  Weg: über das Internet zu 198.18.0.80 (der Tunnel ist unterbrochen)',
      '  letzte Abfrage: vor 5 s, fehlgeschlagen (3 in Folge): ddi poll: the server answered 503',
      '  nächste Abfrage: in 4 min 10 s',
      '  Intervall des Servers: 5 min',
      '  Auftrag: keiner',
    ]);
  });
});

describe('tibox update status with RAUC', () => {
  const system: NonNullable<UpdateStatus['system']> = {
    booted: 'B',
    slots: [
      { name: 'rootfs.0', bootname: 'A', state: 'inactive', bootStatus: 'good', version: '1.0.0' },
      { name: 'rootfs.1', bootname: 'B', state: 'booted', bootStatus: 'good', version: '2.0.0' },
    ],
    error: undefined,
    pending: undefined,
    lastOutcome: { actionId: '12', result: 'success', version: '2.0.0', details: ['version 2.0.0 runs in slot B, passed its health check and is marked good'], at: new Date(at(-300)).toISOString() },
  };

  it('shows the slots, the versions in them and the last update, after the management lines', () => {
    expect(formatUpdateStatus({ configured: false, reason: 'no identity', system }, 'en', NOW)).toEqual([
      'Remote management: off (no identity)',
      'System: slot B runs version 2.0.0',
      '  slot A (rootfs.0): inactive, good, version 1.0.0',
      '  slot B (rootfs.1): booted, good, version 2.0.0',
      '  last update: success, version 2.0.0, 5 min ago, action 12: version 2.0.0 runs in slot B, passed its health check and is marked good',
    ]);
  });

  it('shows an update awaiting its health check, a slot without a version, and no update yet, in German', () => {
    const waiting: typeof system = {
      ...system,
      slots: [{ ...system.slots[0]!, version: undefined }, system.slots[1]!],
      pending: { slot: 'B', version: '2.0.0', previousSlot: 'A', previousVersion: '1.0.0', actionId: '12', boots: 1, committed: false },
      lastOutcome: undefined,
    };
    expect(formatUpdateStatus({ configured: false, reason: 'keine Identität', system: waiting }, 'de', NOW).slice(1)).toEqual([
      'System: Slot B läuft mit Version 2.0.0',
      '  Slot A (rootfs.0): inactive, good, keine Version von RAUC installiert',
      '  Slot B (rootfs.1): booted, good, Version 2.0.0',
      '  Version 2.0.0 in Slot B wartet auf ihre Gesundheitsprüfung (Start 1)',
      '  letztes Update: noch keines',
    ]);
  });

  it('says when RAUC cannot be read, and what an action waits for', () => {
    const unreadable = { ...system, booted: undefined, slots: [], error: 'RAUC did not answer: rauc status timed out' };
    const waiting: UpdateStatus = { ...polling, action: { id: '9', phase: 'waiting', artifacts: 1, bytes: { have: 10, size: 10 }, error: undefined, detail: 'the practice is open' }, system: unreadable };
    const lines = formatUpdateStatus(waiting, 'en', NOW);
    expect(lines[6]).toBe('  action: 9 waiting, 10 B / 10 B (1 artifact): the practice is open');
    expect(lines[7]).toBe('System: RAUC could not be read: RAUC did not answer: rauc status timed out');
  });
});
