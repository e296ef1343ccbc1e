// Waiting in the benchmarks for the lab to reach a state, with a cap that names what never came.

/** Polls until `ready` says yes, or throws with `what` (and the last failure) at the cap. */
export async function until(what: string, capMs: number, ready: () => Promise<boolean>, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + capMs;
  let failure = '';
  for (;;) {
    try {
      if (await ready()) return;
    } catch (error) {
      failure = `: ${(error as Error).message}`;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${capMs / 1000} s${failure}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
