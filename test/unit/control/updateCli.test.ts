// `tibox update status`: the text for a box without remote management, and for one that polls
// with an action in hand, in English and German.
import { describe, expect, it } from 'vitest';
import { formatUpdateStatus } from '../../../src/agent/cli/update.ts';
import type { UpdateStatus } from '../../../src/updater/index.ts';

const NOW = new Date('2026-12-07T12:00:00Z');
const at = (secondsFromNow: number) => NOW.getTime() + secondsFromNow * 1000;

describe('tibox update status', () => {
  it('says why remote management is off', () => {
    expect(formatUpdateStatus({ configured: false, reason: 'the VPN profile carries no management identity' }, 'en', NOW)).toEqual([
      'Remote management: off (the VPN profile carries no management identity)',
    ]);
  });

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
