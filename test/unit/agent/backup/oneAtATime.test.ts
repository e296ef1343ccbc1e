// Heavy work one at a time: the work admitted runs in turn, never two at once, a failure does not
// stop the next, and work past the limit is refused at once with the error given.
import { describe, expect, it } from 'vitest';
import { OneAtATime } from '../../../../src/agent/backup/oneAtATime.ts';

describe('one at a time', () => {
  it('runs admitted work in turn, never side by side, and refuses work past the limit as busy', async () => {
    const queue = new OneAtATime(3, () => new Error('busy'));
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const work = (name: string, fail = false) => async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(name);
      running--;
      if (fail) throw new Error(`${name} failed`);
      return name;
    };
    const admitted = [queue.run(work('a')), queue.run(work('b', true)), queue.run(work('c'))];
    await expect(queue.run(work('d'))).rejects.toThrow('busy');
    const settled = await Promise.allSettled(admitted);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(['a', 'b failed', 'c']);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
    expect(await queue.run(work('e'))).toBe('e');
  });
});
