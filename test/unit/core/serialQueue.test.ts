import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../../src/core/serialQueue.ts';

/** A promise and the function that resolves it, for holding a task open. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('SerialQueue', () => {
  it('runs tasks in the order they were queued, each after the previous one finished', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const first = gate();
    const runs = [
      queue.run(async () => {
        log.push('1 start');
        await first.opened;
        log.push('1 end');
        return 1;
      }),
      queue.run(async () => {
        log.push('2');
        return 2;
      }),
      queue.run(async () => {
        log.push('3');
        return 3;
      }),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['1 start']);
    first.open();
    expect(await Promise.all(runs)).toEqual([1, 2, 3]);
    expect(log).toEqual(['1 start', '1 end', '2', '3']);
  });

  it('rejects the caller of a failed task and runs the next one all the same', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('apply failed')));
    const thrown = queue.run(() => {
      throw new Error('thrown before any await');
    });
    const next = queue.run(async () => 'ran');
    await expect(failed).rejects.toThrow('apply failed');
    await expect(thrown).rejects.toThrow('thrown before any await');
    expect(await next).toBe('ran');
  });

  it('never lets two tasks overlap, whatever their durations', async () => {
    const queue = new SerialQueue();
    let running = 0;
    let most = 0;
    const task = (ms: number, fail: boolean) => async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running -= 1;
      if (fail) throw new Error('failed');
    };
    const runs = [5, 0, 3, 1, 0, 2].map((ms, i) => queue.run(task(ms, i % 2 === 1)));
    await Promise.allSettled(runs);
    expect(most).toBe(1);
  });

  it('settles once everything queued so far has finished, failed tasks too', async () => {
    const queue = new SerialQueue();
    const task = gate();
    const first = queue.run(() => task.opened);
    const failed = expect(queue.run(() => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    const settled = queue.settled();
    const pending = new Promise((resolve) => setImmediate(() => resolve('pending')));
    expect(await Promise.race([settled.then(() => 'settled'), pending])).toBe('pending');
    task.open();
    await settled;
    await expect(first).resolves.toBeUndefined();
    await failed;
  });
});
