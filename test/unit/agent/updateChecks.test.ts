// The health commit's verdict on a round of checks after booting a new system: the agent, the
// WAN, and the tunnel by its state and an active probe.
import { describe, expect, it } from 'vitest';
import { updateChecks } from '../../../src/agent/updateChecks.ts';
import type { AgentStatus } from '../../../src/agent/status.ts';
import { SAMPLE_STATUS } from '../control/helpers.ts';

const up: AgentStatus = { ...SAMPLE_STATUS, subsystems: [{ name: 'tunnel', state: 'running', since: '2026-12-07T12:00:00Z' }], health: [], tunnel: { ...SAMPLE_STATUS.tunnel, state: 'up' } };

describe('updateChecks', () => {
  it('passes all three when nothing failed, the WAN is up and the probe answered through the tunnel', () => {
    expect(updateChecks(up, true)).toEqual({ agent: true, wan: true, tunnel: true });
  });

  it('names a failed subsystem, a WAN that is down, and a tunnel that is not up', () => {
    const status: AgentStatus = {
      ...up,
      subsystems: [{ name: 'firewall', state: 'failed', since: '2026-12-07T12:00:00Z', detail: 'nft refused the ruleset' }, { name: 'lan', state: 'degraded', since: '2026-12-07T12:00:00Z' }],
      health: [{ ...SAMPLE_STATUS.health[0]!, code: 'wan.down' }],
      tunnel: { ...SAMPLE_STATUS.tunnel, state: 'connecting' },
    };
    expect(updateChecks(status, undefined)).toEqual({ agent: 'failed: firewall (nft refused the ruleset)', wan: 'the WAN is down', tunnel: 'the tunnel is connecting' });
  });

  it('fails the agent while a subsystem has not started: the tunnel\'s no-profile may only mean the profile is not loaded yet', () => {
    const starting: AgentStatus = {
      ...up,
      subsystems: [{ name: 'updater', state: 'running', since: '2026-12-07T12:00:00Z' }, { name: 'profile', state: 'stopped', since: '2026-12-07T12:00:00Z' }, { name: 'control', state: 'starting', since: '2026-12-07T12:00:00Z' }],
      tunnel: { ...up.tunnel, state: 'no-profile' },
    };
    expect(updateChecks(starting, undefined)).toEqual({ agent: 'still starting: profile, control', wan: true, tunnel: true });
  });

  it('does not judge a tunnel there is none of: no profile, or switched off by the operator', () => {
    for (const state of ['no-profile', 'disabled'] as const) expect(updateChecks({ ...up, tunnel: { ...up.tunnel, state } }, undefined).tunnel).toBe(true);
  });

  it('takes the probe\'s word on a tunnel that says it is up', () => {
    expect(updateChecks(up, 'no answer from 100.64.10.10 through the tunnel').tunnel).toBe('no answer from 100.64.10.10 through the tunnel');
    expect(updateChecks(up, undefined).tunnel).toBe('no probe through the tunnel yet');
  });
});
