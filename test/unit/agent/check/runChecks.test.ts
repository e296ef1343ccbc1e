// Running the checks: all at once, each bounded by its own time limit, a check that throws or
// overruns failed with the reason, the others untouched, the result in the checks' order.
import { afterEach, expect, it, vi } from 'vitest';
import type { RunnableCheck } from '../../../../src/agent/check/check.ts';
import type { CheckSources } from '../../../../src/agent/check/sources.ts';
import { runChecks } from '../../../../src/agent/check/runChecks.ts';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const sources = {} as CheckSources;
const options = { actor: 'local-cli', now: () => NOW };

function check(id: RunnableCheck['id'], number: number, run: RunnableCheck['run'], timeoutMs = 1_000): RunnableCheck {
  return { id, number, timeoutMs, run };
}

afterEach(() => {
  vi.useRealTimers();
});

it('orders the results by number and judges the test by its worst check', async () => {
  const result = await runChecks(
    [
      check('tunnel', 7, async () => ({ verdict: 'warn', value: 'up', fixKey: 'tunnel.oneGateway' })),
      check('wan', 1, async () => ({ verdict: 'pass', value: 'wan0' })),
      check('wanDns', 2, async () => ({ verdict: 'skipped', value: 'by address' })),
    ],
    sources,
    options,
  );
  expect(result).toMatchObject({ actor: 'local-cli', startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(), verdict: 'warn' });
  expect(result.checks.map((c) => [c.id, c.verdict])).toEqual([['wan', 'pass'], ['wanDns', 'skipped'], ['tunnel', 'warn']]);
  expect(result.checks[2]).toMatchObject({ title: { de: 'Tunnel', en: 'Tunnel' }, fixKey: 'tunnel.oneGateway', fix: { en: expect.stringContaining('only one gateway') } });
  expect(result.checks[0]).not.toHaveProperty('fix');
});

it('fails a check that throws with its reason, and runs the others', async () => {
  const result = await runChecks(
    [check('wan', 1, () => Promise.reject(new Error('netlink socket closed'))), check('time', 3, async () => ({ verdict: 'pass', value: 'synchronised' }))],
    sources,
    options,
  );
  expect(result.verdict).toBe('fail');
  expect(result.checks[0]).toMatchObject({ verdict: 'fail', value: 'netlink socket closed', fixKey: 'check.error', fix: { en: expect.stringContaining('(netlink socket closed)') } });
  expect(result.checks[1]?.verdict).toBe('pass');
});

it('fails a check that overruns its limit, aborts its gathering, and does not wait for it', async () => {
  vi.useFakeTimers();
  let aborted = false;
  const hanging = check('connector', 8, (_sources, signal) => {
    signal.addEventListener('abort', () => (aborted = true));
    return new Promise(() => undefined);
  }, 8_000);
  const running = runChecks([hanging, check('wan', 1, async () => ({ verdict: 'pass', value: 'wan0' }))], sources, options);
  await vi.advanceTimersByTimeAsync(8_000);
  const result = await running;
  expect(aborted).toBe(true);
  expect(result.checks.find((c) => c.id === 'connector')).toMatchObject({ verdict: 'fail', fixKey: 'check.timedOut', fix: { en: expect.stringContaining('within 8 s') } });
  expect(result.checks.find((c) => c.id === 'wan')?.verdict).toBe('pass');
});

it('aborts a check at four fifths of its limit, so that it words what it did not get', async () => {
  vi.useFakeTimers();
  const wording = check('tiDns', 9, (_sources, signal) => new Promise((resolve) => {
    signal.addEventListener('abort', () => resolve({ verdict: 'fail', value: 'no answer (ECANCELLED)', fixKey: 'tiDns.tunnel' }));
  }), 7_000);
  const running = runChecks([wording], sources, options);
  await vi.advanceTimersByTimeAsync(5_600);
  const result = await running;
  expect(result.checks[0]).toMatchObject({ verdict: 'fail', value: 'no answer (ECANCELLED)', fixKey: 'tiDns.tunnel' });
});
