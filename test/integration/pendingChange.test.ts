// Network changes with rollback in the lab, as an installer meets them: the box's fallback address
// on the practice LAN changes at once and stays only when confirmed; unconfirmed, the previous one
// is back in the kernel after the deadline, also when the agent was stopped over the deadline and
// when the box was off over it (the boot unit rolls back before it restores anything, so the
// expired change's address never returns to the kernel). The audit log records each step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingSummary } from '../../src/agent/pending/pendingChange.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import type { AuditEntry } from '../../src/agent/store/index.ts';
import { ControlClient } from '../../src/control/client.ts';
import { processRunner } from '../../src/core/runner.ts';
import { Lab } from '../lab/lab.ts';
import { waitFor } from './waitFor.ts';

const tibox = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bin', 'tibox');
const FIRST = '169.254.77.1/16';
const SECOND = '169.254.88.1/16';
const THIRD = '169.254.99.1/16';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('network changes with rollback', () => {
  let lab: Lab;
  let socketPath: string;
  let control: ControlClient<AgentStatus>;

  beforeAll(async () => {
    lab = await Lab.create({ boxCharon: 'agent' });
    ({ socketPath } = await lab.startAgent());
    control = new ControlClient<AgentStatus>(socketPath, { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  const cli = (args: string[]) => processRunner.run(tibox, ['--socket', socketPath, ...args], { okCodes: [1] });
  /** The link-local (fallback) addresses on the box's LAN port, as the kernel has them. */
  const fallbacks = async () => {
    const shown = JSON.parse((await lab.exec(lab.names.box, 'ip', ['-j', '-4', 'addr', 'show', 'dev', 'lan0'])).stdout) as { addr_info: { local: string; prefixlen: number }[] }[];
    return (shown[0]?.addr_info ?? []).filter((a) => a.local.startsWith('169.254.')).map((a) => `${a.local}/${a.prefixlen}`);
  };
  const inKernel = (expected: string) => waitFor(async () => expect(await fallbacks()).toEqual([expected]), 15_000, 200);
  const change = (lanFallback: string, timeoutS: number) =>
    control.action('config.commit', { change: { interfaces: { lanFallback } }, timeoutS }) as Promise<{ revision: number; pending: PendingSummary }>;
  /** The audit entries of the fallback address since `revision`, oldest first, as [step, revision, actor, old, new]. */
  const steps = async (revision: number) =>
    ((await control.action('config.audit', { limit: 50 })) as AuditEntry[])
      .filter((e) => e.path === 'interfaces.lanFallback' && e.revision >= revision)
      .reverse()
      .map((e) => [e.step, e.revision, e.actor, e.old, e.new]);
  const untilPast = (pending: PendingSummary) => sleep(Date.parse(pending.deadline) - Date.now() + 500);

  it('says in words that there is nothing to confirm', async () => {
    await inKernel(FIRST);
    const { code, stdout, stderr } = await cli(['config', 'confirm']);
    expect([code, stdout, stderr]).toEqual([1, '', 'tibox: nothing to confirm: no network change awaits confirmation (one not confirmed in time has been rolled back)\n']);
  });

  it('applies a change of the fallback address at once, pending, and keeps it once confirmed', async () => {
    const { revision, pending } = await change(SECOND, 6);
    expect(pending).toMatchObject({ revision, paths: ['interfaces.lanFallback'], actor: 'local-cli' });
    await inKernel(SECOND);
    const status = await cli(['status']);
    expect(status.stdout).toContain(`Pending network change: revision ${revision} (interfaces.lanFallback) by local-cli`);
    expect(status.stdout).toContain('[config.pending]');
    expect((await cli(['config', 'confirm'])).stdout).toBe(`Revision ${revision} (interfaces.lanFallback) confirmed: it stays.\n`);
    await untilPast(pending);
    expect(await fallbacks()).toEqual([SECOND]);
    expect((await cli(['config', 'pending'])).stdout).toBe('No network change awaits confirmation.\n');
    expect(await steps(revision)).toEqual([
      ['pending', revision, 'local-cli', FIRST, SECOND],
      ['confirm', revision, 'local-cli', FIRST, SECOND],
    ]);
  });

  it('brings the previous address back into the kernel by itself when a change is not confirmed', async () => {
    const { revision, pending } = await change(THIRD, 5);
    await inKernel(THIRD);
    await untilPast(pending);
    await inKernel(SECOND);
    expect((await control.action('config.get')) as { config: { interfaces: { lanFallback: string } } }).toMatchObject({ config: { interfaces: { lanFallback: SECOND } } });
    expect(await steps(revision)).toEqual([
      ['pending', revision, 'local-cli', SECOND, THIRD],
      ['rollback', revision + 1, 'deadline', THIRD, SECOND],
    ]);
  });

  it('continues a pending change across an agent restart, and rolls it back when the agent starts after its deadline', async () => {
    const { revision, pending } = await change(THIRD, 12);
    await inKernel(THIRD);
    await lab.stopAgent();
    await lab.startAgent(socketPath);
    const continued = (await control.action('config.pending')) as PendingSummary;
    // The same absolute deadline: the restart took its part of the time.
    expect(continued).toMatchObject({ revision, deadline: pending.deadline });
    expect(continued.remainingS).toBeGreaterThan(0);
    expect(await fallbacks()).toEqual([THIRD]);
    await lab.stopAgent();
    await untilPast(pending);
    expect(await fallbacks()).toEqual([THIRD]);
    await lab.startAgent(socketPath);
    await inKernel(SECOND);
    expect(await control.action('config.pending')).toBeNull();
    expect(await steps(revision)).toEqual([
      ['pending', revision, 'local-cli', SECOND, THIRD],
      ['rollback', revision + 1, 'deadline', THIRD, SECOND],
    ]);
  });

  it('rolls back at boot, before anything is restored, a change whose deadline passed while the box was off', async () => {
    const { revision, pending } = await change(THIRD, 6);
    await inKernel(THIRD);
    await lab.stopAgentAsAfterBoot({ offMs: Date.parse(pending.deadline) - Date.now() + 500 });
    // The boot restored the confirmed config's links; the expired change's address never came back.
    expect(await fallbacks()).toEqual([SECOND]);
    const booted = readFileSync(join(lab.dir, 'boot.log'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);
    const rolledBack = booted.lastIndexOf('expired network change rolled back');
    expect(rolledBack).toBeGreaterThan(-1);
    expect(booted.lastIndexOf('owned LAN links restored')).toBeGreaterThan(rolledBack);
    await lab.startAgent(socketPath);
    await inKernel(SECOND);
    expect(await steps(revision)).toEqual([
      ['pending', revision, 'local-cli', SECOND, THIRD],
      ['rollback', revision + 1, 'boot', THIRD, SECOND],
    ]);
  });

  it('keeps a change pending across a boot within its deadline, and rolls it back when asked', async () => {
    const { revision } = await change(THIRD, 120);
    await inKernel(THIRD);
    await lab.stopAgentAsAfterBoot();
    expect(await fallbacks()).toEqual([THIRD]);
    await lab.startAgent(socketPath);
    expect(await control.action('config.pending')).toMatchObject({ revision });
    expect((await cli(['config', 'rollback'])).stdout).toBe(`Rolled back, as revision ${revision + 1}:\n  interfaces.lanFallback: "${THIRD}" -> "${SECOND}"\n`);
    await inKernel(SECOND);
    expect(await steps(revision)).toEqual([
      ['pending', revision, 'local-cli', SECOND, THIRD],
      ['rollback', revision + 1, 'local-cli', THIRD, SECOND],
    ]);
  });
});
