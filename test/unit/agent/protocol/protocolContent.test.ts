// The protocol's content from the box's facts: what it shows, and when it says the function test
// does not show the box as it is.
import { describe, expect, it } from 'vitest';
import { entryOf, protocolContent } from '../../../../src/agent/protocol/protocolContent.ts';
import { FAILING, NOW, PASSING, facts, run } from './protocolFacts.ts';

describe('protocolContent', () => {
  it('takes the practice, the box, its identity, its devices and the run as they are', () => {
    const content = protocolContent(facts(), 7);
    expect(content).toMatchObject({
      id: 7,
      createdAt: NOW.toISOString(),
      practice: { name: 'Praxis Dr. Müller-Weiß', bsnr: '021234500', installerName: 'Jörg Schäfer' },
      box: { serial: 'TBX-00012345', firmwareVersion: '0.1.0' },
      identity: { boxId: 'box-0001', notAfter: '2028-01-01T00:00:00.000Z' },
      tiSegment: '10.77.12.0/24',
      verdict: 'pass',
      staleness: 'none',
      test: PASSING,
    });
    // PVS hosts first, then terminals, each by name.
    expect(content.devices.map((d) => d.name)).toEqual(['PVS Empfang', 'Kartenterminal Empfang']);
  });

  it('carries a failed run as failed', () => {
    const content = protocolContent(facts({ test: FAILING }), 1);
    expect(content.verdict).toBe('fail');
    expect(entryOf(content)).toEqual({ id: 1, createdAt: NOW.toISOString(), practice: 'Praxis Dr. Müller-Weiß', verdict: 'fail', staleness: 'none' });
  });

  it('says so when there was no run, an old one, or one before the devices changed', () => {
    expect(protocolContent(facts({ test: undefined }), 1)).toMatchObject({ verdict: 'none', staleness: 'noRun', test: null });
    const old = run([['wan', 1, { verdict: 'pass', value: 'ok' }]], '2026-12-07T10:29:00Z');
    expect(protocolContent(facts({ test: old, devices: [] }), 1).staleness).toBe('old');
    const justInTime = run([['wan', 1, { verdict: 'pass', value: 'ok' }]], '2026-12-07T10:31:00Z');
    expect(protocolContent(facts({ test: justInTime, devices: [] }), 1).staleness).toBe('none');
    const before = run([['wan', 1, { verdict: 'pass', value: 'ok' }]], '2026-12-08T08:00:00Z');
    expect(protocolContent(facts({ test: before }), 1).staleness).toBe('devicesChanged');
  });

  it('leaves out what a box without provisioning or profile does not have', () => {
    const content = protocolContent(facts({ serial: undefined, identity: undefined, tiSegment: undefined, devices: [] }), 1);
    expect(content).toMatchObject({ box: { serial: null }, identity: null, tiSegment: null, devices: [] });
  });
});
