// One process's resident memory around three rounds of one of the web UI's costly operations,
// done as the web UI does it now or as it did before, the baseline, on the web UI's runtime:
// - strength-process: three password strength checks, each in a process of its own
//   (src/webui/auth/passwordStrength.ts); strength-worker: the same in a worker thread that ends
//   with each check, as before;
// - dates-own: times written by the web UI's own formatTime (src/webui/i18n/); dates-intl: the
//   same by Intl.DateTimeFormat, as before.
// Prints one JSON line: MB before, after the first round, after the third.
// Usage: bin/tibox-node --no-opt --optimize-for-size bench/webuiOperationRss.ts <operation>
import { Worker } from 'node:worker_threads';
import { ConcurrencyLimit } from '../src/webui/auth/concurrencyLimit.ts';
import { STRENGTH_CHECKS, strengthOf } from '../src/webui/auth/passwordStrength.ts';
import { formatTime } from '../src/webui/i18n/index.ts';
import { readResidentBytes } from './procStats.ts';

type Operation = 'strength-process' | 'strength-worker' | 'dates-own' | 'dates-intl';

const PASSWORDS = ['Zahnarztpraxis2024', 'Sonnenblume1', 'Am Empfang blüht 2026 der Kaktus!'];
/** The strength check as the worker thread ran it. */
const CHECK_IN_WORKER = `
  const { parentPort, workerData } = require('node:worker_threads');
  import('@zxcvbn-ts/core').then(async ({ default: core }) => {
    const common = (await import('@zxcvbn-ts/language-common')).default;
    const de = (await import('@zxcvbn-ts/language-de')).default;
    const factory = new core.ZxcvbnFactory({ dictionary: { ...common.dictionary, ...de.dictionary }, graphs: common.adjacencyGraphs, translations: de.translations });
    parentPort.postMessage(factory.check(workerData).score);
  });`;

function checkInWorker(password: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let score: number | undefined;
    const worker = new Worker(CHECK_IN_WORKER, { eval: true, workerData: password });
    worker.once('message', (value: number) => (score = value));
    worker.once('error', reject);
    worker.once('exit', () => (score === undefined ? reject(new Error('the check in the worker gave no score')) : resolve(score)));
  });
}

const strengthChecks = new ConcurrencyLimit(STRENGTH_CHECKS);
const when = (round: number) => new Date(Date.UTC(2026, round, 5, 8, 4, 9));
const ROUNDS: Record<Operation, (round: number) => Promise<unknown>> = {
  'strength-process': (round) => strengthOf(PASSWORDS[round] ?? '', strengthChecks),
  'strength-worker': (round) => checkInWorker(PASSWORDS[round] ?? ''),
  'dates-own': async (round) => (['de', 'en'] as const).map((language) => formatTime(language, when(round).toISOString())),
  'dates-intl': async (round) => ['de-DE', 'en-GB'].map((locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(when(round))),
};

const operation = (Object.keys(ROUNDS) as Operation[]).find((o) => o === process.argv[2]);
if (!operation) throw new Error(`usage: webuiOperationRss.ts ${Object.keys(ROUNDS).join('|')}`);
const settled = async () => {
  await new Promise((r) => setTimeout(r, 1_500));
  return Math.round(readResidentBytes(process.pid) / 1e5) / 10;
};
const before = await settled();
await ROUNDS[operation](0);
const afterFirst = await settled();
for (const round of [1, 2]) await ROUNDS[operation](round);
console.log(JSON.stringify({ operation, before_mb: before, after_first_mb: afterFirst, after_third_mb: await settled() }));
