import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceStore, ReachabilityStore, type Db } from '../../../../src/agent/store/index.ts';
import type { DeviceFields } from '../../../../src/lan/inventory/device.ts';
import { DeviceRegistry } from '../../../../src/lan/inventory/registry.ts';
import { HALVES, manualClock, memoryDb } from './fixtures.ts';

const AT = { halves: HALVES, boxPorts: [] };

const pvs: DeviceFields = { kind: 'pvs', name: 'Empfang-PC', address: '10.77.12.10', mac: '00:1a:2b:3c:4d:5e', cetpPorts: [4000] };
const terminal: DeviceFields = { kind: 'terminal', name: 'Empfang-KT', address: '10.77.12.40', mac: '02:00:5e:10:00:40', cetpPorts: [] };

describe('DeviceRegistry', () => {
  let db: Db;
  let registry: DeviceRegistry;
  const clock = manualClock();
  beforeEach(() => {
    db = memoryDb();
    registry = new DeviceRegistry({ devices: () => new DeviceStore(db), now: clock.now });
  });
  afterEach(() => db.close());

  const rows = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('locates a device by id, name, TI address or MAC in any spelling, a name first', () => {
    const t = registry.register(terminal, AT, 'admin');
    const p = registry.register(pvs, AT, 'admin');
    // A name that looks like another device's address is that device's name.
    const odd = registry.register({ ...pvs, name: '10.77.12.40', address: '10.77.12.11', mac: '00:1a:2b:3c:4d:5f' }, AT, 'admin');
    expect([' 1 ', 'EMPFANG-KT', '02-00-5E-10-00-40'].map((text) => registry.locate(text).id)).toEqual([t.id, t.id, t.id]);
    expect(registry.locate('10.77.12.10').id).toBe(p.id);
    expect(registry.locate('10.77.12.40').id).toBe(odd.id);
    expect(() => registry.locate('10.77.12.99')).toThrow(expect.objectContaining({ code: 'TIBOX_DEVICE_NOT_FOUND' }));
  });

  it('registers, lists PVS hosts before terminals, and finds by id or name in any case', () => {
    const t = registry.register(terminal, AT, 'admin');
    const p = registry.register(pvs, AT, 'admin');
    expect(p).toEqual({ id: 2, ...pvs, createdAt: '2025-05-02T08:00:00.000Z', changedAt: '2025-05-02T08:00:00.000Z' });
    expect(registry.list().map((d) => d.name)).toEqual(['Empfang-PC', 'Empfang-KT']);
    expect(registry.find(t.id)).toEqual(t);
    expect(registry.find('empfang-kt')).toEqual(t);
    const umlaut = registry.register({ ...pvs, name: 'Ärzte-PC', address: '10.77.12.11', mac: '00:1a:2b:3c:4d:5f' }, AT, 'admin');
    expect(registry.find('ärzte-pc')).toEqual(umlaut);
    expect(() => registry.register({ ...pvs, name: 'ÄRZTE-PC', address: '10.77.12.12', mac: '00:1a:2b:3c:4d:60' }, AT, 'admin')).toThrow(
      'the name ÄRZTE-PC is already registered for "Ärzte-PC"',
    );
    expect(() => registry.find('Labor')).toThrow(expect.objectContaining({ code: 'TIBOX_DEVICE_NOT_FOUND', message: 'no registered device "Labor"' }));
  });

  it('audits every change with who made it and the new value', () => {
    const p = registry.register(pvs, AT, 'admin');
    clock.advance(60_000);
    registry.change(p.id, { cetpPorts: [4000, 4100] }, AT, 'support');
    clock.advance(60_000);
    registry.remove('Empfang-PC', 'admin');
    const audit = registry.audit();
    expect(audit.map((a) => [a.action, a.actor, a.at, a.old?.cetpPorts ?? null, a.new?.cetpPorts ?? null])).toEqual([
      ['remove', 'admin', '2025-05-02T08:02:00.000Z', [4000, 4100], null],
      ['change', 'support', '2025-05-02T08:01:00.000Z', [4000], [4000, 4100]],
      ['register', 'admin', '2025-05-02T08:00:00.000Z', null, [4000]],
    ]);
    expect(audit[1]?.new).toMatchObject({ changedAt: '2025-05-02T08:01:00.000Z', createdAt: '2025-05-02T08:00:00.000Z' });
  });

  it('refuses bad input with its catalogue error and writes nothing, neither device nor audit', () => {
    registry.register(pvs, AT, 'admin');
    expect(() => registry.register({ ...terminal, mac: '00:1A:2B:3C:4D:5E' }, AT, 'admin')).toThrow(
      expect.objectContaining({ code: 'TIBOX_DEVICE_DUPLICATE', status: 409 }),
    );
    expect(() => registry.change('Empfang-PC', { address: '10.77.12.40' }, AT, 'admin')).toThrow(
      expect.objectContaining({ code: 'TIBOX_DEVICE_OUTSIDE_HALF' }),
    );
    expect(() => registry.register(terminal, { halves: undefined, boxPorts: [] }, 'admin')).toThrow(expect.objectContaining({ code: 'TIBOX_DEVICE_NO_SEGMENT' }));
    expect([rows('devices'), rows('device_audit')]).toEqual([1, 1]);
    expect(registry.find('Empfang-PC').address).toBe('10.77.12.10');
  });

  it('writes nothing for a change that changes nothing', () => {
    const p = registry.register(pvs, AT, 'admin');
    clock.advance(1_000);
    expect(registry.change(p.id, { mac: '00-1A-2B-3C-4D-5E' }, AT, 'admin')).toEqual(p);
    expect(rows('device_audit')).toBe(1);
  });

  it('lets a device change to values another device has just given up, within the rules', () => {
    registry.register(terminal, AT, 'admin');
    registry.change('Empfang-KT', { address: '10.77.12.20' }, AT, 'admin');
    expect(registry.register({ ...terminal, name: 'Labor-KT', mac: '02:00:5e:10:00:41' }, AT, 'admin').address).toBe('10.77.12.40');
  });

  it('removes a terminal with its reachability history, and keeps ids unique after removal', () => {
    const t = registry.register(terminal, AT, 'admin');
    new ReachabilityStore(db).record(t.id, { at: '2025-05-02T08:00:00.000Z', state: 'reachable' });
    registry.remove(t.id, 'admin');
    expect([rows('devices'), rows('terminal_reachability')]).toEqual([0, 0]);
    expect(registry.register(terminal, AT, 'admin').id).toBe(t.id + 1);
  });

  it('says so when the database is closed, and wants an actor', () => {
    const closed = new DeviceRegistry({ devices: () => undefined, now: clock.now });
    expect(() => closed.list()).toThrow(expect.objectContaining({ code: 'TIBOX_DEVICE_STORE_UNAVAILABLE', status: 503 }));
    expect(() => registry.register(pvs, AT, ' ')).toThrow('a device change needs an actor');
  });
});
