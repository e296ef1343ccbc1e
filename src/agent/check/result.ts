// What the function test answers: per check its verdict, the value it measured and, where the
// installer has something to do, the fix in plain words in German and English (texts.ts), keyed
// so the web UI and the installation protocol can use the same words.
import type { TextKey } from './texts.ts';

export type Verdict = 'pass' | 'warn' | 'fail' | 'skipped';

/** The checks of this firmware; numbered as in docs/function-test.md, where the missing ones are named. */
export type CheckId = 'wan' | 'wanDns' | 'time' | 'passthrough' | 'mtu' | 'tunnel' | 'connector' | 'tiDns' | 'terminals' | 'pvsHosts' | 'addressPlan';

/** What a check's pure verdict function decides from the facts it gathered. */
export interface Judgement {
  readonly verdict: Verdict;
  /** What was measured, in values rather than words: addresses, names, times, counts. */
  readonly value: string;
  /** What the installer should do; absent where there is nothing to do. */
  readonly fixKey?: TextKey;
  /** A remark shown with any verdict (the TI DNS check's forwarding rule). */
  readonly noteKey?: TextKey;
  /** The values the fix and the note name. */
  readonly params?: Readonly<Record<string, string>>;
}

export interface Words {
  readonly de: string;
  readonly en: string;
}

export interface CheckResult {
  readonly id: CheckId;
  /** Its number in the function test's list (docs/function-test.md). */
  readonly number: number;
  readonly title: Words;
  readonly verdict: Verdict;
  readonly value: string;
  readonly fixKey?: TextKey;
  readonly fix?: Words;
  readonly note?: Words;
  /** How long the check took. */
  readonly ms: number;
}

export interface FunctionTestResult {
  /** ISO times. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Who asked for it. */
  readonly actor: string;
  /** fail if any check failed, else warn if any warned, else pass. */
  readonly verdict: 'pass' | 'warn' | 'fail';
  /** In the order of their numbers. */
  readonly checks: readonly CheckResult[];
}

/** The test's verdict from its checks': a skipped check neither passes nor fails it. */
export function overallVerdict(checks: readonly Pick<CheckResult, 'verdict'>[]): FunctionTestResult['verdict'] {
  if (checks.some((c) => c.verdict === 'fail')) return 'fail';
  return checks.some((c) => c.verdict === 'warn') ? 'warn' : 'pass';
}
