// The writers of persistent state that killedWrites.test.ts kills with SIGKILL, each with two
// complete states A and B that differ in every part, and a check that reads the state back the
// way the box does when it starts. The test and the writer process (writerProcess.ts) load one
// writer at a time, so a writer process starts quickly.
export type StateName = 'A' | 'B';

/** What the box's reader finds: one of the two states whole, nothing at all, or a broken state and why. */
export type Found = StateName | 'none' | { readonly broken: string };

export interface StateWriting {
  /** Writes one of the two states whole, through the real module. */
  write(state: StateName): Promise<void>;
  close(): Promise<void>;
}

export interface KilledWriter {
  open(dir: string): Promise<StateWriting>;
  /** Reads `dir` as the box does at start; never throws, a reader that throws finds a broken state. */
  check(dir: string): Promise<Found>;
  /**
   * Only where the module documents that a reader may find nothing while `from` is replaced by
   * `to`: whether `dir` shows exactly that moment.
   */
  noneWhileReplacing?(dir: string, from: StateName, to: StateName): Promise<boolean>;
  /** Leaves in `dir` (holding A) what a write without the module's protection leaves when killed halfway to B. */
  tear(dir: string): Promise<void>;
}

export const WRITERS = {
  config: async () => (await import('./configWriter.ts')).configWriter,
  profile: async () => (await import('./profileWriter.ts')).profileWriter,
  ruleset: async () => (await import('./rulesetWriter.ts')).rulesetWriter,
  tunnel: async () => (await import('./tunnelWriter.ts')).tunnelWriter,
  provisioning: async () => (await import('./provisioningWriter.ts')).provisioningWriter,
  rulesetInPlace: async () => (await import('./rulesetWriter.ts')).rulesetInPlaceWriter,
} satisfies Record<string, () => Promise<KilledWriter>>;

export type WriterName = keyof typeof WRITERS;

export function isWriterName(name: string | undefined): name is WriterName {
  return name !== undefined && Object.hasOwn(WRITERS, name);
}

export function broken(why: string): Found {
  return { broken: why };
}

/** Runs a reader; what it throws is a broken state, never a failure of the check itself. */
export async function reading(read: () => Promise<Found>): Promise<Found> {
  try {
    return await read();
  } catch (error) {
    return broken(`the reader threw: ${(error as Error).message}`);
  }
}
