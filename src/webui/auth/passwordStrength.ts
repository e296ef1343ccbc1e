// How strong a new password is (BSI TR-03148 asks for a strength meter and a minimum): zxcvbn's
// estimate with the common-password list and German words, names and Wikipedia terms, so a
// dictionary word, a common password and their usual variations fail. The dictionaries cost some
// 40 MB while loaded, so each check runs in a Node process of its own (strengthCheck.ts) that
// ends with it and takes that memory along: passwords are changed seldom, and the web UI stays
// small meanwhile. A limit bounds how many such processes run at once (STRENGTH_CHECKS).
import { extname } from 'node:path';
import { isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';
import { processRunner } from '../../core/runner.ts';
import type { ConcurrencyLimit } from './concurrencyLimit.ts';

/** SECURITY.md asks 12 characters at least, the agent refuses fewer. */
export const MIN_LENGTH = 12;
export const MAX_LENGTH = 128;
/**
 * zxcvbn's scores run 0 to 4; 4 (more than 10^10 guesses) is the only one that a dictionary word
 * with a number or a year added ('Sonnenblume1', 'Zahnarztpraxis2024', both 3) does not reach.
 */
export const MIN_SCORE = 4;

export type Score = 0 | 1 | 2 | 3 | 4;

export interface Strength {
  /** 0 (guessed at once) to 4 (very hard to guess). */
  score: Score;
  acceptable: boolean;
  /** Why it is too weak: too short or long, or too easy to guess. */
  problem?: 'tooShort' | 'tooLong' | 'tooGuessable';
}

// The check beside this file, .ts from the sources and .js from build/.
const CHECK = fileURLToPath(new URL(`./strengthCheck${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
/** Loading the dictionaries takes under a second; a check that takes this long is stuck. */
const CHECK_TIMEOUT_MS = 30_000;

/**
 * Two checks at once, as many as the box's two cores run side by side, with some 40 MB each;
 * four more may wait their turn. Past that a check is refused with "busy, try again" (a
 * LimitBusyError): a person changes a password seldom, a flood of checks is no person.
 */
export const STRENGTH_CHECKS = { running: 2, waiting: 4 } as const;

/** Rejects with LimitBusyError, starting nothing, when `limit` has no place and no room to wait. */
export async function strengthOf(password: string, limit: ConcurrencyLimit): Promise<Strength> {
  const length = [...password].length;
  if (length > MAX_LENGTH) return { score: 0, acceptable: false, problem: 'tooLong' };
  const score = await limit.run(() => scoreInProcess(password));
  if (length < MIN_LENGTH) return { score, acceptable: false, problem: 'tooShort' };
  if (score < MIN_SCORE) return { score, acceptable: false, problem: 'tooGuessable' };
  return { score, acceptable: true };
}

/** The same Node as the web UI's, without its memory-saving flags: the check is short, and faster with them off. */
async function scoreInProcess(password: string): Promise<Score> {
  // The single executable is that Node with the check inside: it runs it as a command of its own.
  const args = isSea() ? ['webui-password-check'] : [CHECK];
  const { stdout } = await processRunner.run(process.execPath, args, { input: password, timeoutMs: CHECK_TIMEOUT_MS });
  const score = Number(stdout.trim());
  if (!isScore(score)) throw new Error(`the password strength check printed no score but "${stdout.trim().slice(0, 40)}"`);
  return score;
}

function isScore(value: number): value is Score {
  return Number.isInteger(value) && value >= 0 && value <= 4;
}
