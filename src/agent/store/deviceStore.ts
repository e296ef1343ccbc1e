// The registered devices and their audit log in the agent's database (the repository the device
// inventory declares in src/lan/inventory/deviceRepository.ts).
import type { Device, DeviceAction, DeviceAuditEntry, DeviceChange, DeviceFields, DeviceRepository } from '../../lan/inventory/index.ts';
import type { Db } from './database.ts';
import { asWriteFailure } from './writeFailure.ts';

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

/** A change that writes: the device before and after (null where there is none), and the one to return. */
interface Written {
  old: Device | null;
  new: Device | null;
  device: Device;
}

const COLUMNS = 'id, kind, name, address, mac, cetp_ports, created_at, changed_at';

export class DeviceStore implements DeviceRepository {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  list(): Device[] {
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM devices ORDER BY kind, name COLLATE NOCASE, id`).all() as DeviceRow[];
    return rows.map(toDevice);
  }

  write(actor: string, decide: (devices: Device[]) => DeviceChange): Device {
    // IMMEDIATE: the write lock is taken before the devices are read, so no other connection
    // can change them between the decision and the write.
    const transaction = this.db.transaction((): Device => {
      const change = decide(this.list());
      if (change.action === 'none') return change.device;
      const written = this.apply(change);
      this.db.prepare('INSERT INTO device_audit (at, actor, action, device_id, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)').run(
        change.at, actor, change.action, written.device.id, json(written.old), json(written.new),
      );
      return written.device;
    });
    try {
      return transaction.immediate();
    } catch (error) {
      throw asWriteFailure(error);
    }
  }

  /**
   * Replaces the registered devices as a whole with `set` (checked by the caller), each removal and
   * registration audited with `actor`. Within a transaction of the caller's (a restore commits the
   * config with it) it is part of that one; alone it is one of its own.
   */
  replaceAll(actor: string, at: string, set: readonly DeviceFields[]): void {
    const audit = this.db.prepare('INSERT INTO device_audit (at, actor, action, device_id, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      const changes: Exclude<DeviceChange, { action: 'none' }>[] = [
        ...this.list().map((old) => ({ action: 'remove' as const, at, old })),
        ...set.map((fields) => ({ action: 'register' as const, at, fields })),
      ];
      for (const change of changes) {
        const written = this.apply(change);
        audit.run(at, actor, change.action, written.device.id, json(written.old), json(written.new));
      }
    }).immediate();
  }

  audit(limit: number): DeviceAuditEntry[] {
    const rows = this.db
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

  private apply(change: Exclude<DeviceChange, { action: 'none' }>): Written {
    switch (change.action) {
      case 'register': {
        const { fields: f, at } = change;
        const { lastInsertRowid } = this.db
          .prepare('INSERT INTO devices (kind, name, address, mac, cetp_ports, created_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(f.kind, f.name, f.address, f.mac, JSON.stringify(f.cetpPorts), at, at);
        const device = this.get(Number(lastInsertRowid));
        return { old: null, new: device, device };
      }
      case 'change': {
        const { fields: f, at, old } = change;
        this.db.prepare('UPDATE devices SET kind = ?, name = ?, address = ?, mac = ?, cetp_ports = ?, changed_at = ? WHERE id = ?').run(
          f.kind, f.name, f.address, f.mac, JSON.stringify(f.cetpPorts), at, old.id,
        );
        const device = this.get(old.id);
        return { old, new: device, device };
      }
      case 'remove': {
        const { old } = change;
        this.db.prepare('DELETE FROM devices WHERE id = ?').run(old.id);
        // Its reachability history goes with it; the audit log keeps that it existed.
        this.db.prepare('DELETE FROM terminal_reachability WHERE device_id = ?').run(old.id);
        return { old, new: null, device: old };
      }
    }
  }

  private get(id: number): Device {
    return toDevice(this.db.prepare(`SELECT ${COLUMNS} FROM devices WHERE id = ?`).get(id) as DeviceRow);
  }
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
