import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSummary, summarize } from '../../../scripts/test-summary.ts';
import { processRunner } from '../../../src/core/runner.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

/** vitest on the fixtures (all, or those matching `filter`) with the closing-line reporter. */
function runFixtures(...filter: string[]) {
  return processRunner.run(join(repo, 'node_modules', '.bin', 'vitest'), [
    'run', '--root', join(import.meta.dirname, 'summaryFixtures'), '--reporter', join(repo, 'scripts', 'test-summary.ts'), ...filter,
  ], { okCodes: [1], timeoutMs: 60_000, env: { NO_COLOR: '1' } });
}

describe('the closing line of a test run', () => {
  it('counts a hook failure, an unexplained skip and an unloadable file as failures in a real vitest run', async () => {
    const result = await runFixtures();
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    // passes: 1; skipped with a reason: 1; failed: fails, the two under the failed beforeAll,
    // the one before the failed afterAll, it.skip, it.todo, the bare skip, the file-level
    // setup's test, the unloadable file, and the skip of skipOnly.
    expect(lines.at(-1)).toBe('1 passed, 10 failed, 1 skipped');
    expect(lines).toContain('hooks.fixture.ts: 2 tests under a setup or teardown that failed (lab setup failed): counted as failed');
    expect(lines).toContain('hooks.fixture.ts: 1 test under a setup or teardown that failed (lab teardown failed): counted as failed');
    expect(lines).toContain('hooks.fixture.ts: 3 tests skipped without a reason: counted as failed');
    expect(lines).toContain('fileHook.fixture.ts: 1 test under a setup or teardown that failed (file setup failed): counted as failed');
    expect(lines).toContain('unloadable.fixture.ts: did not load (cannot load): counted as 1 failed');
  });

  it('fails a run whose only fault is a skip without a reason, which vitest itself passes', async () => {
    const result = await runFixtures('skipOnly');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
    expect(result.code).toBe(1);
  });

  it('counts an error outside any test as a failure', () => {
    const summary = summarize([{ file: 'a.test.ts', errors: [], tests: [{ name: 'a', state: 'passed' }] }], ['EADDRINUSE\n  at listen']);
    expect(formatSummary(summary)).toBe('1 passed, 1 failed');
    expect(summary.notes).toEqual(['an error outside any test (EADDRINUSE): counted as 1 failed']);
  });

  it('says nothing beyond the line when every test ran and passed', () => {
    const summary = summarize([{ file: 'a.test.ts', errors: [], tests: [{ name: 'a', state: 'passed' }, { name: 'b', state: 'passed' }] }], []);
    expect(summary.notes).toEqual([]);
    expect(formatSummary(summary)).toBe('2 passed, 0 failed');
  });
});
