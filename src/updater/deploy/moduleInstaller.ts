// The step after the download, one per software module type: hawkBit names each chunk's type
// (`part`), and the updater hands the chunk to the installer of that type (`os` → RAUC,
// `tibox-profile` → the profile renewal). An installer either finishes its work, or leaves the box to
// boot into it, whose outcome is known only after the reboot.
import type { Chunk } from '../ddi/index.ts';

export interface ModuleJob {
  readonly actionId: string;
  readonly chunk: Chunk;
  /** The chunk's artifacts, downloaded and their sha256 checked. */
  readonly files: readonly string[];
  /** The deployment is forced: an older version may be installed. */
  readonly forced: boolean;
  /**
   * Tells the server what is under way (proceeding), with how far (`cnt` of `of`) where known.
   * Never rejects: feedback that does not get through is logged, and the install goes on.
   */
  progress(details: readonly string[], step?: { cnt: number; of: number }): Promise<void>;
}

export type ModuleOutcome =
  | { readonly kind: 'installed'; readonly details: readonly string[] }
  /** Installed; it runs after a reboot, and the health commit then judges it. */
  | { readonly kind: 'rebootInto'; readonly version: string; readonly details: readonly string[] };

/**
 * A failed install that says more than one line: the server gets each line as a detail of its
 * own (a detail is cut at 512 characters), where a plain error gives its message as the one.
 */
export class InstallFailure extends Error {
  readonly details: readonly string[];

  constructor(details: readonly string[]) {
    super(details.join('; '));
    this.name = 'InstallFailure';
    this.details = details;
  }
}

export interface ModuleInstaller {
  /** The software module type it takes, as hawkBit's `part`. */
  readonly part: string;
  /** It installs without interrupting the practice's TI traffic, so it need not wait for the practice to close. */
  readonly live?: boolean;
  /** Throws, in words, when the module cannot be installed; nothing of the running system is then changed. */
  install(job: ModuleJob): Promise<ModuleOutcome>;
}
