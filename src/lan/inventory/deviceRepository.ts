// Where the registered devices and their audit log live (gemSpec_Kon TIP1-A_5005: who changed
// what, and the new value). The composition root hands over an implementation on the agent's
// database; the registry (registry.ts) decides every change, the repository only keeps it.
import type { Device, DeviceFields } from './device.ts';

export type DeviceAction = 'register' | 'change' | 'remove';

export interface DeviceAuditEntry {
  at: string;
  actor: string;
  action: DeviceAction;
  deviceId: number;
  old: Device | null;
  new: Device | null;
}

/** What the registry decided a write does, `at` the ISO time it stamps on the device and the audit entry. */
export type DeviceChange =
  | { action: 'register'; at: string; fields: DeviceFields }
  | { action: 'change'; at: string; old: Device; fields: DeviceFields }
  | { action: 'remove'; at: string; old: Device }
  /** Nothing to write, and so nothing to audit. */
  | { action: 'none'; device: Device };

export interface DeviceRepository {
  /** Every registered device, PVS hosts first, then by name. */
  list(): Device[];
  /**
   * One transaction that holds the write lock from its start: `decide` gets the devices stored at
   * that moment, and what it decides is written with an audit entry naming `actor`, or, when
   * `decide` or a write throws, nothing is. Returns the device as it is stored now (the removed one
   * for remove). A removed device's reachability history goes with it.
   */
  write(actor: string, decide: (devices: Device[]) => DeviceChange): Device;
  /** Audit entries, newest first. */
  audit(limit: number): DeviceAuditEntry[];
}
