// Runs the box's DDI client inside the lab's box namespace, as the agent will: `--polls N` polls
// one after another, each followed by whatever action it started, then prints the client's status
// as JSON. Downloads stay in `--dir` across runs, as on the box's data partition.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { controllerBaseUrl, DdiClient, DdiConnection } from '../../src/updater/ddi/index.ts';

const { values } = parseArgs({
  options: {
    cert: { type: 'string' },
    key: { type: 'string' },
    ca: { type: 'string' },
    origin: { type: 'string' },
    address: { type: 'string' },
    controller: { type: 'string' },
    dir: { type: 'string' },
    polls: { type: 'string', default: '1' },
  },
});
const { cert, key, ca, origin, address, controller, dir } = values;
if (!cert || !key || !ca || !origin || !address || !controller || !dir) throw new Error('usage: ddiDriver.ts --cert --key --ca --origin --address --controller --dir [--polls N]');

const connection = new DdiConnection({ tls: { cert: readFileSync(cert), key: readFileSync(key), ca: readFileSync(ca) }, address, timeoutMs: 10_000 });
const client = new DdiClient({
  connection,
  base: controllerBaseUrl(origin, 'DEFAULT', controller),
  downloadDir: dir,
  attributes: () => new Map([['serial', 'TBX-00000001'], ['firmware', '0.1.0']]),
  log: { info: () => {}, warn: (obj, msg) => process.stderr.write(`${msg}: ${JSON.stringify(obj)}\n`) },
  // Retries within an action wait a little, polls are driven from outside.
  wait: (ms, signal) => new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, Math.min(ms, 200));
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    }, { once: true });
  }),
});
for (let i = 0; i < Number(values.polls); i++) {
  await client.pollOnce();
  await client.idle();
}
process.stdout.write(`${JSON.stringify(client.status())}\n`);
connection.close();
