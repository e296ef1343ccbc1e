// What the box reports to its management server as configData.
import { describe, expect, it } from 'vitest';
import { managementAttributes } from '../../../src/agent/managementAttributes.ts';
import type { AgentStatus } from '../../../src/agent/status.ts';
import { SAMPLE_STATUS } from '../control/helpers.ts';

const NOW = new Date('2026-12-07T12:00:00Z');

describe('managementAttributes', () => {
  it('reports serial, firmware, tunnel, health and the days left on the box certificate', () => {
    const status: AgentStatus = {
      ...SAMPLE_STATUS,
      version: '0.2.0',
      provisioning: { state: 'provisioned', serial: 'TBX-00000001', provisionedAt: '2026-11-01T00:00:00Z' },
      tunnel: { ...SAMPLE_STATUS.tunnel, state: 'up', gateway: '198.51.100.10' },
      health: [{ ...SAMPLE_STATUS.health[0]!, code: 'profile.certificateExpiring' }],
    };
    expect(Object.fromEntries(managementAttributes(status, '2026-12-27T18:00:00Z', NOW))).toEqual({
      serial: 'TBX-00000001',
      firmware: '0.2.0',
      tunnel: 'up',
      'tunnel.gateway': '198.51.100.10',
      health: 'profile.certificateExpiring',
      'certificate.daysLeft': '20',
    });
  });

  it('says when there is no serial number, no gateway, no warning', () => {
    const status: AgentStatus = { ...SAMPLE_STATUS, provisioning: { state: 'missing' }, tunnel: { ...SAMPLE_STATUS.tunnel, state: 'no-profile', gateway: undefined }, health: [] };
    const attributes = managementAttributes(status, undefined, NOW);
    expect([attributes.get('serial'), attributes.get('tunnel.gateway'), attributes.get('health'), attributes.has('certificate.daysLeft')]).toEqual(['(missing)', '', 'ok', false]);
  });
});
