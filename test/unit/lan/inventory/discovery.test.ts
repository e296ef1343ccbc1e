import { describe, expect, it } from 'vitest';
import type { Device } from '../../../../src/lan/inventory/device.ts';
import { DEFAULT_DISCOVERY, dueProbes, probeKey, rememberSighting, terminalCandidates, type ProbeRecord } from '../../../../src/lan/inventory/discovery.ts';
import type { NeighbourEntry } from '../../../../src/lan/inventory/neighbours.ts';

const at = (hhmm: string) => `2025-05-02T${hhmm}:00.000Z`;
const neighbour = (ip: string, mac: string, state: NeighbourEntry['state'] = 'reachable'): NeighbourEntry => ({
  ip, mac, interface: ip.startsWith('10.') ? 'br-term' : 'lan0', state, firstSeen: at('07:00'), lastSeen: at('07:50'),
});
const kt40 = neighbour('10.77.12.40', '02:00:5e:10:00:40');
const pc20 = neighbour('192.168.1.20', '00:1a:2b:3c:4d:5e');
const kt41 = neighbour('192.168.1.41', '02:00:5e:10:00:41');
const registered: Device = {
  id: 1, kind: 'terminal', name: 'Labor-KT', address: '10.77.12.42', mac: '02:00:5e:10:00:42', cetpPorts: [], createdAt: at('06:00'), changedAt: at('06:00'),
};

describe('dueProbes', () => {
  it('probes present, unregistered neighbours not probed recently, the longest-unprobed first', () => {
    const probes = new Map<string, ProbeRecord>([
      [probeKey(pc20.ip, pc20.mac), { ip: pc20.ip, mac: pc20.mac, at: at('07:50'), ok: false }],
      [probeKey(kt41.ip, kt41.mac), { ip: kt41.ip, mac: kt41.mac, at: at('03:00'), ok: true }],
    ]);
    const neighbours = [kt40, pc20, kt41, neighbour('10.77.12.43', '02:00:5e:10:00:43', 'gone'), neighbour(registered.address, registered.mac)];
    const due = dueProbes(neighbours, probes, new Set([registered.mac]), new Date(at('08:00')), DEFAULT_DISCOVERY);
    expect(due.map((n) => n.ip)).toEqual(['10.77.12.40', '192.168.1.20']);
    expect(dueProbes(neighbours, probes, new Set(), new Date(at('08:00')), { ...DEFAULT_DISCOVERY, maxProbesPerRound: 1 })).toEqual([kt40]);
    // A closed port is tried again after ten minutes, an open one after six hours.
    expect(dueProbes(neighbours, probes, new Set([registered.mac]), new Date(at('09:01')), DEFAULT_DISCOVERY).map((n) => n.ip)).toEqual([
      '10.77.12.40', '192.168.1.41', '192.168.1.20',
    ]);
  });
});

describe('terminalCandidates', () => {
  it('a terminal that asked the box for an address appears, with what its request said', () => {
    const sightings = rememberSighting([], { mac: '02:00:5e:10:00:40', address: '10.77.12.40', hostname: 'ORGA6141-0123', vendorClass: 'ORGA', at: at('07:55') }, 8);
    expect(terminalCandidates(sightings, [], new Map(), [])).toEqual([
      { mac: '02:00:5e:10:00:40', address: '10.77.12.40', hostname: 'ORGA6141-0123', vendorClass: 'ORGA', evidence: ['dhcp'], firstSeen: at('07:55'), lastSeen: at('07:55') },
    ]);
  });

  it('joins DHCP and the SICCT port per MAC, adds terminals that only answered the probe, and leaves out registered ones', () => {
    let sightings = rememberSighting([], { mac: kt40.mac, address: '10.77.12.40', at: at('06:30') }, 8);
    sightings = rememberSighting(sightings, { mac: kt40.mac, address: '10.77.12.40', hostname: 'KT-40', at: at('07:58') }, 8);
    sightings = rememberSighting(sightings, { mac: registered.mac, address: registered.address, at: at('07:59') }, 8);
    const probes = new Map<string, ProbeRecord>([
      [probeKey(kt40.ip, kt40.mac), { ip: kt40.ip, mac: kt40.mac, at: at('07:51'), ok: true }],
      [probeKey(kt41.ip, kt41.mac), { ip: kt41.ip, mac: kt41.mac, at: at('07:51'), ok: true }],
      [probeKey(pc20.ip, pc20.mac), { ip: pc20.ip, mac: pc20.mac, at: at('07:51'), ok: false }],
    ]);
    expect(terminalCandidates(sightings, [kt40, pc20, kt41], probes, [registered])).toEqual([
      { mac: kt40.mac, address: '10.77.12.40', interface: 'br-term', hostname: 'KT-40', evidence: ['dhcp', 'sicct-port'], firstSeen: at('06:30'), lastSeen: at('07:58') },
      { mac: kt41.mac, address: '192.168.1.41', interface: 'lan0', evidence: ['sicct-port'], firstSeen: at('07:00'), lastSeen: at('07:50') },
    ]);
  });

  it('shows a terminal that got no address, and keeps what an earlier request said about it', () => {
    let sightings = rememberSighting([], { mac: kt40.mac, hostname: 'KT-40', vendorClass: 'ORGA', at: at('07:00') }, 8);
    sightings = rememberSighting(sightings, { mac: kt40.mac, at: at('07:05') }, 8);
    expect(terminalCandidates(sightings, [], new Map(), [])).toEqual([
      { mac: kt40.mac, hostname: 'KT-40', vendorClass: 'ORGA', evidence: ['dhcp'], firstSeen: at('07:00'), lastSeen: at('07:05') },
    ]);
  });

  it('keeps the newest sightings only', () => {
    const sightings = ['01', '02', '03'].reduce(
      (list, n) => rememberSighting(list, { mac: `02:00:5e:10:00:${n}`, address: `10.77.12.${Number(n) + 40}`, at: at(`07:${n}`) }, 2),
      [] as ReturnType<typeof rememberSighting>,
    );
    expect(sightings.map((s) => s.mac)).toEqual(['02:00:5e:10:00:03', '02:00:5e:10:00:02']);
  });
});
