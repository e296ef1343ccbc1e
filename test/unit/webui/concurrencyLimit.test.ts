// The bound on costly jobs (the password check's processes): so many run at once, so many more
// wait in the order they came, and past both a job is refused at once without being started.
import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit, LimitBusyError } from '../../../src/webui/auth/concurrencyLimit.ts';

/** A job the test ends by hand, recording when it started. */
function heldJob(started: string[], name: string) {
  let finish: (value: string) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const job = () => {
    started.push(name);
    return new Promise<string>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { job, finish: () => finish(name), fail: (error: Error) => fail(error) };
}

/** Lets every promise that can settle now settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('runs two at once, lets four wait in order, and refuses the seventh without starting it', async () => {
    const limit = new ConcurrencyLimit({ running: 2, waiting: 4 });
    const started: string[] = [];
    const jobs = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => heldJob(started, name));
    const results = jobs.map(({ job }) => limit.run(job));
    await settle();
    expect(started).toEqual(['a', 'b']);

    let refusedStarted = false;
    await expect(limit.run(async () => (refusedStarted = true))).rejects.toBeInstanceOf(LimitBusyError);
    expect(refusedStarted).toBe(false);

    jobs[1]?.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    // A place freed goes to the first waiting job, not to one that comes after it.
    const late = heldJob(started, 'g');
    const lateResult = limit.run(late.job);
    jobs[0]?.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    for (const next of jobs.slice(2)) {
      next.finish();
      await settle();
    }
    late.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await lateResult).toBe('g');
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('frees the place of a job that fails, which rejects its own caller only', async () => {
    const limit = new ConcurrencyLimit({ running: 1, waiting: 1 });
    const started: string[] = [];
    const [failing, next] = [heldJob(started, 'failing'), heldJob(started, 'next')];
    const failed = limit.run(failing.job);
    const waited = limit.run(next.job);
    await settle();
    failing.fail(new Error('the check printed no score'));
    await expect(failed).rejects.toThrow('the check printed no score');
    await settle();
    expect(started).toEqual(['failing', 'next']);
    next.finish();
    expect(await waited).toBe('next');
    // Both places are free again: one runs, one waits.
    const again = [heldJob(started, 'x'), heldJob(started, 'y')];
    const runs = again.map(({ job }) => limit.run(job));
    await expect(limit.run(async () => 'z')).rejects.toThrow('busy: 1 running and 1 waiting, try again');
    for (const job of again) {
      job.finish();
      await settle();
    }
    expect(await Promise.all(runs)).toEqual(['x', 'y']);
  });

  it('refuses limits that would run nothing or wait a negative number', () => {
    expect(() => new ConcurrencyLimit({ running: 0, waiting: 4 })).toThrow(RangeError);
    expect(() => new ConcurrencyLimit({ running: 2, waiting: -1 })).toThrow(RangeError);
    expect(() => new ConcurrencyLimit({ running: 1.5, waiting: 0 })).toThrow(RangeError);
  });
});
