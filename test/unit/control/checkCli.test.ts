// `tibox check`: the table of verdicts, values and fixes in the chosen language, the JSON for
// scripts, the last result, and the exit code that tells a failed check.
import { expect, it } from 'vitest';
import { main } from '../../../src/agent/cli/main.ts';
import type { FunctionTestResult } from '../../../src/agent/check/result.ts';
import { resultOf } from '../../../src/agent/check/runChecks.ts';
import { ControlActions } from '../../../src/core/controlActions.ts';
import { controlServerPerTest, SAMPLE_NOW } from './helpers.ts';

const bed = controlServerPerTest();

const FAILED: FunctionTestResult = {
  startedAt: '2026-12-07T10:00:00.000Z',
  finishedAt: '2026-12-07T10:00:04.000Z',
  actor: 'local-cli',
  verdict: 'fail',
  checks: [
    resultOf({ id: 'wan', number: 1 }, { verdict: 'pass', value: 'wan0 dhcp 192.168.178.2/24, default via 192.168.178.1' }, 3),
    resultOf({ id: 'passthrough', number: 4 }, { verdict: 'fail', value: '198.51.100.10 UDP 500 answered, UDP 4500 no answer', fixKey: 'passthrough.blocked', params: { silent: 'UDP 4500' } }, 3000),
  ],
};

async function run(argv: string[], result: FunctionTestResult | null, lang = 'en') {
  const actions = new ControlActions();
  const asked: string[] = [];
  actions.register('check.run', () => (asked.push('run'), result));
  actions.register('check.last', () => (asked.push('last'), result));
  const socketPath = await bed.start({ actions });
  let stdout = '';
  const code = await main([...argv, '--socket', socketPath], { stdout: (t) => void (stdout += t), stderr: () => undefined, env: { TIBOX_LANG: lang }, now: () => SAMPLE_NOW });
  return { code, stdout, asked };
}

it('runs the test, prints each verdict with its fix and exits 3 on a failed check', async () => {
  const { code, stdout, asked } = await run(['check'], FAILED);
  expect(asked).toEqual(['run']);
  expect(code).toBe(3);
  expect(stdout).toBe(
    [
      'Verdict  Check                                  Value',
      'PASS     1 WAN port                             wan0 dhcp 192.168.178.2/24, default via 192.168.178.1',
      'FAIL     4 VPN passthrough (IKE, UDP 500/4500)  198.51.100.10 UDP 500 answered, UDP 4500 no answer',
      '    -> The practice router does not pass UDP 4500. Please enable VPN passthrough (IPsec passthrough) for UDP 500 and 4500 on the router and allow outgoing UDP 500 and 4500 in its firewall.',
      '',
      'Function test: FAIL (2026-12-07T10:00:04.000Z, local-cli)',
      '',
    ].join('\n'),
  );
});

it('speaks German, and exits 0 when nothing failed', async () => {
  const warned: FunctionTestResult = { ...FAILED, verdict: 'warn', checks: [resultOf({ id: 'pvsHosts', number: 11 }, { verdict: 'warn', value: 'Empfang 10.77.12.10 not seen', fixKey: 'pvs.notSeen', params: { hosts: 'Empfang 10.77.12.10' } }, 1)] };
  const { code, stdout } = await run(['check'], warned, 'de');
  expect(code).toBe(0);
  expect(stdout).toContain('WARNUNG   11 PVS-Rechner  Empfang 10.77.12.10 not seen\n    -> Noch nicht gesehen: Empfang 10.77.12.10. Bitte auf diesen Rechnern die Einrichtungsbefehle ausführen');
  expect(stdout).toContain('Funktionstest: WARNUNG');
});

it('shows the last result as JSON, and says when there is none', async () => {
  const last = await run(['check', '--last', '--json'], FAILED);
  expect(last.asked).toEqual(['last']);
  expect(JSON.parse(last.stdout)).toEqual(FAILED);
  await bed.stop();
  const none = await run(['check', '--last'], null);
  expect([none.code, none.stdout]).toEqual([0, 'No function test has been run yet.\n']);
});
