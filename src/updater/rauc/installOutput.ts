// What `rauc install` printed, read into steps for progress feedback and, on a failure, RAUC's
// own words for it (its LastError), which the server and the user get to see.

export interface InstallStep {
  readonly percent: number;
  readonly message: string;
}

const STEP = /^\s*(\d{1,3})% (.+)$/;
const LAST_ERROR = /^LastError: (.+)$/;

export function installSteps(output: string): InstallStep[] {
  const steps: InstallStep[] = [];
  for (const line of output.split('\n')) {
    const m = STEP.exec(line);
    if (m) steps.push({ percent: Math.min(100, Number(m[1])), message: m[2]!.trim() });
  }
  return steps;
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
