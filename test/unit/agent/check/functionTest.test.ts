// The function test on the control API: one run at a time (a second caller joins it), each
// request audited, the last result kept in the state directory and announced when it is done, and
// forgotten at a factory reset, even by a run under way then.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RunnableCheck } from '../../../../src/agent/check/check.ts';
import { FUNCTION_TEST_FILE, FunctionTest } from '../../../../src/agent/check/functionTest.ts';
import type { FunctionTestResult } from '../../../../src/agent/check/result.ts';
import type { CheckSources } from '../../../../src/agent/check/sources.ts';
import { ControlActions } from '../../../../src/core/controlActions.ts';
import { createLogger } from '../../../../src/core/log.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tibox-check-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function setUp() {
  let release: () => void = () => undefined;
  let runs = 0;
  const gate: RunnableCheck = {
    id: 'wan',
    number: 1,
    timeoutMs: 60_000,
    run: () => {
      runs += 1;
      return new Promise((resolve) => (release = () => resolve({ verdict: 'fail', value: 'wan0: no link', fixKey: 'wan.noCarrier', params: { port: 'wan0' } })));
    },
  };
  const audited: [string, string, Record<string, unknown>][] = [];
  const finished: FunctionTestResult[] = [];
  const test = new FunctionTest({
    checks: [gate],
    sources: () => ({}) as CheckSources,
    stateDir: dir,
    audit: (actor, action, detail) => audited.push([actor, action, detail]),
    onFinished: (result) => finished.push(result),
    log: createLogger({ level: 'silent' }),
    now: () => new Date('2026-12-07T10:00:00.000Z'),
  });
  const actions = new ControlActions();
  test.registerActions(actions);
  return { test, actions, audited, finished, release: () => release(), runs: () => runs };
}

it('lets a second caller join the run under way, audits both, and keeps and announces the result', async () => {
  const { actions, audited, finished, release, runs } = setUp();
  expect(await actions.run('check.last', {}, { actor: 'local-cli' })).toBeNull();
  const first = actions.run('check.run', {}, { actor: 'local-cli' });
  const second = actions.run('check.run', {}, { actor: 'webui:admin' });
  await new Promise((resolve) => setImmediate(resolve));
  release();
  const [a, b] = await Promise.all([first, second]);
  expect(b).toBe(a);
  expect(runs()).toBe(1);
  expect(audited).toEqual([
    ['local-cli', 'check.run', {}],
    ['webui:admin', 'check.run', { joined: true }],
  ]);
  expect(a).toMatchObject({ actor: 'local-cli', verdict: 'fail', checks: [{ id: 'wan', verdict: 'fail', fix: { en: expect.stringContaining('wan0 has no link') } }] });
  expect(finished).toEqual([a]);
  expect(JSON.parse(readFileSync(join(dir, FUNCTION_TEST_FILE), 'utf8'))).toEqual(a);
  expect(await actions.run('check.last', {}, { actor: 'local-cli' })).toEqual(a);
});

it('runs anew once the run before has finished', async () => {
  const { actions, release, runs } = setUp();
  const first = actions.run('check.run', {}, { actor: 'local-cli' });
  await new Promise((resolve) => setImmediate(resolve));
  release();
  await first;
  const second = actions.run('check.run', {}, { actor: 'local-cli' });
  await new Promise((resolve) => setImmediate(resolve));
  release();
  await second;
  expect(runs()).toBe(2);
});

it('forgets the last result, and a run under way at that moment keeps its own from the file', async () => {
  const { test, actions, release } = setUp();
  const first = actions.run('check.run', {}, { actor: 'local-cli' });
  await new Promise((resolve) => setImmediate(resolve));
  release();
  await first;
  const during = actions.run('check.run', {}, { actor: 'local-cli' });
  await new Promise((resolve) => setImmediate(resolve));
  await test.forget();
  expect(existsSync(join(dir, FUNCTION_TEST_FILE))).toBe(false);
  release();
  // Its caller still gets the answer; the next practice's protocol finds nothing.
  expect(await during).toMatchObject({ verdict: 'fail' });
  expect(existsSync(join(dir, FUNCTION_TEST_FILE))).toBe(false);
  expect(await actions.run('check.last', {}, { actor: 'local-cli' })).toBeNull();
});
