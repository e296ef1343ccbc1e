import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase, openMemoryDatabase, type Db } from '../../../src/agent/store/database.ts';
import { DeviceStore } from '../../../src/agent/store/deviceStore.ts';
import { ReachabilityStore } from '../../../src/agent/store/reachabilityStore.ts';
import type { Device, DeviceFields } from '../../../src/lan/inventory/index.ts';

const T0 = '2025-05-02T08:00:00.000Z';
const T1 = '2025-05-02T08:01:00.000Z';
const pvs: DeviceFields = { kind: 'pvs', name: 'empfang-PC', address: '10.77.12.10', mac: '00:1a:2b:3c:4d:5e', cetpPorts: [4000] };
const terminal: DeviceFields = { kind: 'terminal', name: 'Empfang-KT', address: '10.77.12.40', mac: '02:00:5e:10:00:40', cetpPorts: [] };
const labor: DeviceFields = { kind: 'pvs', name: 'Labor-PC', address: '10.77.12.11', mac: '00:1a:2b:3c:4d:5f', cetpPorts: [] };

describe('DeviceStore', () => {
  let db: Db;
  let store: DeviceStore;
  beforeEach(() => {
    db = openMemoryDatabase().db;
    store = new DeviceStore(db);
  });
  afterEach(() => db.close());

  const rows = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const register = (fields: DeviceFields, at = T0) => store.write('admin', () => ({ action: 'register', at, fields }));

  it('gives registered devices back, PVS hosts first and then by name in any case, each with its audit entry', () => {
    const t = register(terminal);
    const l = register(labor);
    const p = register(pvs, T1);
    expect(p).toEqual({ id: 3, ...pvs, createdAt: T1, changedAt: T1 });
    expect(store.list()).toEqual([p, l, t]);
    expect(store.audit(2)).toEqual([
      { at: T1, actor: 'admin', action: 'register', deviceId: 3, old: null, new: p },
      { at: T0, actor: 'admin', action: 'register', deviceId: 2, old: null, new: l },
    ]);
  });

  it('changes a device, keeping when it was created, and audits the old and the new value', () => {
    const old = register(pvs);
    const changed = store.write('support', () => ({ action: 'change', at: T1, old, fields: { ...pvs, cetpPorts: [4000, 4100] } }));
    expect(changed).toEqual({ ...old, cetpPorts: [4000, 4100], changedAt: T1 });
    expect(store.list()).toEqual([changed]);
    expect(store.audit(1)).toEqual([{ at: T1, actor: 'support', action: 'change', deviceId: old.id, old, new: changed }]);
  });

  it('writes nothing for a decision to write nothing', () => {
    const device = register(pvs);
    expect(store.write('admin', () => ({ action: 'none', device }))).toEqual(device);
    expect([rows('devices'), rows('device_audit')]).toEqual([1, 1]);
  });

  it("removes a device with its reachability history, leaving the others' and an audit entry", () => {
    const t = register(terminal);
    const other = register({ ...terminal, name: 'Labor-KT', address: '10.77.12.41', mac: '02:00:5e:10:00:41' });
    const reachability = new ReachabilityStore(db);
    reachability.record(t.id, { at: T0, state: 'reachable' });
    reachability.record(other.id, { at: T0, state: 'reachable' });
    expect(store.write('admin', () => ({ action: 'remove', at: T1, old: t }))).toEqual(t);
    expect(store.list()).toEqual([other]);
    expect([reachability.recent(t.id, 10), reachability.recent(other.id, 10).length]).toEqual([[], 1]);
    expect(store.audit(1)).toEqual([{ at: T1, actor: 'admin', action: 'remove', deviceId: t.id, old: t, new: null }]);
  });

  it('runs the decision inside the transaction on the stored devices, and keeps nothing of it when it throws', () => {
    const t = register(terminal);
    let seen: Device[] = [];
    expect(() =>
      store.write('admin', (devices) => {
        seen = devices;
        new ReachabilityStore(db).record(t.id, { at: T1, state: 'unreachable', detail: 'timeout' });
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(seen).toEqual([t]);
    expect([rows('devices'), rows('device_audit'), rows('terminal_reachability')]).toEqual([1, 1, 0]);
  });

  it('says in the catalogue\'s words that a change was not saved when the database takes no writes, and keeps nothing', () => {
    register(pvs);
    db.exec('PRAGMA query_only = ON');
    expect(() => register(labor, T1)).toThrow(
      expect.objectContaining({
        code: 'TIBOX_STORE_WRITE_FAILED',
        status: 503,
        message: 'the change could not be saved: the database is not writable (attempt to write a readonly database, SQLITE_READONLY)',
      }),
    );
    db.exec('PRAGMA query_only = OFF');
    expect([rows('devices'), rows('device_audit')]).toEqual([1, 1]);
  });

  it('keeps neither device nor audit entry when the write fails', () => {
    register(pvs);
    expect(() => register({ ...labor, mac: pvs.mac }, T1)).toThrow(/UNIQUE/);
    expect([rows('devices'), rows('device_audit')]).toEqual([1, 1]);
  });
});

describe('DeviceStore on a file shared with another connection', () => {
  let dir: string;
  let db: Db;
  let other: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tibox-devices-'));
    db = openDatabase(dir).db;
    // No busy timeout: a write that would wait for the lock fails at once.
    other = new Database(join(dir, DATABASE_FILE), { timeout: 0 });
  });
  afterEach(() => {
    other.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the write lock while deciding, so nothing changes the devices between the read and the write', () => {
    const store = new DeviceStore(db);
    const device = store.write('admin', () => {
      // exec(), not a statement: see keepStatements in database.ts.
      expect(() => other.exec(`INSERT INTO device_audit (at, actor, action, device_id) VALUES ('${T0}', 'other', 'register', 9)`)).toThrow(/locked|busy/i);
      return { action: 'register', at: T0, fields: pvs };
    });
    expect(store.list()).toEqual([device]);
    expect(store.audit(10).map((a) => a.actor)).toEqual(['admin']);
  });
});
