// The overview from the agent's answers (pure), and the schemas that read forms and API bodies.
import { describe, expect, it } from 'vitest';
import { overviewOf } from '../../../src/webui/index.ts';
import { readInput, RegistrationForm, RegistrationJson, RenameJson } from '../../../src/webui/api/schemas.ts';
import type { DeviceView, NeighbourView } from '../../../src/webui/status/deviceView.ts';
import { SAMPLE_STATUS } from '../control/helpers.ts';

const pvs: DeviceView = { id: 1, kind: 'pvs', name: 'PVS', address: '10.77.12.10', mac: '02:00:00:00:00:10', cetpPorts: [8010], createdAt: '', changedAt: '', inSegment: true };
const seen = (state: NeighbourView['state']): NeighbourView => ({ ip: '192.168.1.20', mac: '02:00:00:00:00:10', interface: 'lan0', state, firstSeen: '2025-05-02T07:00:00.000Z', lastSeen: '2025-05-02T09:00:00.000Z' });

describe('overviewOf', () => {
  it('judges a PVS host by whether the box sees its MAC: since first seen, or gone since last seen, or unknown', () => {
    expect(overviewOf(SAMPLE_STATUS, [pvs], [seen('stale')]).devices?.[0]).toMatchObject({ reach: 'reachable', since: '2025-05-02T07:00:00.000Z' });
    expect(overviewOf(SAMPLE_STATUS, [pvs], [seen('gone')]).devices?.[0]).toMatchObject({ reach: 'unreachable', since: '2025-05-02T09:00:00.000Z' });
    expect(overviewOf(SAMPLE_STATUS, [{ ...pvs, mac: '02:00:00:00:00:99' }], [seen('reachable')]).devices?.[0]?.reach).toBe('unknown');
  });

  it('reads an agent that did not answer as unknown, with the fault at the box', () => {
    const overview = overviewOf(undefined, undefined, undefined);
    expect([overview.verdict, overview.tunnel, overview.devices, overview.warnings]).toEqual(['box', null, null, []]);
  });

  it('carries the warnings with both languages and leaves out what the page does not show (packets, the history)', () => {
    const overview = overviewOf(SAMPLE_STATUS, [], []);
    expect(overview.warnings[0]).toMatchObject({ code: 'database.unknownVersion', severity: 'critical', detail: 'schema major 3, known up to 2' });
    expect(overview.tunnel).toEqual({ state: 'up', since: '2025-05-02T08:00:02.000Z', gateway: '192.0.2.10', traffic: { bytesIn: 2_048_000, bytesOut: 512 }, lastError: { reason: 'gateway unreachable', at: '2025-05-02T08:00:01.000Z' } });
  });
});

describe('the input schemas', () => {
  const form = { kind: 'terminal', name: '  Terminal Empfang  ', address: ' 10.77.12.40 ', mac: '02:00:5E:10:00:40', cetpPorts: '' };

  it('trims what copying adds and turns the ports text into numbers', () => {
    expect(readInput(RegistrationForm, form)).toEqual({ ok: true, value: { kind: 'terminal', name: 'Terminal Empfang', address: '10.77.12.40', mac: '02:00:5E:10:00:40', cetpPorts: [] } });
    expect(readInput(RegistrationForm, { ...form, cetpPorts: '8010,8011 8012' })).toMatchObject({ ok: true, value: { cetpPorts: [8010, 8011, 8012] } });
  });

  it.each([
    [{ name: '' }, 'nameEmpty', 'name'],
    [{ name: 'ä'.repeat(64) }, 'nameTooLong', 'name'],
    [{ name: 'a\u202eb' }, 'nameControl', 'name'],
    [{ name: '0042' }, 'nameDigits', 'name'],
    [{ kind: 'router' }, 'kind', 'kind'],
    [{ address: '10.77.12' }, 'address', 'address'],
    [{ mac: '02-00-5e-10-00' }, 'mac', 'mac'],
    [{ cetpPorts: '0' }, 'cetpPorts', 'cetpPorts'],
    [{ cetpPorts: '80; rm -rf /' }, 'cetpPorts', 'cetpPorts'],
    [{ cetpPorts: Array.from({ length: 17 }, (_, i) => 8000 + i).join(',') }, 'cetpPorts', 'cetpPorts'],
  ])('refuses %j as %s', (change, problem, field) => {
    expect(readInput(RegistrationForm, { ...form, ...change })).toEqual({ ok: false, problem, field });
  });

  it('takes no field the API does not know, and no form that is not an object', () => {
    expect(readInput(RegistrationJson, { ...form, cetpPorts: [], id: 7 })).toMatchObject({ ok: false, problem: 'malformed' });
    expect(readInput(RenameJson, 'a name')).toMatchObject({ ok: false, problem: 'malformed' });
    expect(readInput(RenameJson, { name: '<b>Empfang</b>' })).toEqual({ ok: true, value: { name: '<b>Empfang</b>' } });
  });
});
