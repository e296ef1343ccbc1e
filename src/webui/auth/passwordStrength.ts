// How strong a new password is (BSI TR-03148 asks for a strength meter and a minimum): zxcvbn's
// estimate with the common-password list and German words, names and Wikipedia terms, so a
// dictionary word, a common password and their usual variations fail. The dictionaries cost some
// 40 MB while loaded, so they are loaded for each check and left to the garbage collector after:
// passwords are changed seldom, and the web UI stays small meanwhile.
import core from '@zxcvbn-ts/core';
import common from '@zxcvbn-ts/language-common';
import de from '@zxcvbn-ts/language-de';

/** SECURITY.md asks 12 characters at least, the agent refuses fewer. */
export const MIN_LENGTH = 12;
export const MAX_LENGTH = 128;
/**
 * zxcvbn's scores run 0 to 4; 4 (more than 10^10 guesses) is the only one that a dictionary word
 * with a number or a year added ('Sonnenblume1', 'Zahnarztpraxis2024', both 3) does not reach.
 */
export const MIN_SCORE = 4;

export interface Strength {
  /** 0 (guessed at once) to 4 (very hard to guess). */
  score: 0 | 1 | 2 | 3 | 4;
  acceptable: boolean;
  /** Why it is too weak: too short, or too easy to guess. */
  problem?: 'tooShort' | 'tooLong' | 'tooGuessable';
}

export function strengthOf(password: string): Strength {
  const length = [...password].length;
  if (length > MAX_LENGTH) return { score: 0, acceptable: false, problem: 'tooLong' };
  const factory = new core.ZxcvbnFactory({ dictionary: { ...common.dictionary, ...de.dictionary }, graphs: common.adjacencyGraphs, translations: de.translations });
  const score = factory.check(password).score;
  if (length < MIN_LENGTH) return { score, acceptable: false, problem: 'tooShort' };
  if (score < MIN_SCORE) return { score, acceptable: false, problem: 'tooGuessable' };
  return { score, acceptable: true };
}
