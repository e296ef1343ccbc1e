// Kills the box's charon and waits until the agent has noticed. The repair can be over before a
// status call sees the tunnel down, so a new `since` counts as well as a state other than up.
import { expect } from 'vitest';
import type { Lab } from '../lab/lab.ts';
import type { AgentStatus } from '../../src/agent/status.ts';
import { waitFor } from './waitFor.ts';

export async function killCharonAndSeeIt(lab: Lab, status: () => Promise<AgentStatus>): Promise<void> {
  const before = (await status()).tunnel.since;
  lab.boxCharon?.process.kill('SIGKILL');
  await waitFor(async () => {
    const { tunnel } = await status();
    expect(tunnel.state !== 'up' || tunnel.since !== before).toBe(true);
  }, 3_000, 20);
}
