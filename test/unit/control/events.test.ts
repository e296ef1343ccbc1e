// The agent's event stream on the control socket (GET /v1/events): 'hello' at once, then a line
// per change the agent reports, to each subscriber, until it hangs up or the agent stops.
import { expect, it } from 'vitest';
import { join } from 'node:path';
import { ControlClient } from '../../../src/control/client.ts';
import type { Subscribe } from '../../../src/control/handler.ts';
import type { AgentChange } from '../../../src/control/protocol.ts';
import { controlServerPerTest } from './helpers.ts';

const bed = controlServerPerTest();

/** A server whose changes come from `emit`, and how many listeners are subscribed. */
async function start(withChanges = true) {
  const listeners = new Set<(change: AgentChange) => void>();
  const changes: Subscribe = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const socketPath = await bed.start(withChanges ? { changes } : {});
  const emit = (change: AgentChange) => listeners.forEach((l) => l(change));
  return { listeners, emit, client: new ControlClient(socketPath, { timeoutMs: 2_000 }) };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

it('streams hello, then each change to every subscriber, and unsubscribes when the caller hangs up', async () => {
  const { listeners, emit, client } = await start();
  const seen: AgentChange[][] = [[], []];
  const aborts = [new AbortController(), new AbortController()];
  const done = seen.map((list, i) => client.watch((c) => list.push(c), aborts[i]!.signal));
  await until(() => seen.every((list) => list.length === 1));
  expect(listeners.size).toBe(2);
  emit('tunnel');
  emit('devices');
  emit('reset');
  await until(() => seen.every((list) => list.length === 4));
  expect(seen).toEqual([
    ['hello', 'tunnel', 'devices', 'reset'],
    ['hello', 'tunnel', 'devices', 'reset'],
  ]);
  aborts[0]!.abort();
  await done[0];
  await until(() => listeners.size === 1);
  emit('health');
  await until(() => seen[1]!.length === 5);
  expect(seen[0]).toHaveLength(4);
  aborts[1]!.abort();
  await done[1];
});

it('ends the stream when the agent stops, so the caller knows to subscribe again', async () => {
  const { client } = await start();
  const seen: AgentChange[] = [];
  const done = client.watch((c) => seen.push(c), new AbortController().signal);
  await until(() => seen.length === 1);
  await bed.stop();
  await expect(done).resolves.toBeUndefined();
});

it('refuses the route on a server that has no changes to give', async () => {
  const { client } = await start(false);
  await expect(client.watch(() => undefined, new AbortController().signal)).rejects.toThrow(/HTTP 404 for the event stream/);
});

it('says the agent is not running when there is no socket', async () => {
  const client = new ControlClient(join(bed.dir, 'none.sock'), { timeoutMs: 500 });
  await expect(client.watch(() => undefined, new AbortController().signal)).rejects.toMatchObject({ code: 'TIBOX_AGENT_NOT_RUNNING' });
});
