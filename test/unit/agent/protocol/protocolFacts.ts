// A set-up box's facts for the protocol's unit tests: a practice, a profile, two devices and a run
// of the function test with the given verdicts.
import { resultOf } from '../../../../src/agent/check/runChecks.ts';
import { overallVerdict, type CheckId, type Judgement } from '../../../../src/agent/check/result.ts';
import type { ProtocolFacts } from '../../../../src/agent/protocol/protocolContent.ts';

export const NOW = new Date('2026-12-08T10:30:00Z');

export function run(judgements: readonly [CheckId, number, Judgement][], finishedAt = '2026-12-08T10:20:00Z'): NonNullable<ProtocolFacts['test']> {
  const checks = judgements.map(([id, number, judgement]) => resultOf({ id, number }, judgement, 12));
  return { startedAt: '2026-12-08T10:19:55Z', finishedAt, actor: 'local-cli', verdict: overallVerdict(checks), checks };
}

export const PASSING = run([
  ['wan', 1, { verdict: 'pass', value: 'wan0 192.168.178.2/24 via 192.168.178.1' }],
  ['tunnel', 7, { verdict: 'pass', value: 'up via gw1.dc.tibox.test' }],
  ['tiDns', 9, { verdict: 'pass', value: '100.102.0.53 answered', noteKey: 'tiDns.forwarding', params: { domains: 'telematik', resolver: '10.77.12.1' } }],
]);

export const FAILING = run([
  ['wan', 1, { verdict: 'pass', value: 'wan0 192.168.178.2/24 via 192.168.178.1' }],
  ['passthrough', 4, { verdict: 'fail', value: '198.51.100.10: 500 answered, 4500 silent', fixKey: 'passthrough.blocked', params: { silent: 'UDP 4500' } }],
  ['tunnel', 7, { verdict: 'fail', value: 'connecting since 2026-12-08T10:15:00Z', fixKey: 'tunnel.down', params: { state: 'connecting', reason: '' } }],
]);

export function facts(overrides: Partial<ProtocolFacts> = {}): ProtocolFacts {
  return {
    practice: {
      name: 'Praxis Dr. Müller-Weiß',
      street: 'Hauptstraße 5',
      postalCode: '80331',
      city: 'München',
      bsnr: '021234500',
      installerName: 'Jörg Schäfer',
      installerCompany: 'Praxis-IT Süd GmbH',
    },
    serial: 'TBX-00012345',
    firmwareVersion: '0.1.0',
    identity: {
      boxId: 'box-0001',
      subject: 'C=DE\nO=TIaaS\nCN=box-0001.dc.tibox.test',
      fingerprint256: 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89',
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2028-01-01T00:00:00.000Z',
    },
    tiSegment: '10.77.12.0/24',
    devices: [
      { kind: 'terminal', name: 'Kartenterminal Empfang', address: '10.77.12.40', mac: '02:00:5e:10:00:40', cetpPorts: [], changedAt: '2026-12-08T09:00:00Z' },
      { kind: 'pvs', name: 'PVS Empfang', address: '10.77.12.10', mac: '02:00:5e:10:00:10', cetpPorts: [8010], changedAt: '2026-12-08T09:00:00Z' },
    ],
    test: PASSING,
    now: NOW,
    ...overrides,
  };
}
