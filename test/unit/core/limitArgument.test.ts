import { describe, expect, it } from 'vitest';
import { limitArgument, TiboxError } from '../../../src/core/index.ts';

describe('limitArgument', () => {
  it.each([
    ['no arguments', undefined, 50],
    ['no limit', {}, 50],
    ['the smallest', { limit: 1 }, 1],
    ['the largest', { limit: 1000 }, 1000],
  ])('takes %s', (_name, args, want) => {
    expect(limitArgument(args, 50)).toBe(want);
  });

  it.each([
    ['zero', { limit: 0 }],
    ['too many', { limit: 1001 }],
    ['a fraction', { limit: 2.5 }],
    ['text', { limit: '10' }],
  ])('refuses %s in words', (_name, args) => {
    expect(() => limitArgument(args, 50)).toThrow(TiboxError);
    expect(() => limitArgument(args, 50)).toThrow('limit must be a whole number from 1 to 1000');
  });
});
