// One check of the function test: it gathers facts through the subsystems' own adapters (the
// sources the composition root hands it) and judges them in a pure function, which unit tests
// cover table by table. gather may throw; the runner turns that into a failed check.
import type { CheckId, Judgement } from './result.ts';
import type { CheckSources } from './sources.ts';

export interface Check<Facts> {
  readonly id: CheckId;
  readonly number: number;
  /** The most gather may take; its signal aborts at four fifths of it (runChecks.ts). */
  readonly timeoutMs: number;
  gather(sources: CheckSources, signal: AbortSignal): Promise<Facts>;
  judge(facts: Facts): Judgement;
}

/** A check as the runner holds it: its facts stay between its own gather and judge. */
export interface RunnableCheck {
  readonly id: CheckId;
  readonly number: number;
  readonly timeoutMs: number;
  run(sources: CheckSources, signal: AbortSignal): Promise<Judgement>;
}

export function runnable<Facts>(check: Check<Facts>): RunnableCheck {
  return {
    id: check.id,
    number: check.number,
    timeoutMs: check.timeoutMs,
    run: async (sources, signal) => check.judge(await check.gather(sources, signal)),
  };
}
