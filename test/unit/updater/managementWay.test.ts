// Which way remote management takes: the tunnel while it is up or down only for a moment, the
// internet once the tunnel has been down a while and the server's internet address is known.
import { describe, expect, it } from 'vitest';
import { chooseManagementWay, INTERNET_AFTER_MS, sameWay, type WayInputs } from '../../../src/updater/managementWay.ts';

const NOW = 1_000_000;
const ENDPOINT = { address: '198.51.100.80', port: 443 };
const inputs = (up: boolean, downForMs: number): WayInputs => ({ tunnel: { up, sinceMs: NOW - downForMs }, internet: ENDPOINT, nowMs: NOW });

describe('chooseManagementWay', () => {
  it.each<[string, WayInputs, ReturnType<typeof chooseManagementWay>]>([
    ['the tunnel up', inputs(true, 3_600_000), { way: { kind: 'tunnel' } }],
    ['the tunnel just went down: a failover or a restart is waited for', inputs(false, 0), { way: { kind: 'tunnel' }, recheckInMs: INTERNET_AFTER_MS }],
    ['the tunnel down for 10 s', inputs(false, 10_000), { way: { kind: 'tunnel' }, recheckInMs: INTERNET_AFTER_MS - 10_000 }],
    ['the tunnel down long enough', inputs(false, INTERNET_AFTER_MS), { way: { kind: 'internet', address: '198.51.100.80', port: 443 } }],
    ['the tunnel down for a day', inputs(false, 86_400_000), { way: { kind: 'internet', address: '198.51.100.80', port: 443 } }],
    ['the tunnel down, no internet address known: the tunnel is the only way', { ...inputs(false, 86_400_000), internet: undefined }, { way: { kind: 'tunnel' } }],
    ['the tunnel up again after a long outage', inputs(true, 0), { way: { kind: 'tunnel' } }],
  ])('%s', (_name, given, expected) => {
    expect(chooseManagementWay(given)).toEqual(expected);
  });

  it('takes the internet at the moment a recheck names, not before', () => {
    const first = chooseManagementWay(inputs(false, 12_345));
    expect(first.recheckInMs).toBe(INTERNET_AFTER_MS - 12_345);
    const later = chooseManagementWay({ ...inputs(false, 12_345), nowMs: NOW + (first.recheckInMs ?? 0) });
    expect(later.way.kind).toBe('internet');
    expect(chooseManagementWay({ ...inputs(false, 12_345), nowMs: NOW + (first.recheckInMs ?? 0) - 1 }).way.kind).toBe('tunnel');
  });
});

describe('sameWay', () => {
  it('tells ways apart by kind, address and port', () => {
    const internet = { kind: 'internet', ...ENDPOINT } as const;
    expect(sameWay({ kind: 'tunnel' }, { kind: 'tunnel' })).toBe(true);
    expect(sameWay(internet, { ...internet })).toBe(true);
    expect(sameWay(internet, { kind: 'tunnel' })).toBe(false);
    expect(sameWay({ kind: 'tunnel' }, internet)).toBe(false);
    expect(sameWay(internet, { ...internet, address: '198.51.100.81' })).toBe(false);
    expect(sameWay(internet, { ...internet, port: 8443 })).toBe(false);
  });
});
