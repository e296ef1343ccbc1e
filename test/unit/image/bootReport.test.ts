import { describe, expect, it } from 'vitest';
import { agentProblems, bootOrderProblems, completenessProblems, monotonicSeconds, parseBootReport, unitProblems, type BootReport } from '../../../image/bootReport.ts';

const UNITS = ['tibox-boot.service', 'network-pre.target', 'tibox-agent.service'];

/** Every check's problems, in the order the image test asks them. */
const problems = (report: BootReport, units = UNITS) => [...completenessProblems(report), ...bootOrderProblems(report), ...agentProblems(report), ...unitProblems(report, units)];

/** A console as the report prints it, among the kernel's and systemd's own lines. */
function console(overrides: { boot?: number; network?: number; agentStart?: number; agentState?: string; status?: string; failed?: string; end?: boolean } = {}): string {
  const o = { boot: 2_100_000, network: 2_150_000, agentStart: 2_200_000, agentState: 'active', status: 'tibox 0.1.0 running', end: true, ...overrides };
  return [
    '[    2.001234] systemd[1]: Starting tibox-boot.service...',
    `tibox-report: unit tibox-boot.service Id=tibox-boot.service`,
    `tibox-report: unit tibox-boot.service ActiveState=active`,
    `tibox-report: unit tibox-boot.service ActiveEnterTimestampMonotonic=${o.boot}`,
    `tibox-report: unit network-pre.target ActiveState=active`,
    `tibox-report: unit network-pre.target ActiveEnterTimestampMonotonic=${o.network}`,
    `tibox-report: unit tibox-agent.service ActiveState=${o.agentState}`,
    `tibox-report: unit tibox-agent.service InactiveExitTimestampMonotonic=${o.agentStart}`,
    `tibox-report: unit tibox-agent.service ActiveEnterTimestampMonotonic=4350000`,
    `tibox-report: unit tibox-agent.service StatusText=${o.status}`,
    `tibox-report: unit tibox-agent.service NRestarts=0`,
    'tibox-report: rss tibox-agent.service 80123',
    'tibox-report: rss tibox-webui.service 61000',
    ...(o.failed ? [`tibox-report: failed ${o.failed}`] : []),
    'tibox-report: journal [    3.100000] box tibox-agent[412]: {"msg":"running"}',
    ...(o.end ? ['\rtibox-report: end\r'] : []),
  ].join('\r\n');
}

describe('the boot report of the test image', () => {
  it("parses the units' properties, the memory and the journal among the console's other lines", () => {
    const report = parseBootReport(console());
    expect(report.units['tibox-agent.service']).toEqual({
      ActiveState: 'active', InactiveExitTimestampMonotonic: '2200000', ActiveEnterTimestampMonotonic: '4350000', StatusText: 'tibox 0.1.0 running', NRestarts: '0',
    });
    expect(report.rssKiB).toEqual({ 'tibox-agent.service': 80123, 'tibox-webui.service': 61000 });
    expect(report.journal).toEqual(['[    3.100000] box tibox-agent[412]: {"msg":"running"}']);
    expect(report.complete).toBe(true);
    expect(monotonicSeconds(report, 'tibox-agent.service', 'ActiveEnterTimestampMonotonic')).toBe(4.35);
  });

  it("reads RAUC's status and the install of an attached update, and nothing of either when the report has none", () => {
    const status = '{"compatible":"tibox-amd64","booted":"A","boot_primary":"rootfs.0","slots":[]}';
    const report = parseBootReport([console(), `tibox-report: rauc ${status}`, 'tibox-report: install-log installing', 'tibox-report: install-log Installing done.', 'tibox-report: install 0\r'].join('\r\n'));
    expect(report.rauc).toBe(status);
    expect(report.install).toEqual({ code: 0, log: ['installing', 'Installing done.'] });
    expect(parseBootReport(console()).rauc).toBeUndefined();
    expect(parseBootReport(console()).install).toBeUndefined();
  });

  it('finds nothing wrong in a boot where the boot unit came first and the agent is up and told systemd so', () => {
    expect(problems(parseBootReport(console()), UNITS)).toEqual([]);
  });

  it('says when the network came before the boot unit, or the agent started before it', () => {
    expect(problems(parseBootReport(console({ network: 2_000_000 })), UNITS)).toEqual([
      'network-pre.target was reached at 2 s, before tibox-boot.service finished at 2.1 s',
    ]);
    expect(problems(parseBootReport(console({ agentStart: 1_500_000 })), UNITS)).toEqual([
      'tibox-agent.service started at 1.5 s, before tibox-boot.service finished at 2.1 s',
    ]);
  });

  it('says which unit is not active, which failed, and an agent that never said it runs', () => {
    expect(problems(parseBootReport(console({ agentState: 'activating', status: '', failed: 'chrony.service loaded failed failed' })), [...UNITS, 'tibox-webui.service'])).toEqual([
      'tibox-agent.service is activating, not active',
      'the agent told systemd no "running" status (StatusText=)',
      'tibox-agent.service is activating, not active',
      'tibox-webui.service is not in the report, not active',
      'failed unit: chrony.service loaded failed failed',
    ]);
  });

  it('says when the boot unit never finished, and an agent that systemd restarted', () => {
    const report = parseBootReport(console().replace('ActiveEnterTimestampMonotonic=2100000', 'ActiveEnterTimestampMonotonic=0').replace('NRestarts=0', 'NRestarts=2'));
    expect(bootOrderProblems(report)).toEqual(['tibox-boot.service never finished']);
    expect(agentProblems(report)).toEqual(['the agent was restarted 2 times']);
  });

  it('refuses a report cut off before its end', () => {
    const report = parseBootReport(console({ end: false }));
    expect(completenessProblems(report)).toEqual(['the report did not run to its end (no "tibox-report: end" on the console)']);
    expect(problems(report)).toEqual(['the report did not run to its end (no "tibox-report: end" on the console)']);
  });
});
