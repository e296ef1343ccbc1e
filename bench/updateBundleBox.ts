// The box's side of the bundle benchmark (bench/updateBundles.ts): the agent's updater subsystem
// as the agent composes it (src/agent/wiring/updater.ts), in a process of its own so that its
// memory and CPU are the update's alone, on the agent's Node flags (bin/tibox-node --lean). It
// polls the benchmark's DDI server, downloads the bundle to its data directory, has RAUC install
// it and asks for the reboot, which here only prints `reboot` for the benchmark. SIGTERM stops it.
//
//   bin/tibox-node --lean bench/updateBundleBox.ts --url URL --cert PEM --key PEM --ca PEM
//     --controller-id ID --data-dir DIR --run-dir DIR
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/core/index.ts';
import { processRunner } from '../src/core/runner.ts';
import { RaucDriver, Updater } from '../src/updater/index.ts';

const { values } = parseArgs({
  options: Object.fromEntries(['url', 'cert', 'key', 'ca', 'controller-id', 'data-dir', 'run-dir'].map((name) => [name, { type: 'string' }])) as Record<string, { type: 'string' }>,
});
const option = (name: string): string => {
  const value = values[name];
  if (typeof value !== 'string') throw new Error(`--${name} is missing`);
  return value;
};

const log = createLogger({ level: 'warn', destination: process.stderr });
const updater = new Updater({
  dataDir: option('data-dir'),
  runDir: option('run-dir'),
  attributes: () => new Map([['firmware', '1.0.0']]),
  log,
  system: {
    rauc: new RaucDriver({ runner: processRunner, runDir: option('run-dir') }),
    reboot: {
      reboot: () => {
        // The line bench/updateBundles.ts waits for: the install is done.
        process.stdout.write('reboot\n');
        return Promise.resolve();
      },
    },
    checks: () => Promise.resolve({}),
    runningVersion: '1.0.0',
  },
  // The practice never opens: the install goes at once.
  times: () => ({ openingDays: [], openingFrom: '06:00', openingUntil: '22:00', closedOnHolidays: false, installMinutes: 30 }),
});
await updater.start();
await updater.apply({
  url: option('url'),
  certificate: readFileSync(option('cert'), 'utf8'),
  privateKey: readFileSync(option('key'), 'utf8'),
  controllerId: option('controller-id'),
  caCertificates: [readFileSync(option('ca'), 'utf8')],
});
process.once('SIGTERM', () => {
  updater.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
