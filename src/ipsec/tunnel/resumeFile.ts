// The resume state's file (resumeState.ts), as the controller keeps it: written atomically with
// 0600, removed when the tunnel must not come back.
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../agent/atomicFile.ts';
import { renderResumeState, resumePath, type ResumeState } from './resumeState.ts';

export class ResumeFile {
  private readonly path: string;

  constructor(stateDir: string) {
    this.path = resumePath(stateDir);
  }

  async save(state: ResumeState): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, renderResumeState(state), { mode: 0o600 });
  }

  clear(): Promise<void> {
    return rm(this.path, { force: true });
  }
}
