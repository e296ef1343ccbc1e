// A database that takes no writes never stops the tunnel (SECURITY.md reliability; the health
// catalogue's database.unavailable and database.notWritable): with the agent's data partition
// read-only from the agent's start, and full while it runs, the TI works and comes back after charon is killed, the status
// shows the warning, and a device change is refused in words, never with a crash.
// (A full partition does not fail every write: SQLite reuses the space its write-ahead log already
// holds. The unit tests fill a database to its page limit for that; here it must merely never hurt.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/lab.ts';
import { processRunner } from '../../src/core/index.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { leakFreeEachTest } from './leakFree.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');

describe('database faults: the tunnel goes on while the data partition is read-only or full', () => {
  let lab: Lab;
  let socketPath: string;
  let dataDir: string;

  const cli = (...args: string[]) => processRunner.run(tibox, ['--socket', socketPath, ...args], { okCodes: [1, 2] });
  const status = async () => JSON.parse((await cli('status', '--json')).stdout) as AgentStatus;
  const agentPid = async () => (await processRunner.run('pgrep', ['-f', `main.js --data-dir ${dataDir}`])).stdout.trim();
  const reachesConnector = async () => {
    const { stdout } = await lab.exec(lab.names.pvs, 'curl', ['-sS', '-m', '1', '--cacert', lab.describe().pki.ca, lab.describe().urls.connectorSds], 3_000);
    expect(stdout).toContain('<ConnectorServices');
  };
  /** charon dies: the tunnel goes down and comes back, and each state change wants a history row. */
  const tunnelFault = async () => {
    const before = (await status()).tunnel.since;
    lab.boxCharon?.process.kill('SIGKILL');
    // The repair can be over before a status call sees the tunnel down: a new `since` shows it happened.
    await waitFor(async () => {
      const { tunnel } = await status();
      expect(tunnel.state !== 'up' || tunnel.since !== before).toBe(true);
    }, 3_000, 20);
    await waitFor(reachesConnector, 10_000);
    await waitFor(async () => expect((await status()).tunnel.state).toBe('up'), 5_000);
  };
  const register = () => cli('devices', 'register', 'terminal', 'Terminal back office', '--address', '10.77.12.41', '--mac', '02:aa:00:00:00:41');

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    dataDir = await lab.ownDataPartition(16);
    ({ socketPath } = await lab.startAgent());
    await lab.importProfile();
    await waitFor(reachesConnector, 15_000);
  });
  afterAll(async () => {
    await lab?.destroy();
  });
  leakFreeEachTest(() => lab);

  it('read-only from the start: the agent comes up on the stored configuration, the TI works, a change is refused in words', async () => {
    // A partition remounts read-only only with no file open for writing: the agent stops first,
    // as on a box whose data partition the kernel found damaged at boot.
    await lab.stopAgent();
    await lab.remountDataPartition('ro');
    try {
      await lab.startAgent(socketPath);
      await waitFor(reachesConnector, 15_000);
      const s = await status();
      expect(s.health.map((h) => h.code)).toContain('database.unavailable');
      expect(s.subsystems.find((sub) => sub.name === 'config')).toMatchObject({ state: 'degraded', detail: expect.stringMatching(/^database not writable/) });
      // The devices registered before are still known: the stored database is read as it is.
      expect((await cli('devices', 'list')).stdout).toContain('PVS reception');
      const refused = await register();
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).toMatch(/could not be saved: the database is not writable|cannot be changed: the database cannot be written/);
      await tunnelFault();
    } finally {
      await lab.stopAgent();
      await lab.remountDataPartition('rw');
      await lab.startAgent(socketPath);
    }
    await waitFor(reachesConnector, 15_000);
    expect((await status()).health.map((h) => h.code)).not.toContain('database.unavailable');
  });

  it('full: the tunnel heals, and a device change is saved or refused in words, never with a crash', async () => {
    const pid = await agentPid();
    const filler = join(dataDir, 'filler');
    // dd stops when the partition is full: that is the point.
    await processRunner.run('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M'], { okCodes: [1], timeoutMs: 20_000 });
    try {
      await tunnelFault();
      const result = await register();
      if (result.code !== 0) expect(result.stdout + result.stderr).toMatch(/could not be saved: the database is not writable/);
    } finally {
      await processRunner.run('rm', ['-f', filler]);
    }
    await tunnelFault();
    expect(await agentPid()).toBe(pid);
    expect((await status()).tunnel).toMatchObject({ state: 'up' });
  });
});
