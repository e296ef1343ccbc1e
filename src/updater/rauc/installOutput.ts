// What `rauc install` printed, read into steps for progress feedback and, on a failure, RAUC's
// own words for it (its LastError), which the server and the user get to see.

export interface InstallStep {
  readonly percent: number;
  readonly message: string;
}

const STEP = /^\s*(\d{1,3})% (.+)$/;
const LAST_ERROR = /^LastError: (.+)$/;

/** One line of `rauc install`'s progress, or undefined for any other line. */
export function installStep(line: string): InstallStep | undefined {
  const m = STEP.exec(line);
  return m ? { percent: Math.min(100, Number(m[1])), message: m[2]!.trim() } : undefined;
}

export function installSteps(output: string): InstallStep[] {
  return output.split('\n').flatMap((line) => installStep(line) ?? []);
}

/**
 * Whether a step is worth telling the server: each quarter of the install once, so a box sends a
 * handful of feedbacks per install however many lines RAUC prints (thousands of boxes report).
 */
export function stepWorthReporting(step: InstallStep, lastReported: number | undefined): boolean {
  const quarter = Math.floor(step.percent / 25);
  return lastReported === undefined ? quarter > 0 : quarter > Math.floor(lastReported / 25);
}

/** RAUC's reason for a failed install, or the last line it printed where it gave none. */
export function installFailure(stdout: string, stderr: string): string {
  const lines = `${stdout}\n${stderr}`.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (const line of lines) {
    const m = LAST_ERROR.exec(line);
    if (m) return m[1]!;
  }
  return lines.at(-1) ?? 'rauc install failed and said nothing';
}
