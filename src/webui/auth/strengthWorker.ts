// Runs in a worker thread (passwordStrength.ts starts one per check): loads zxcvbn's dictionaries,
// scores one password and ends, so the dictionaries' 40 MB leave with the thread instead of
// staying in the web UI process.
import { parentPort, workerData } from 'node:worker_threads';
import core from '@zxcvbn-ts/core';
import common from '@zxcvbn-ts/language-common';
import de from '@zxcvbn-ts/language-de';

const factory = new core.ZxcvbnFactory({ dictionary: { ...common.dictionary, ...de.dictionary }, graphs: common.adjacencyGraphs, translations: de.translations });
parentPort?.postMessage(factory.check(String(workerData)).score);
