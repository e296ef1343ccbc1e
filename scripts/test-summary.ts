// A vitest reporter that prints the closing line CI reads, `N passed, N failed[, N skipped]`,
// counting as vitest's own summary does not:
// - every test under a suite or file whose beforeAll/afterAll failed counts as failed, whether
//   it was skipped for it (a failed lab setup) or passed before a teardown that failed;
// - a skip counts as a skip only when the test declared it with a reason (`ctx.skip('why')`);
//   any other (`it.skip`, `todo`, a skip nobody explained) counts as failed;
// - a file that failed to load, and an error outside any test, count as one failure each.
// Above the line it says what it counted as failed beyond the tests that failed themselves; any
// failure fails the run.
import type { Reporter, SerializedError, TestCase, TestModule, TestSuite } from 'vitest/node';

export interface TestOutcome {
  name: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** The reason a test gave for skipping itself. */
  skipNote?: string;
  /** The failed hook of a suite or file around the test, if any. */
  hookFailure?: string;
}

export interface ModuleOutcome {
  file: string;
  /** Errors of the file itself: it did not load, or a file-level hook failed. */
  errors: string[];
  tests: TestOutcome[];
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  /** Why failures beyond the tests that failed themselves were counted, one line each. */
  notes: string[];
}

export function summarize(modules: readonly ModuleOutcome[], unhandledErrors: readonly string[]): Summary {
  const summary: Summary = { passed: 0, failed: 0, skipped: 0, notes: [] };
  for (const module of modules) {
    if (module.tests.length === 0 && module.errors.length > 0) {
      summary.failed++;
      summary.notes.push(`${module.file}: did not load (${firstLine(module.errors[0])}): counted as 1 failed`);
      continue;
    }
    const byHook = new Map<string, number>();
    let undeclaredSkips = 0;
    for (const test of module.tests) {
      const hookFailure = test.hookFailure ?? module.errors[0];
      if (hookFailure !== undefined) {
        summary.failed++;
        if (test.state !== 'failed') byHook.set(hookFailure, (byHook.get(hookFailure) ?? 0) + 1);
      } else if (test.state === 'passed') {
        summary.passed++;
      } else if (test.state === 'skipped' && test.skipNote) {
        summary.skipped++;
      } else {
        summary.failed++;
        if (test.state !== 'failed') undeclaredSkips++;
      }
    }
    for (const [hook, count] of byHook) {
      summary.notes.push(`${module.file}: ${count} ${plural(count)} under a setup or teardown that failed (${firstLine(hook)}): counted as failed`);
    }
    if (undeclaredSkips > 0) {
      summary.notes.push(`${module.file}: ${undeclaredSkips} ${plural(undeclaredSkips)} skipped without a reason: counted as failed`);
    }
  }
  for (const error of unhandledErrors) {
    summary.failed++;
    summary.notes.push(`an error outside any test (${firstLine(error)}): counted as 1 failed`);
  }
  return summary;
}

export function formatSummary(summary: Summary): string {
  const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
  return `${summary.passed} passed, ${summary.failed} failed${skipped}`;
}

function plural(count: number): string {
  return count === 1 ? 'test' : 'tests';
}

function firstLine(text: string | undefined): string {
  return (text ?? 'no message').split('\n')[0] ?? '';
}

function messages(errors: readonly SerializedError[]): string[] {
  return errors.map((e) => e.message ?? String(e));
}

/** The nearest suite around `test` whose own hooks failed. */
function failedHook(test: TestCase): string | undefined {
  for (let parent: TestSuite | TestModule = test.parent; parent.type === 'suite'; parent = parent.parent) {
    const errors = messages(parent.errors());
    if (errors.length > 0) return errors[0];
  }
  return undefined;
}

function outcome(test: TestCase): TestOutcome {
  const result = test.result();
  const hookFailure = failedHook(test);
  return {
    name: test.fullName,
    state: result.state,
    ...(result.state === 'skipped' && result.note ? { skipNote: result.note } : {}),
    ...(hookFailure === undefined ? {} : { hookFailure }),
  };
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const summary = summarize(
      testModules.map((m) => ({ file: m.relativeModuleId, errors: messages(m.errors()), tests: [...m.children.allTests()].map(outcome) })),
      messages(unhandledErrors),
    );
    for (const note of summary.notes) console.log(note);
    console.log(formatSummary(summary));
    // vitest passes a run whose only fault is a skip nobody explained: this one does not.
    if (summary.failed > 0) process.exitCode = 1;
  }
}
