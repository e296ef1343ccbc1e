// The saved tunnel as a swanctl directory (resumeSwanctl.ts) in the state directory, where the
// service launcher looks for it at boot. It holds the box's private key: the directory is 0700,
// every file 0600, gone with the profile and with a factory reset. A new one is written beside
// the old one and swapped in, so the launcher finds the old tunnel whole, the new one whole, or
// (after a power cut in the instant between the two renames) none, which only means the agent
// builds the tunnel itself. Each step of the swap reaches the disk before the next, and clear()
// before it resolves: a power cut must not bring back an older tunnel, nor one cleared because it
// must not come back.
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncDirectory, writeFileAtomic } from '../../core/index.ts';
import type { RoutePath } from './ports.ts';
import type { ResumeState } from './resumeState.ts';
import { renderResumeDir, SWANCTL_EMPTY_DIRS } from './resumeSwanctl.ts';

/** The directory bin/tibox-agent looks for in the state directory. */
const RESUME_DIR = 'tunnel-resume';

export interface ResumeFileOptions {
  stateDir: string;
  /** The updown script charon runs when the resumed CHILD_SA is up (bin/tibox-resume-updown). */
  updown: string;
  /** The `ip -batch` lines of the routes module's plan for these routes. */
  routeBatch: (routes: { prefixes: readonly string[]; path: RoutePath }) => string;
  /** core's syncDirectory unless a test watches the order of syncs and renames. */
  syncDirectory?: (dir: string) => Promise<void>;
}

export class ResumeFile {
  private readonly dir: string;
  private readonly options: ResumeFileOptions;
  private readonly sync: (dir: string) => Promise<void>;

  constructor(options: ResumeFileOptions) {
    this.options = options;
    this.dir = join(options.stateDir, RESUME_DIR);
    this.sync = options.syncDirectory ?? syncDirectory;
  }

  async save(state: ResumeState): Promise<void> {
    const files = renderResumeDir(state, { dir: this.dir, updown: this.options.updown, routeBatch: this.options.routeBatch(state.routes) });
    const fresh = `${this.dir}.new`;
    const old = `${this.dir}.old`;
    await rm(fresh, { recursive: true, force: true });
    for (const dir of SWANCTL_EMPTY_DIRS) await mkdir(join(fresh, dir), { recursive: true, mode: 0o700 });
    for (const file of files) {
      const path = join(fresh, file.path);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFileAtomic(path, file.content, { mode: 0o600 });
    }
    // writeFileAtomic syncs the directory each file lands in; the subdirectories' own entries
    // (one level deep) are in the new directory, which must be whole on disk before it is swapped in.
    await this.sync(fresh);
    await rm(old, { recursive: true, force: true });
    await rename(this.dir, old).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await this.sync(this.options.stateDir);
    await rename(fresh, this.dir);
    await this.sync(this.options.stateDir);
    // Not synced: the launcher never reads the old directory, and the next save or clear removes it.
    await rm(old, { recursive: true, force: true });
  }

  async clear(): Promise<void> {
    for (const dir of [this.dir, `${this.dir}.new`, `${this.dir}.old`]) await rm(dir, { recursive: true, force: true });
    // Cleared because the tunnel must not come back: a power cut must not undo that. No state
    // directory holds no saved tunnel either.
    await this.sync(this.options.stateDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}
