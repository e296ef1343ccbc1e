// What `make image-test` reads from the serial console of a booted test image: the lines the
// image's report (image/imageReport.sh) prints, parsed, and the checks on them, each failure in
// words. Pure: the console's text in, the report and its problems out.

const PREFIX = 'tibox-report: ';

export interface BootReport {
  /** systemctl show's properties per unit. */
  readonly units: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Resident memory in KiB per service. */
  readonly rssKiB: Readonly<Record<string, number>>;
  readonly failed: readonly string[];
  readonly journal: readonly string[];
  /** RAUC's status as `rauc status --detailed --output-format=json` printed it, or its error. */
  readonly rauc?: string;
  /** The install of an attached update: RAUC's exit code and the lines it printed. */
  readonly install?: { readonly code: number; readonly log: readonly string[] };
  /** The report ran to its end. */
  readonly complete: boolean;
}

export function parseBootReport(console: string): BootReport {
  const units: Record<string, Record<string, string>> = {};
  const rssKiB: Record<string, number> = {};
  const failed: string[] = [];
  const journal: string[] = [];
  const installLog: string[] = [];
  let rauc: string | undefined;
  let installCode: number | undefined;
  let complete = false;
  for (const raw of console.split('\n')) {
    const at = raw.indexOf(PREFIX);
    if (at < 0) continue;
    // A serial console ends its lines with \r\n, and a line may carry a stray \r.
    const line = raw.slice(at + PREFIX.length).replace(/\r+$/, '');
    const [kind = '', ...rest] = line.split(' ');
    if (kind === 'unit') {
      const [unit = '', ...property] = rest;
      const text = property.join(' ');
      const eq = text.indexOf('=');
      if (eq > 0) (units[unit] ??= {})[text.slice(0, eq)] = text.slice(eq + 1);
    } else if (kind === 'rss' && rest.length === 2 && /^\d+$/.test(rest[1]!)) {
      rssKiB[rest[0]!] = Number(rest[1]);
    } else if (kind === 'failed') {
      failed.push(rest.join(' '));
    } else if (kind === 'journal') {
      journal.push(rest.join(' '));
    } else if (kind === 'rauc') {
      rauc = rest.join(' ');
    } else if (kind === 'install-log') {
      installLog.push(rest.join(' '));
    } else if (kind === 'install' && rest.length === 1 && /^\d+$/.test(rest[0]!)) {
      installCode = Number(rest[0]);
    } else if (kind === 'end') {
      complete = true;
    }
  }
  return {
    units, rssKiB, failed, journal, complete,
    ...(rauc === undefined ? {} : { rauc }),
    ...(installCode === undefined ? {} : { install: { code: installCode, log: installLog } }),
  };
}

/** Seconds since the kernel started, from a monotonic timestamp in µs; undefined when not reached. */
export function monotonicSeconds(report: BootReport, unit: string, property: string): number | undefined {
  const value = Number(report.units[unit]?.[property]);
  return Number.isFinite(value) && value > 0 ? value / 1e6 : undefined;
}

/** Units that start networked components and must come after the boot unit. */
const AFTER_BOOT = ['tibox-agent.service', 'tibox-dnsmasq.service', 'tibox-practice-dhcp.service', 'tibox-wan-dhcp.service', 'strongswan.service', 'chrony.service'];

/** Each check below says its problems in words; none when the image came up as it must. */
export function completenessProblems(report: BootReport): string[] {
  return report.complete ? [] : ['the report did not run to its end (no "tibox-report: end" on the console)'];
}

/** The boot unit finished before the network and before every networked unit started. */
export function bootOrderProblems(report: BootReport): string[] {
  const boot = monotonicSeconds(report, 'tibox-boot.service', 'ActiveEnterTimestampMonotonic');
  if (boot === undefined) return ['tibox-boot.service never finished'];
  const problems: string[] = [];
  const network = monotonicSeconds(report, 'network-pre.target', 'ActiveEnterTimestampMonotonic');
  if (network === undefined || network < boot) problems.push(`network-pre.target was reached at ${network ?? 'no time'} s, before tibox-boot.service finished at ${boot} s`);
  for (const unit of AFTER_BOOT) {
    const started = monotonicSeconds(report, unit, 'InactiveExitTimestampMonotonic');
    if (started !== undefined && started < boot) problems.push(`${unit} started at ${started} s, before tibox-boot.service finished at ${boot} s`);
  }
  return problems;
}

/** The agent told systemd it is ready (Type=notify: active means READY=1; its status text says it was the agent) and never restarted. */
export function agentProblems(report: BootReport): string[] {
  const agent = report.units['tibox-agent.service'];
  const problems: string[] = [];
  if (agent?.ActiveState !== 'active') problems.push(`tibox-agent.service is ${agent?.ActiveState ?? 'not in the report'}, not active`);
  if (!agent?.StatusText?.includes('running')) problems.push(`the agent told systemd no "running" status (StatusText=${agent?.StatusText ?? ''})`);
  if (agent?.NRestarts !== '0') problems.push(`the agent was restarted ${agent?.NRestarts ?? 'an unknown number of'} times`);
  return problems;
}

/** Every expected unit is active and no unit failed. */
export function unitProblems(report: BootReport, expectedUnits: readonly string[]): string[] {
  const problems: string[] = [];
  for (const unit of expectedUnits) {
    const state = report.units[unit]?.ActiveState;
    if (state !== 'active') problems.push(`${unit} is ${state ?? 'not in the report'}, not active`);
  }
  for (const unit of report.failed) problems.push(`failed unit: ${unit}`);
  return problems;
}
