// The kept protocols: one JSON file each in the state directory's `protocols/`, on the data
// partition. The content is kept, not the PDF: it holds every text in both languages, so a
// protocol renders in either on request, and the same on each request.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/index.ts';
import type { ProtocolContent } from './protocolContent.ts';
import { nextProtocolId, protocolsToDrop } from './protocolRetention.ts';

const FILE_PATTERN = /^protocol-([1-9][0-9]{0,8})\.json$/;

export class ProtocolStore {
  private readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'protocols');
  }

  /** The kept protocols' ids, newest first. */
  async ids(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.flatMap((name) => {
      const match = FILE_PATTERN.exec(name);
      return match?.[1] ? [Number(match[1])] : [];
    }).sort((a, b) => b - a);
  }

  async nextId(): Promise<number> {
    return nextProtocolId(await this.ids());
  }

  /** Keeps the protocol, then drops the oldest beyond the number kept. */
  async add(content: ProtocolContent): Promise<void> {
    const ids = await this.ids();
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.fileOf(content.id), `${JSON.stringify(content, null, 2)}\n`);
    for (const id of protocolsToDrop(ids, content.id)) await rm(this.fileOf(id), { force: true });
  }

  /** The protocol kept under `id`, or undefined when there is none. */
  async read(id: number): Promise<ProtocolContent | undefined> {
    try {
      return JSON.parse(await readFile(this.fileOf(id), 'utf8')) as ProtocolContent;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private fileOf(id: number): string {
    return join(this.dir, `protocol-${id}.json`);
  }
}
