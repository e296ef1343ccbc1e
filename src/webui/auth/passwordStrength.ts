// How strong a new password is (BSI TR-03148 asks for a strength meter and a minimum): zxcvbn's
// estimate with the common-password list and German words, names and Wikipedia terms, so a
// dictionary word, a common password and their usual variations fail. The dictionaries cost some
// 40 MB while loaded, so each check runs in a worker thread of its own (strengthWorker.ts) that
// ends with it: passwords are changed seldom, and the web UI stays small meanwhile.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

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

// The worker beside this file, .ts from the sources and .js from build/.
const WORKER = new URL(`./strengthWorker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

export async function strengthOf(password: string): Promise<Strength> {
  const length = [...password].length;
  if (length > MAX_LENGTH) return { score: 0, acceptable: false, problem: 'tooLong' };
  const score = await scoreInWorker(password);
  if (length < MIN_LENGTH) return { score, acceptable: false, problem: 'tooShort' };
  if (score < MIN_SCORE) return { score, acceptable: false, problem: 'tooGuessable' };
  return { score, acceptable: true };
}

function scoreInWorker(password: string): Promise<Score> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: password });
    let score: Score | undefined;
    worker.once('message', (value: Score) => (score = value));
    worker.once('error', reject);
    worker.once('exit', (code) => (score === undefined ? reject(new Error(`the password strength check ended with code ${code} and no score`)) : resolve(score)));
  });
}
