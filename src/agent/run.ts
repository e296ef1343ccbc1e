// The agent proper (main.ts loads it): reads its options, builds the agent and runs it until SIGTERM or
// SIGINT, then stops it cleanly. On the box systemd starts it (Type=notify, Restart=always);
// in the lab the lab starts it inside the box namespace.
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Agent } from './agent.ts';
import { DEFAULT_CONTROL_SOCKET } from './control/socketPath.ts';
import { createLogger } from './log.ts';
import { processRunner } from './runner.ts';
import { readVersion } from './version.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '/var/lib/tibox' },
    socket: { type: 'string', default: process.env.TIBOX_SOCKET ?? DEFAULT_CONTROL_SOCKET },
    'charon-vici': { type: 'string', default: '/var/run/charon.vici' },
    'profile-trust-anchor': { type: 'string', default: '/usr/share/tibox/profile-signing.pem' },
  },
});

const log = createLogger();
const dataDir = values['data-dir'];
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const agent = new Agent({
  version: readVersion(),
  dataDir,
  socketPath: values.socket,
  charonVici: values['charon-vici'],
  profileTrustAnchor: values['profile-trust-anchor'],
  log,
  runner: processRunner,
  env: process.env,
});
const abort = new AbortController();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  abort.abort();
  await agent.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  await agent.start(abort.signal);
} catch (error) {
  log.fatal({ err: error }, 'agent failed to start');
  process.exit(1);
}
