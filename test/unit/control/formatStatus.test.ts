import { describe, expect, it } from 'vitest';
import { formatDuration, formatStatus, formatTunnel } from '../../../src/agent/cli/formatStatus.ts';
import { HEALTH_CATALOGUE, type HealthCode, type HealthWarning } from '../../../src/core/health.ts';
import { SAMPLE_FINGERPRINT, SAMPLE_NOW, SAMPLE_STATUS } from './helpers.ts';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [42.9, '42 s'],
    [60, '1 min'],
    [725, '12 min 5 s'],
    [7_530, '2 h 5 min'],
    [90_061, '1 d 1 h'],
    [172_800 + 59, '2 d'],
    [-5, '0 s'],
  ])('%d s reads "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatTunnel', () => {
  it('says what judged the tunnel last and at each change of state, in both languages', () => {
    const tunnel = {
      ...SAMPLE_STATUS.tunnel,
      lastError: undefined,
      evidence: { kind: 'heartbeat' as const, at: '2025-05-02T10:05:10.000Z' },
      history: [
        { at: '2025-05-02T10:00:00.300Z', state: 'up' as const, gateway: '198.51.100.10', evidence: 'probe' as const },
        { at: '2025-05-02T10:00:00.000Z', state: 'connecting' as const, gateway: '198.51.100.10', reason: 'tunnel not passing traffic', evidence: 'traffic' as const },
      ],
    };
    expect(formatTunnel(tunnel, 'en', SAMPLE_NOW).slice(2)).toEqual([
      '  judged by: heartbeat, 20 s ago',
      '  history:',
      '    2025-05-02T10:00:00.300Z  up  198.51.100.10  (judged by probe)',
      '    2025-05-02T10:00:00.000Z  connecting  198.51.100.10  tunnel not passing traffic  (judged by traffic)',
    ]);
    expect(formatTunnel(tunnel, 'de', SAMPLE_NOW)[2]).toBe('  beurteilt nach: Herzschlag, vor 20 s');
  });
});

describe('formatStatus', () => {
  it('renders the English status', () => {
    expect(formatStatus(SAMPLE_STATUS, 'en', SAMPLE_NOW)).toBe(
      [
        'tibox 1.4.2, up 2 h 5 min',
        'Serial number: TBX-00012345 (provisioned 2025-04-30T14:00:00.000Z)',
        'Web UI: https://192.168.1.2/, https://10.77.12.1/',
        `  certificate SHA-256: ${SAMPLE_FINGERPRINT}`,
        '',
        'SUBSYSTEM  STATE    SINCE           DETAIL',
        'control    running  2 h 5 min ago',
        'firewall   failed   3 min 30 s ago  nft -f - exited with 1',
        '',
        'Tunnel: up via 192.0.2.10, 2 h 5 min ago',
        '  traffic: 2.0 MB / 512 B (in / out), 1500 / 8 packets',
        '  last error: gateway unreachable, 2 h 5 min ago (198.51.100.10: timeout)',
        '  history:',
        '    2025-05-02T08:00:02.000Z  up  192.0.2.10',
        '    2025-05-02T08:00:01.000Z  backoff  gateway unreachable',
        '  MTU: WAN path 1452 (probed towards 192.0.2.10), tunnel 1389, TCP MSS clamp 1349',
        '',
        'Health:',
        '  CRITICAL  The database was written by a newer firmware that this version cannot read. (affects TI connectivity)',
        '            [database.unknownVersion] 2 h 5 min ago',
        '            schema major 3, known up to 2',
        '  WARNING   The stored configuration is invalid; the box keeps running on the last valid one.',
        '            [config.invalid] 5 min 30 s ago',
        '',
      ].join('\n'),
    );
  });

  it('renders the German status', () => {
    expect(formatStatus(SAMPLE_STATUS, 'de', SAMPLE_NOW)).toBe(
      [
        'tibox 1.4.2, läuft seit 2 h 5 min',
        'Seriennummer: TBX-00012345 (eingerichtet 2025-04-30T14:00:00.000Z)',
        'Weboberfläche: https://192.168.1.2/, https://10.77.12.1/',
        `  Zertifikat SHA-256: ${SAMPLE_FINGERPRINT}`,
        '',
        'SUBSYSTEM  ZUSTAND  SEIT            DETAIL',
        'control    running  vor 2 h 5 min',
        'firewall   failed   vor 3 min 30 s  nft -f - exited with 1',
        '',
        'Tunnel: up über 192.0.2.10, vor 2 h 5 min',
        '  Verkehr: 2.0 MB / 512 B (in / out), 1500 / 8 packets',
        '  letzter Fehler: gateway unreachable, vor 2 h 5 min (198.51.100.10: timeout)',
        '  Verlauf:',
        '    2025-05-02T08:00:02.000Z  up  192.0.2.10',
        '    2025-05-02T08:00:01.000Z  backoff  gateway unreachable',
        '  MTU: WAN-Pfad 1452 (probed towards 192.0.2.10), Tunnel 1389, TCP-MSS begrenzt auf 1349',
        '',
        'Warnungen:',
        '  KRITISCH  Die Datenbank stammt von einer neueren Firmware, die diese Version nicht lesen kann. (beeinträchtigt die TI-Anbindung)',
        '            [database.unknownVersion] vor 2 h 5 min',
        '            schema major 3, known up to 2',
        '  WARNUNG   Die gespeicherte Konfiguration ist ungültig; die Box arbeitet mit der letzten gültigen weiter.',
        '            [config.invalid] vor 5 min 30 s',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing is reported', () => {
    const quiet = {
      ...SAMPLE_STATUS,
      uptimeS: 42,
      provisioning: { state: 'missing' as const },
      subsystems: [],
      health: [],
      lanAddresses: [],
      webui: { certificateSha256: null },
      tunnel: { state: 'no-profile' as const, since: SAMPLE_NOW.toISOString(), traffic: { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 }, history: [] },
      mtu: { pathMtu: 1280, source: 'assumed' as const, because: 'not probed yet', overhead: 99, tunnelMtu: 1181, mss: 1141 },
    };
    expect(formatStatus(quiet, 'en', SAMPLE_NOW)).toBe(
      'tibox 1.4.2, up 42 s\nSerial number: none, the box is not provisioned\nWeb UI: no LAN address yet\n  certificate SHA-256: none yet (the web UI makes it at its first start)\n\nNo subsystems reported.\n\nTunnel: no-profile, 0 s ago\n  traffic: 0 B / 0 B (in / out), 0 / 0 packets\n  MTU: WAN path 1280 (not probed yet), tunnel 1181, TCP MSS clamp 1141\n\nHealth:\n  No warnings.\n',
    );
  });

  it('says in either language when the provisioning data is missing or unreadable', () => {
    const unreadable = { ...SAMPLE_STATUS, provisioning: { state: 'unreadable' as const, reason: 'it is not JSON' } };
    expect(formatStatus(unreadable, 'en', SAMPLE_NOW).split('\n')[1]).toBe('Serial number: unknown, the provisioning data cannot be read');
    expect(formatStatus(unreadable, 'de', SAMPLE_NOW).split('\n')[1]).toBe('Seriennummer: unbekannt, die Werksdaten sind nicht lesbar');
    const missing = { ...SAMPLE_STATUS, provisioning: { state: 'missing' as const } };
    expect(formatStatus(missing, 'de', SAMPLE_NOW).split('\n')[1]).toBe('Seriennummer: keine, die Box ist nicht im Werk eingerichtet');
  });

  it('shows the TI out of reach and a firewall changed from outside, with their reasons, in either language', () => {
    const warning = (code: HealthCode, since: string, detail: string): HealthWarning => ({ code, ...HEALTH_CATALOGUE[code], since, detail });
    const down = {
      ...SAMPLE_STATUS,
      subsystems: [],
      tunnel: {
        state: 'backoff' as const,
        since: '2025-05-02T10:05:00.000Z',
        traffic: { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 },
        lastError: { reason: 'authentication failed' as const, at: '2025-05-02T10:05:00.000Z' },
        history: [],
      },
      health: [
        warning('tunnel.down', '2025-05-02T10:05:10.000Z', 'authentication failed'),
        warning('firewall.tableChanged', '2025-05-02T09:00:00.000Z', 'the tibox table was changed from outside; loaded again at 2025-05-02T09:00:00.000Z'),
      ],
    };
    const { 'tunnel.down': tunnelDown, 'firewall.tableChanged': tableChanged } = HEALTH_CATALOGUE;
    expect(formatStatus(down, 'en', SAMPLE_NOW).split('\n').slice(-8)).toEqual([
      'Health:',
      `  CRITICAL  ${tunnelDown.text.en} (affects TI connectivity)`,
      '            [tunnel.down] 20 s ago',
      '            authentication failed',
      `  WARNING   ${tableChanged.text.en}`,
      '            [firewall.tableChanged] 1 h 5 min ago',
      '            the tibox table was changed from outside; loaded again at 2025-05-02T09:00:00.000Z',
      '',
    ]);
    expect(formatStatus(down, 'de', SAMPLE_NOW).split('\n').slice(-8)).toEqual([
      'Warnungen:',
      `  KRITISCH  ${tunnelDown.text.de} (beeinträchtigt die TI-Anbindung)`,
      '            [tunnel.down] vor 20 s',
      '            authentication failed',
      `  WARNUNG   ${tableChanged.text.de}`,
      '            [firewall.tableChanged] vor 1 h 5 min',
      '            the tibox table was changed from outside; loaded again at 2025-05-02T09:00:00.000Z',
      '',
    ]);
  });
});
