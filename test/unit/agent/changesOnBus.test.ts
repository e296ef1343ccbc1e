// What the control sockets' event stream (GET /v1/events) says for the agent's bus events: one
// change per tunnel entry, health change, commit, device change, finished function test and factory reset,
// until unsubscribed.
import { expect, it } from 'vitest';
import { changesOn } from '../../../src/agent/wiring/control.ts';
import type { AgentChange } from '../../../src/control/protocol.ts';
import { testAgentContext } from './testContext.ts';

it('names each bus event the web UI follows, and stops at unsubscribe', () => {
  const ctx = testAgentContext(new Date('2025-05-02T08:00:00.000Z'));
  const seen: AgentChange[] = [];
  const unsubscribe = changesOn(ctx)((change) => seen.push(change));
  ctx.bus.emit('tunnel.event', { at: '2025-05-02T08:00:00.000Z', state: 'up' });
  ctx.health.raise('wan.down');
  ctx.bus.emit('config.changed', { revision: 2, actor: 'local-cli' });
  ctx.bus.emit('devices.changed', {});
  ctx.bus.emit('check.finished', { verdict: 'pass', finishedAt: '2025-05-02T08:00:00.000Z' });
  ctx.bus.emit('system.reset', { revision: 3, actor: 'local-cli' });
  expect(seen).toEqual(['tunnel', 'health', 'config', 'devices', 'check', 'reset']);
  unsubscribe();
  ctx.bus.emit('tunnel.event', { at: '2025-05-02T08:00:01.000Z', state: 'backoff' });
  expect(seen).toHaveLength(6);
});
