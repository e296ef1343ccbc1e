// The function test's texts: each in German and English, naming the same values, and a title for
// every check.
import { expect, it } from 'vitest';
import { FUNCTION_TEST_CHECKS } from '../../../../src/agent/check/functionTestChecks.ts';
import { CHECK_TEXTS, wordsOf } from '../../../../src/agent/check/texts.ts';

const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

it('says every text in both languages with the same values', () => {
  for (const [key, words] of Object.entries(CHECK_TEXTS)) {
    expect(words.de.trim(), key).not.toBe('');
    expect(words.en.trim(), key).not.toBe('');
    expect(params(words.de), key).toEqual(params(words.en));
  }
});

it('has a title for every check, and numbers them once each', () => {
  for (const check of FUNCTION_TEST_CHECKS) expect(CHECK_TEXTS).toHaveProperty(`title.${check.id}`);
  const numbers = FUNCTION_TEST_CHECKS.map((c) => c.number);
  expect(new Set(numbers).size).toBe(numbers.length);
});

it('fills in the values it names and leaves a missing one visible', () => {
  expect(wordsOf('wan.noCarrier', { port: 'eth1' }).en).toContain('The WAN port eth1 has no link.');
  expect(wordsOf('wan.noCarrier').de).toContain('{port}');
});
