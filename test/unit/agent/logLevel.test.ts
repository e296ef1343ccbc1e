// The agent logs at the level of its config: from the stored config at start, and from each
// commit of log.level on, at once and for every subsystem's lines. What the lines say is read
// back from the root logger's stream.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.ts';
import type { AgentStatus } from '../../../src/agent/status.ts';
import { ControlApiError, ControlClient } from '../../../src/control/client.ts';
import { createLogger } from '../../../src/core/log.ts';
import { groupFile, tempDir } from '../control/helpers.ts';
import { FakeRouteKernel } from '../firewall/fakeRouteKernel.ts';
import { FakeLanKernel } from '../lan/fakeLanKernel.ts';

interface Line {
  level: number;
  msg: string;
  subsystem?: string;
  revision?: number;
}

let dir: string;
let cleanup: () => Promise<void>;
const agents: Agent[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  mkdirSync(join(dir, 'data'), { mode: 0o700 });
});

afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop();
  await cleanup();
});

/** An agent whose commands all succeed with no output; its log lines are kept. */
async function startAgent() {
  const lines: Line[] = [];
  const agent = new Agent({
    version: '0.1.0-test',
    dataDir: join(dir, 'data'),
    socketPath: join(dir, 'run', 'control.sock'),
    charonVici: join(dir, 'no-charon.vici'),
    profileTrustAnchor: join(dir, 'no-anchor.pem'),
    routeKernel: new FakeRouteKernel(),
    lanKernel: new FakeLanKernel(),
    neighbours: { read: async () => [], watch: () => () => undefined },
    runDir: join(dir, 'run'),
    log: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Line) } }),
    runner: { run: async () => ({ stdout: '', stderr: '', code: 0 }) },
    env: {},
    groupFile: await groupFile(dir, true),
    startProcess: () => ({ pid: 4242, exited: new Promise(() => undefined), kill: () => undefined }),
  });
  agents.push(agent);
  await agent.start(AbortSignal.timeout(5_000));
  return { agent, lines, client: new ControlClient<AgentStatus>(join(dir, 'run', 'control.sock'), { timeoutMs: 5_000 }) };
}

const commit = (client: ControlClient, change: object) => client.action('config.commit', { change });
/** The revisions whose commit the config service's line reports. */
const loggedRevisions = (lines: Line[]) => lines.filter((l) => l.subsystem === 'config' && l.msg === 'configuration changed').map((l) => l.revision);

describe('the log level of the config', () => {
  it('takes effect with the commit: lines below it stop at once, and the commit that quiets the log is still in it', async () => {
    const { client, lines } = await startAgent();
    await commit(client, { log: { level: 'warn' } });
    await commit(client, { box: { name: 'Praxis Nord' } });
    await commit(client, { log: { level: 'debug' } });
    await commit(client, { box: { name: 'Praxis Süd' } });
    expect(loggedRevisions(lines)).toEqual([1, 4]);
  });

  it('refuses a level it does not know and keeps the one in force', async () => {
    const { client, lines } = await startAgent();
    const error = await commit(client, { log: { level: 'verbose' } }).catch((e: unknown) => e);
    expect([(error as ControlApiError).code, (error as ControlApiError).message]).toEqual([
      'TIBOX_CONFIG_INVALID',
      'the configuration change was refused: log.level must be one of fatal, error, warn, info, debug, trace; got "verbose"',
    ]);
    await commit(client, { box: { name: 'Praxis Nord' } });
    expect(loggedRevisions(lines)).toEqual([1]);
  });

  it('is the stored one from the start on: an agent left at warn logs no info line when it starts', async () => {
    const first = await startAgent();
    expect(first.lines.map((l) => l.msg)).toContain('agent running');
    await commit(first.client, { log: { level: 'warn' } });
    await first.agent.stop();

    const { client, lines } = await startAgent();
    expect(lines.filter((l) => l.level < 40)).toEqual([]);
    await commit(client, { log: { level: 'info' } });
    await commit(client, { box: { name: 'Praxis Nord' } });
    expect(loggedRevisions(lines)).toEqual([3]);
  });
});
