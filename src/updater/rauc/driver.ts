// The box's RAUC, through its command line with argument arrays: the `rauc` CLI talks to the RAUC
// service over D-Bus (de.pengutronix.rauc.Installer) for us, so the agent needs no D-Bus client of
// its own, and every call is one command whose exit status and LastError tell the outcome.
// Installs come from a file the DDI client has downloaded and checked: RAUC here cannot stream.
// The bundle's version is judged inside RAUC's install, by the box's pre-install handler, on the
// manifest RAUC verified (installPermit.ts): the agent never reads the bundle itself.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, writeFileAtomic, type Runner } from '../../core/index.ts';
import { installFailure, installStep, installSteps, type InstallStep } from './installOutput.ts';
import { INSTALL_PERMIT_FILE, INSTALL_VERDICT_FILE, parseVerdict, type InstallPermit, type InstallVerdict } from './installPermit.ts';
import { parseRaucStatus, type RaucStatus } from './status.ts';

export type RaucErrorCode = 'RAUC_INSTALL_REFUSED' | 'RAUC_UNAVAILABLE';

export class RaucError extends Error {
  readonly code: RaucErrorCode;

  constructor(code: RaucErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RaucError';
    this.code = code;
  }
}

export interface RaucDriverDeps {
  runner: Runner;
  /** The environment of every rauc call; in the lab the private bus (DBUS_SYSTEM_BUS_ADDRESS). */
  env?: Record<string, string>;
  netns?: string;
  /** The agent's run directory, which RAUC's pre-install handler is given: the install permit and its verdict. */
  runDir: string;
  /** How long one install may take; a large bundle on slow flash takes minutes. */
  installTimeoutMs?: number;
}

const DEFAULT_INSTALL_TIMEOUT_MS = 30 * 60_000;
const CALL_TIMEOUT_MS = 30_000;

export interface InstallResult {
  readonly steps: readonly InstallStep[];
  /** The version and compatible of the manifest RAUC verified, as its pre-install handler saw them. */
  readonly verdict: InstallVerdict;
}

export class RaucDriver {
  private readonly deps: RaucDriverDeps;

  constructor(deps: RaucDriverDeps) {
    this.deps = deps;
  }

  /** The slots as RAUC sees them now. */
  async status(): Promise<RaucStatus> {
    const { stdout } = await this.rauc(['status', '--detailed', '--output-format=json'], CALL_TIMEOUT_MS);
    return parseRaucStatus(stdout);
  }

  /**
   * Installs a bundle file into the other slot and makes it the one booted next; `onStep` hears
   * each progress line as RAUC prints it. `permit` says which versions the box takes (RAUC's
   * pre-install handler judges the verified manifest by it). A bundle RAUC or the handler refuses
   * (signature, CA, compatible, a broken payload, an older version) throws RAUC_INSTALL_REFUSED
   * with the reason; nothing is then written to a slot, and RAUC keeps booting the booted one.
   */
  async install(file: string, permit: InstallPermit, onStep?: (step: InstallStep) => void): Promise<InstallResult> {
    if (!file.startsWith('/')) throw new Error(`rauc install needs an absolute path, not ${JSON.stringify(file)}`);
    const onLine = onStep && ((line: string) => {
      const step = installStep(line);
      if (step) onStep(step);
    });
    const permitFile = join(this.deps.runDir, INSTALL_PERMIT_FILE);
    const verdictFile = join(this.deps.runDir, INSTALL_VERDICT_FILE);
    // A verdict left from an install before must not speak for this one; the run directory is a
    // tmpfs the agent may not have written to since the boot.
    await mkdir(this.deps.runDir, { recursive: true, mode: 0o755 });
    await rm(verdictFile, { force: true });
    await writeFileAtomic(permitFile, JSON.stringify(permit) + '\n', { mode: 0o600 });
    let verdict: InstallVerdict | undefined;
    let result: Awaited<ReturnType<RaucDriver['rauc']>>;
    try {
      result = await this.rauc(['install', file], this.deps.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS, [1], onLine);
      verdict = await readVerdict(verdictFile);
    } finally {
      await rm(permitFile, { force: true });
      await rm(verdictFile, { force: true });
    }
    if (verdict?.problem !== undefined) throw new RaucError('RAUC_INSTALL_REFUSED', `the update was refused: ${verdict.problem}`);
    if (result.code !== 0) throw new RaucError('RAUC_INSTALL_REFUSED', `the update was not installed: ${installFailure(result.stdout, result.stderr)}`);
    // RAUC installed without asking the box: its system.conf names no pre-install handler.
    if (!verdict) throw new RaucError('RAUC_INSTALL_REFUSED', 'RAUC installed the bundle without the box\'s pre-install handler judging its version: RAUC\'s system.conf must name it');
    return { steps: installSteps(result.stdout), verdict };
  }

  /** Marks the running slot good (it came up healthy) or bad (the bootloader then starts the other). */
  async markBooted(state: 'good' | 'bad'): Promise<void> {
    await this.rauc(['status', state === 'good' ? 'mark-good' : 'mark-bad', 'booted'], CALL_TIMEOUT_MS);
  }

  private async rauc(args: readonly string[], timeoutMs: number, okCodes: readonly number[] = [], onStdoutLine?: (line: string) => void) {
    try {
      return await this.deps.runner.run('rauc', args, {
        timeoutMs, okCodes, ...(this.deps.env ? { env: this.deps.env } : {}), ...(this.deps.netns ? { netns: this.deps.netns } : {}),
        ...(onStdoutLine ? { onStdoutLine } : {}),
      });
    } catch (error) {
      if (error instanceof CommandError) throw new RaucError('RAUC_UNAVAILABLE', `RAUC did not answer: ${error.message}`, { cause: error });
      throw error;
    }
  }
}

/** The pre-install handler's verdict, or undefined where it left none (RAUC refused the bundle before asking it). */
async function readVerdict(path: string): Promise<InstallVerdict | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseVerdict(text);
}
