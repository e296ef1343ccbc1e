// The registered devices. Register, change and remove each run as one transaction of the device
// repository that validates against the devices stored at that moment, writes the device and an
// audit entry with who asked and the new value (gemSpec_Kon TIP1-A_5005), or writes nothing.
// The repository is asked for on each use: the database opens after construction and closes at stop.
import type { BoxPort } from './boxPorts.ts';
import type { Device, DeviceFields, DeviceRef } from './device.ts';
import type { DeviceAuditEntry, DeviceChange, DeviceRepository } from './deviceRepository.ts';
import { DeviceError } from './errors.ts';
import { normalizeMac } from './mac.ts';
import { checkHalves, type TiHalves } from './segment.ts';
import { validateDevice, type RegistrationContext } from './validate.ts';

/** What a registration is checked against: the TI segment's halves (undefined before a profile) and the box's own ports. */
export interface Surroundings {
  readonly halves: TiHalves | undefined;
  readonly boxPorts: readonly BoxPort[];
}

export interface DeviceRegistryDeps {
  /** Undefined while the database is closed. */
  devices: () => DeviceRepository | undefined;
  now: () => Date;
}

export class DeviceRegistry {
  private readonly deps: DeviceRegistryDeps;

  constructor(deps: DeviceRegistryDeps) {
    this.deps = deps;
  }

  /** Every registered device, PVS hosts first, then by name. */
  list(): Device[] {
    return this.repository().list();
  }

  find(ref: DeviceRef): Device {
    return findDevice(this.list(), ref);
  }

  /** By id or name as find() does, else by TI address, else by MAC in any spelling. */
  locate(text: string): Device {
    const devices = this.list();
    const trimmed = text.trim();
    const mac = normalizeMac(trimmed);
    const other = devices.find((d) => d.address === trimmed || ('mac' in mac && d.mac === mac.mac));
    try {
      return findDevice(devices, /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed);
    } catch (error) {
      if (other) return other;
      throw error;
    }
  }

  register(fields: DeviceFields, surroundings: Surroundings, actor: string): Device {
    const checked = contextOf(surroundings);
    return this.write(actor, (devices, at) => ({ action: 'register', at, fields: validateDevice(fields, checked, devices) }));
  }

  /** Applies the given fields; a change that alters nothing writes nothing. */
  change(ref: DeviceRef, change: Partial<DeviceFields>, surroundings: Surroundings, actor: string): Device {
    const checked = contextOf(surroundings);
    return this.write(actor, (devices, at) => {
      const old = findDevice(devices, ref);
      const valid = validateDevice({ ...fieldsOf(old), ...change }, checked, devices.filter((d) => d.id !== old.id));
      if (JSON.stringify(valid) === JSON.stringify(fieldsOf(old))) return { action: 'none', device: old };
      return { action: 'change', at, old, fields: valid };
    });
  }

  remove(ref: DeviceRef, actor: string): Device {
    return this.write(actor, (devices, at) => ({ action: 'remove', at, old: findDevice(devices, ref) }));
  }

  /** Audit entries, newest first. */
  audit(limit = 100): DeviceAuditEntry[] {
    return this.repository().audit(limit);
  }

  private write(actor: string, decide: (devices: Device[], at: string) => DeviceChange): Device {
    if (actor.trim() === '') throw new TypeError('a device change needs an actor');
    return this.repository().write(actor, (devices) => decide(devices, this.deps.now().toISOString()));
  }

  private repository(): DeviceRepository {
    const repository = this.deps.devices();
    if (!repository) throw new DeviceError('TIBOX_DEVICE_STORE_UNAVAILABLE', { reason: 'the database is not open' });
    return repository;
  }
}

/** By id, or by name in any case (as validation compares names, beyond ASCII too). */
function findDevice(devices: readonly Device[], ref: DeviceRef): Device {
  const key = typeof ref === 'string' ? ref.toLowerCase() : undefined;
  const device = devices.find((d) => (key === undefined ? d.id === ref : d.name.toLowerCase() === key));
  if (!device) throw new DeviceError('TIBOX_DEVICE_NOT_FOUND', { device: String(ref) });
  return device;
}

function contextOf({ halves, boxPorts }: Surroundings): RegistrationContext {
  if (!halves) throw new DeviceError('TIBOX_DEVICE_NO_SEGMENT', {});
  return { halves: checkHalves(halves), boxPorts };
}

function fieldsOf(device: Device): DeviceFields {
  return { kind: device.kind, name: device.name, address: device.address, mac: device.mac, cetpPorts: device.cetpPorts };
}
