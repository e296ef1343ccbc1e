// The files in the agent's state directory that record what a subsystem applied (the TI prefixes,
// the LAN links tibox owns), read back by the boot units and by the agent after a restart. A
// missing file is normal: nothing was applied yet. A write goes through writeFileAtomic into a
// directory only root may list, and is skipped when the file already holds the text, so a repair
// pass that changes nothing writes nothing.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomicFile.ts';
import type { Logger } from './log.ts';

/** A state file's JSON object, or undefined for text that is none (torn, foreign, or a list): its reader then knows nothing. */
export function parseStateObject(text: string): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
}

/** The file's text, or undefined when there is no such file. */
export async function readStateFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** One state file, as the one process that writes it sees it. */
export class StateFile {
  readonly path: string;
  /** What the file holds as far as this process knows: read or written by it. */
  private known: string | undefined;
  /** Why the last save failed, while saving fails. */
  private failing: string | undefined;

  constructor(path: string) {
    this.path = path;
  }

  async read(): Promise<string | undefined> {
    this.known = await readStateFile(this.path);
    return this.known;
  }

  async write(text: string): Promise<void> {
    if (text === this.known) return;
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, text);
    this.known = text;
  }

  /** Deletes the file; one that is not there is deleted already. */
  async remove(): Promise<void> {
    await rm(this.path, { force: true });
    this.known = undefined;
  }

  /**
   * write(), where the kernel already holds what counts and the file only helps the next boot or
   * start: a data partition that takes no writes (read-only, full, failing) must not fail the
   * apply that changed the kernel. The failure is logged once until a save succeeds again.
   */
  async save(text: string, log: Logger): Promise<void> {
    try {
      await this.write(text);
      if (this.failing !== undefined) log.info({ path: this.path }, 'state file saved again');
      this.failing = undefined;
    } catch (error) {
      const reason = (error as Error).message;
      if (this.failing === undefined) log.error({ path: this.path, reason }, 'state file not saved: the next boot finds an older one');
      this.failing = reason;
    }
  }
}
