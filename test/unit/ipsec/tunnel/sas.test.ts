import { describe, expect, it } from 'vitest';
import { carrier, readSas, type TunnelSa } from '../../../../src/ipsec/tunnel/sas.ts';
import { viciMessage, type Named, type ViciInit } from '../../../../src/ipsec/vici/index.ts';

function ikeSa(name: string, fields: ViciInit): Named {
  return { name, section: viciMessage(fields) };
}

const child = (id: number, state: string, extra: ViciInit = {}) => ({ [`ti-${id}`]: { name: 'ti', uniqueid: id, state, ...extra } });

describe('readSas', () => {
  it('reads our IKE_SAs with the ti CHILD_SA and its counters, ignoring foreign connections', () => {
    const sas = readSas([
      ikeSa('tibox-gw1', {
        uniqueid: 7, state: 'ESTABLISHED', 'remote-host': '192.0.2.10', 'remote-id': 'gw2.dc.example', established: 42,
        'child-sas': child(9, 'INSTALLED', { 'bytes-in': 100, 'bytes-out': 200, 'packets-in': 3, 'packets-out': 4 }),
      }),
      ikeSa('site-to-site', { uniqueid: 8, state: 'ESTABLISHED', 'remote-host': '203.0.113.9', 'child-sas': child(10, 'INSTALLED') }),
      ikeSa('tibox-gw0', { uniqueid: 11, state: 'CONNECTING', 'remote-host': '198.51.100.10' }),
    ]);
    expect(sas).toEqual([
      {
        connection: 'tibox-gw1', gatewayIndex: 1, ikeId: 7, ikeState: 'ESTABLISHED', remoteHost: '192.0.2.10', remoteId: 'gw2.dc.example', establishedS: 42,
        child: { installed: true, bytesIn: 100, bytesOut: 200, packetsIn: 3, packetsOut: 4 },
      },
      { connection: 'tibox-gw0', gatewayIndex: 0, ikeId: 11, ikeState: 'CONNECTING', remoteHost: '198.51.100.10', remoteId: '', establishedS: 0 },
    ]);
  });

  it('prefers the installed CHILD_SA while a rekey lists the old and the new one', () => {
    const during = (first: string, second: string) =>
      readSas([ikeSa('tibox-gw0', { uniqueid: 1, state: 'ESTABLISHED', 'child-sas': { ...child(1, first), ...child(2, second) } })])[0]?.child?.installed;
    expect(during('REKEYED', 'INSTALLED')).toBe(true);
    expect(during('INSTALLED', 'REKEYING')).toBe(true);
    expect(during('DELETING', 'REKEYED')).toBe(false);
  });

  it('counts a CHILD_SA as installed while the box rekeys it or MOBIKE updates it: it carries traffic until the new one is up', () => {
    const alone = (state: string) => readSas([ikeSa('tibox-gw0', { uniqueid: 1, state: 'ESTABLISHED', 'child-sas': child(1, state) })])[0]?.child?.installed;
    expect(alone('REKEYING')).toBe(true);
    expect(alone('UPDATING')).toBe(true);
    expect(alone('INSTALLING')).toBe(false);
    expect(alone('DELETING')).toBe(false);
  });

  it('ignores CHILD_SAs of other names', () => {
    const [sa] = readSas([ikeSa('tibox-gw0', { uniqueid: 1, state: 'ESTABLISHED', 'child-sas': { 'other-3': { name: 'other', state: 'INSTALLED' } } })]);
    expect(sa?.child).toBeUndefined();
  });
});

describe('carrier', () => {
  const sa = (ikeId: number, establishedS: number, installed = true, ikeState = 'ESTABLISHED'): TunnelSa => ({
    connection: 'tibox-gw0', gatewayIndex: 0, ikeId, ikeState, remoteHost: 'x', remoteId: 'gw', establishedS,
    child: { installed, bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 },
  });

  it('is the newest established IKE_SA with its CHILD_SA installed', () => {
    expect(carrier([sa(1, 300), sa(2, 5), sa(3, 100)])?.ikeId).toBe(2);
    expect(carrier([sa(4, 7), sa(5, 7)])?.ikeId).toBe(5);
    expect(carrier([sa(1, 300), sa(2, 1, false)])?.ikeId).toBe(1);
    expect(carrier([sa(1, 300), sa(2, 0, true, 'CONNECTING')])?.ikeId).toBe(1);
    expect(carrier([{ ...sa(1, 3), child: undefined } as TunnelSa])).toBeUndefined();
    // An IKE_SA rekeying itself keeps its CHILD_SAs until the new one has them: still the carrier.
    expect(carrier([sa(1, 300, true, 'REKEYING')])?.ikeId).toBe(1);
    expect(carrier([sa(1, 300, true, 'DELETING')])).toBeUndefined();
    expect(carrier([])).toBeUndefined();
  });
});
