// The last update's outcome, kept on the data partition for `tibox update status`: what was
// installed or refused, when, and why. A file that is not one reads as none: it only informs.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseStateObject, readStateFile, writeFileAtomic } from '../../core/index.ts';

export interface UpdateOutcome {
  readonly actionId: string | undefined;
  readonly result: 'success' | 'failure';
  /** The version the outcome is about, where one is known. */
  readonly version: string | undefined;
  readonly details: readonly string[];
  /** ISO time. */
  readonly at: string;
}

export function parseUpdateOutcome(text: string): UpdateOutcome | undefined {
  const o = parseStateObject(text);
  if (!o) return undefined;
  const optional = (v: unknown) => (typeof v === 'string' ? v : undefined);
  if (o.result !== 'success' && o.result !== 'failure') return undefined;
  if (typeof o.at !== 'string' || !Array.isArray(o.details) || !o.details.every((d) => typeof d === 'string')) return undefined;
  return { actionId: optional(o.actionId), result: o.result, version: optional(o.version), details: o.details as string[], at: o.at };
}

export class OutcomeFile {
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  async read(): Promise<UpdateOutcome | undefined> {
    const text = await readStateFile(this.file);
    return text === undefined ? undefined : parseUpdateOutcome(text);
  }

  async write(outcome: UpdateOutcome): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, `${JSON.stringify({ ...outcome, actionId: outcome.actionId ?? null, version: outcome.version ?? null })}\n`, { mode: 0o600 });
  }
}
