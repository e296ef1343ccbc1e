// The box's RAUC, through its command line with argument arrays: the `rauc` CLI talks to the RAUC
// service over D-Bus (de.pengutronix.rauc.Installer) for us, so the agent needs no D-Bus client of
// its own, and every call is one command whose exit status and LastError tell the outcome.
// Installs come from a file the DDI client has downloaded and checked: RAUC here cannot stream.
import { CommandError, type Runner } from '../../core/index.ts';
import { parseBundleInfo, type BundleInfo } from './bundleVersion.ts';
import { installFailure, installStep, installSteps, type InstallStep } from './installOutput.ts';
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
  /** RAUC's system.conf where it is not /etc/rauc/system.conf (the lab's): `rauc info` reads the keyring from it. */
  confFile?: string;
  /** How long one install may take; a large bundle on slow flash takes minutes. */
  installTimeoutMs?: number;
}

const DEFAULT_INSTALL_TIMEOUT_MS = 30 * 60_000;
const CALL_TIMEOUT_MS = 30_000;

export interface InstallResult {
  readonly steps: readonly InstallStep[];
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
   * each progress line as RAUC prints it. A bundle RAUC refuses (signature, CA, compatible, a
   * broken payload) throws RAUC_INSTALL_REFUSED with RAUC's reason; nothing is then written to the
   * booted slot, and RAUC keeps booting it.
   */
  async install(file: string, onStep?: (step: InstallStep) => void): Promise<InstallResult> {
    if (!file.startsWith('/')) throw new Error(`rauc install needs an absolute path, not ${JSON.stringify(file)}`);
    const onLine = onStep && ((line: string) => {
      const step = installStep(line);
      if (step) onStep(step);
    });
    const result = await this.rauc(['install', file], this.deps.installTimeoutMs ?? DEFAULT_INSTALL_TIMEOUT_MS, [1], onLine);
    if (result.code !== 0) throw new RaucError('RAUC_INSTALL_REFUSED', `the update was not installed: ${installFailure(result.stdout, result.stderr)}`);
    return { steps: installSteps(result.stdout) };
  }

  /**
   * The compatible and version of a bundle file, once its signature is checked against the box's
   * keyring; a bundle RAUC refuses throws RAUC_INSTALL_REFUSED with RAUC's reason.
   */
  async bundleInfo(file: string): Promise<BundleInfo> {
    const conf = this.deps.confFile ? [`--conf=${this.deps.confFile}`] : [];
    const result = await this.rauc(['info', ...conf, '--output-format=json', file], CALL_TIMEOUT_MS, [1]);
    if (result.code !== 0) throw new RaucError('RAUC_INSTALL_REFUSED', `the update was refused: ${installFailure('', result.stderr)}`);
    return parseBundleInfo(result.stdout);
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
