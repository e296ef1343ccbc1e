// Each way a run can fail or skip, for testSummary.test.ts: only `passes` is a pass, only the
// skip with a reason is a skip, everything else must count as failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('a lab that fails to come up', () => {
  beforeAll(() => {
    throw new Error('lab setup failed');
  });
  it('first check', () => expect(1).toBe(1));
  it('second check', () => expect(1).toBe(1));
});

describe('a lab that fails to go away', () => {
  afterAll(() => {
    throw new Error('lab teardown failed');
  });
  it('third check', () => expect(1).toBe(1));
});

describe('plain tests', () => {
  it('fails', () => expect(1).toBe(2));
  it('passes', () => expect(1).toBe(1));
  it.skip('skipped in the code without a reason', () => undefined);
  it.todo('still to write');
  it('skipped with a reason', (context) => context.skip('no second network card here'));
  it('skipped at run time without a reason', (context) => context.skip());
});
