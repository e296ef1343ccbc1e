// The registered devices in the agent's database. Register, change and remove each run as one
// transaction that validates against the devices stored at that moment, writes the device and
// an audit entry with who asked and the new value (gemSpec_Kon TIP1-A_5005), or writes nothing.
// The database is asked for on each use: it opens after construction and closes at stop.
import type { Db } from '../../agent/store/index.ts';
import type { Device, DeviceFields, DeviceRef } from './device.ts';
import { DeviceError } from './errors.ts';
import { checkHalves, type TiHalves } from './segment.ts';
import { validateDevice } from './validate.ts';

export type DeviceAction = 'register' | 'change' | 'remove';

export interface DeviceAuditEntry {
  at: string;
  actor: string;
  action: DeviceAction;
  deviceId: number;
  old: Device | null;
  new: Device | null;
}

export interface DeviceRegistryDeps {
  db: () => Db | undefined;
  now: () => Date;
}

interface DeviceRow {
  id: number;
  kind: Device['kind'];
  name: string;
  address: string;
  mac: string;
  cetp_ports: string;
  created_at: string;
  changed_at: string;
}

interface AuditRow {
  at: string;
  actor: string;
  action: DeviceAction;
  device_id: number;
  old_value: string | null;
  new_value: string | null;
}

const COLUMNS = 'id, kind, name, address, mac, cetp_ports, created_at, changed_at';

export class DeviceRegistry {
  private readonly deps: DeviceRegistryDeps;

  constructor(deps: DeviceRegistryDeps) {
    this.deps = deps;
  }

  /** Every registered device, PVS hosts first, then by name. */
  list(): Device[] {
    const rows = this.db().prepare(`SELECT ${COLUMNS} FROM devices ORDER BY kind, name COLLATE NOCASE, id`).all() as DeviceRow[];
    return rows.map(toDevice);
  }

  /** By id, or by name in any case (as validation compares names, beyond ASCII too). */
  find(ref: DeviceRef): Device {
    const key = typeof ref === 'string' ? ref.toLowerCase() : undefined;
    const device = this.list().find((d) => (key === undefined ? d.id === ref : d.name.toLowerCase() === key));
    if (!device) throw new DeviceError('TIBOX_DEVICE_NOT_FOUND', { device: String(ref) });
    return device;
  }

  register(fields: DeviceFields, halves: TiHalves | undefined, actor: string): Device {
    const checked = requireHalves(halves);
    return this.write(actor, (db, at) => {
      const valid = validateDevice(fields, checked, this.list());
      const { lastInsertRowid } = db
        .prepare('INSERT INTO devices (kind, name, address, mac, cetp_ports, created_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(valid.kind, valid.name, valid.address, valid.mac, JSON.stringify(valid.cetpPorts), at, at);
      const device = this.find(Number(lastInsertRowid));
      return { action: 'register', old: null, new: device };
    });
  }

  /** Applies the given fields; a change that alters nothing writes nothing. */
  change(ref: DeviceRef, change: Partial<DeviceFields>, halves: TiHalves | undefined, actor: string): Device {
    const checked = requireHalves(halves);
    return this.write(actor, (db, at) => {
      const old = this.find(ref);
      const valid = validateDevice({ ...fieldsOf(old), ...change }, checked, this.list().filter((d) => d.id !== old.id));
      if (JSON.stringify(valid) === JSON.stringify(fieldsOf(old))) return { action: 'change', old, new: old, unchanged: true };
      db.prepare('UPDATE devices SET kind = ?, name = ?, address = ?, mac = ?, cetp_ports = ?, changed_at = ? WHERE id = ?').run(
        valid.kind, valid.name, valid.address, valid.mac, JSON.stringify(valid.cetpPorts), at, old.id,
      );
      return { action: 'change', old, new: this.find(old.id) };
    });
  }

  remove(ref: DeviceRef, actor: string): Device {
    return this.write(actor, (db) => {
      const old = this.find(ref);
      db.prepare('DELETE FROM devices WHERE id = ?').run(old.id);
      // Its reachability history goes with it; the audit log keeps that it existed.
      db.prepare('DELETE FROM terminal_reachability WHERE device_id = ?').run(old.id);
      return { action: 'remove', old, new: null };
    });
  }

  /** Audit entries, newest first. */
  audit(limit = 100): DeviceAuditEntry[] {
    const rows = this.db()
      .prepare('SELECT at, actor, action, device_id, old_value, new_value FROM device_audit ORDER BY id DESC LIMIT ?')
      .all(limit) as AuditRow[];
    return rows.map((r) => ({
      at: r.at,
      actor: r.actor,
      action: r.action,
      deviceId: r.device_id,
      old: r.old_value === null ? null : (JSON.parse(r.old_value) as Device),
      new: r.new_value === null ? null : (JSON.parse(r.new_value) as Device),
    }));
  }

  private write(
    actor: string,
    step: (db: Db, at: string) => { action: DeviceAction; old: Device | null; new: Device | null; unchanged?: boolean },
  ): Device {
    if (actor.trim() === '') throw new TypeError('a device change needs an actor');
    const db = this.db();
    return db.transaction((): Device => {
      const at = this.deps.now().toISOString();
      const result = step(db, at);
      if (!result.unchanged) {
        const deviceId = (result.new ?? result.old)?.id;
        db.prepare('INSERT INTO device_audit (at, actor, action, device_id, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)').run(
          at, actor, result.action, deviceId, json(result.old), json(result.new),
        );
      }
      const device = result.new ?? result.old;
      if (!device) throw new Error('a device write must name its device');
      return device;
    }).immediate();
  }

  private db(): Db {
    const db = this.deps.db();
    if (!db) throw new DeviceError('TIBOX_DEVICE_STORE_UNAVAILABLE', { reason: 'the database is not open' });
    return db;
  }
}

function requireHalves(halves: TiHalves | undefined) {
  if (!halves) throw new DeviceError('TIBOX_DEVICE_NO_SEGMENT', {});
  return checkHalves(halves);
}

function fieldsOf(device: Device): DeviceFields {
  return { kind: device.kind, name: device.name, address: device.address, mac: device.mac, cetpPorts: device.cetpPorts };
}

function json(device: Device | null): string | null {
  return device === null ? null : JSON.stringify(device);
}

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    address: row.address,
    mac: row.mac,
    cetpPorts: JSON.parse(row.cetp_ports) as number[],
    createdAt: row.created_at,
    changedAt: row.changed_at,
  };
}
