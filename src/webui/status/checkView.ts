// The function test's result as the agent's check.run and check.last answer it (docs/control.md):
// each check's verdict and measured value, and its title, fix and note already in both languages,
// so the page only picks the visitor's.
export type CheckVerdict = 'pass' | 'warn' | 'fail' | 'skipped';

export interface CheckWords {
  readonly de: string;
  readonly en: string;
}

export interface CheckItemView {
  readonly id: string;
  readonly number: number;
  readonly title: CheckWords;
  readonly verdict: CheckVerdict;
  readonly value: string;
  readonly fix?: CheckWords;
  readonly note?: CheckWords;
}

export interface CheckResultView {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly actor: string;
  readonly verdict: 'pass' | 'warn' | 'fail';
  readonly checks: readonly CheckItemView[];
}
