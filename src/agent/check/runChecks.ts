// Runs the checks of one function test, all at once: they only read (the kernel, the
// components, the network), and the probes two checks share are made once per run (sources.ts).
// Each check has its own time limit; one that overruns it or throws is a failed check with the
// reason, and never holds up or breaks the others. Its signal aborts at four fifths of the limit,
// so a gather that honours it (cancels its lookups, closes its sockets) has the last fifth to
// word what it did not get, rather than end as "no answer". The whole test thus takes as long
// as its slowest check, at most the largest limit.
import type { RunnableCheck } from './check.ts';
import { overallVerdict, type CheckResult, type FunctionTestResult, type Judgement } from './result.ts';
import type { CheckSources } from './sources.ts';
import { wordsOf } from './texts.ts';

export interface RunOptions {
  readonly actor: string;
  readonly now: () => Date;
}

export async function runChecks(checks: readonly RunnableCheck[], sources: CheckSources, options: RunOptions): Promise<FunctionTestResult> {
  const startedAt = options.now().toISOString();
  const results = await Promise.all(checks.map((check) => runOne(check, sources)));
  return {
    startedAt,
    finishedAt: options.now().toISOString(),
    actor: options.actor,
    verdict: overallVerdict(results),
    checks: results.sort((a, b) => a.number - b.number),
  };
}

/** The share of a check's limit after which its signal aborts. */
const ABORT_SHARE = 0.8;

async function runOne(check: RunnableCheck, sources: CheckSources): Promise<CheckResult> {
  const started = performance.now();
  const abort = new AbortController();
  const aborting = setTimeout(() => abort.abort(), check.timeoutMs * ABORT_SHARE);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Judgement>((resolve) => {
    timer = setTimeout(() => {
      resolve({ verdict: 'fail', value: 'no answer', fixKey: 'check.timedOut', params: { seconds: String(check.timeoutMs / 1000) } });
    }, check.timeoutMs);
  });
  let judgement: Judgement;
  try {
    judgement = await Promise.race([check.run(sources, abort.signal), timedOut]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    judgement = { verdict: 'fail', value: message, fixKey: 'check.error', params: { error: message } };
  } finally {
    clearTimeout(aborting);
    clearTimeout(timer);
  }
  return resultOf(check, judgement, Math.round(performance.now() - started));
}

export function resultOf(check: Pick<RunnableCheck, 'id' | 'number'>, judgement: Judgement, ms: number): CheckResult {
  const params = judgement.params ?? {};
  return {
    id: check.id,
    number: check.number,
    title: wordsOf(`title.${check.id}`),
    verdict: judgement.verdict,
    value: judgement.value,
    ...(judgement.fixKey ? { fixKey: judgement.fixKey, fix: wordsOf(judgement.fixKey, params) } : {}),
    ...(judgement.noteKey ? { note: wordsOf(judgement.noteKey, params) } : {}),
    ms,
  };
}
