// Whether a device may be registered as given: a printable name, a unicast MAC, an address in the
// half its kind belongs to (PVS hosts in the LAN half; terminals in the terminal half, or in the
// LAN half when they stay on the practice LAN), valid CETP ports for PVS hosts and none for
// terminals, no MAC of the box's own ports, and no name, MAC or address another device already has. Pure: the checks run in a
// fixed order and the first problem is thrown as a DeviceError; nothing is ever partly accepted.
import type { BoxPort } from './boxPorts.ts';
import type { Device, DeviceFields, DeviceKind } from './device.ts';
import { DeviceError, invalidField } from './errors.ts';
import { formatIpv4, lastAddress, parseIpv4, prefixContains } from '../../core/index.ts';
import { normalizeMac } from './mac.ts';
import type { CheckedHalves, Half } from './segment.ts';

export const MAX_NAME_LENGTH = 63;
export const MAX_CETP_PORTS = 16;

const KIND_WORDS: Record<DeviceKind, string> = { pvs: 'PVS host', terminal: 'card terminal' };

/** Where a device is registered: the TI segment's halves and the box's own ports. */
export interface RegistrationContext {
  /**
   * Absent only for the devices a settings backup restores onto a box without a profile: their
   * addresses are taken as the backup holds them, and shown outside the segment until a profile
   * gives the box one that holds them, as after a new profile that moves the segment.
   */
  readonly halves: CheckedHalves | undefined;
  readonly boxPorts: readonly BoxPort[];
}

/** The fields in canonical form (MAC lower case, ports sorted), or a DeviceError. */
export function validateDevice(fields: DeviceFields, context: RegistrationContext, others: readonly Device[]): DeviceFields {
  const { halves } = context;
  const name = checkName(fields.name);
  const mac = checkMac(fields.mac);
  const own = context.boxPorts.find((port) => port.mac === mac);
  if (own) throw new DeviceError('TIBOX_DEVICE_BOX_MAC', { mac, port: own.port }, { field: 'mac', port: own.port });
  const address = checkAddress(fields.kind, fields.address, halves);
  const cetpPorts = checkPorts(fields.kind, fields.cetpPorts);
  const key = name.toLowerCase();
  for (const other of others) {
    if (other.name.toLowerCase() === key) throw duplicate('name', name, other);
    if (other.mac === mac) throw duplicate('MAC address', mac, other);
    if (other.address === address) throw duplicate('address', address, other);
  }
  return { kind: fields.kind, name, address, mac, cetpPorts };
}

/**
 * A whole set of devices that replaces the registered ones (a settings backup restored): each
 * checked as a registration against those before it in the set, so the set is refused as a whole
 * on its first problem, which names the device.
 */
export function validateDeviceSet(set: readonly DeviceFields[], context: RegistrationContext): DeviceFields[] {
  const accepted: Device[] = [];
  for (const fields of set) {
    const valid = validateDevice(fields, context, accepted);
    accepted.push({ ...valid, id: accepted.length + 1, createdAt: '', changedAt: '' });
  }
  return accepted.map(({ kind, name, address, mac, cetpPorts }) => ({ kind, name, address, mac, cetpPorts }));
}

function checkName(name: string): string {
  if (name === '') throw invalidField('name', 'must not be empty');
  if ([...name].length > MAX_NAME_LENGTH) throw invalidField('name', `must be at most ${MAX_NAME_LENGTH} characters long`);
  // The name shows up in logs, the UI and remote management: no control or format characters.
  if (/\p{C}/u.test(name)) throw invalidField('name', 'must contain printable characters only');
  if (/^\d+$/.test(name)) throw invalidField('name', 'must not be all digits (devices are also named by their number)');
  return name;
}

function checkMac(text: string): string {
  const result = normalizeMac(text);
  if ('problem' in result) throw new DeviceError('TIBOX_DEVICE_INVALID_MAC', { value: JSON.stringify(text.slice(0, 40)), reason: result.problem });
  return result.mac;
}

function checkAddress(kind: DeviceKind, text: string, halves: CheckedHalves | undefined): string {
  const address = parseIpv4(text);
  if (address === undefined) throw new DeviceError('TIBOX_DEVICE_INVALID_ADDRESS', { value: JSON.stringify(text.slice(0, 40)) });
  if (!halves) return formatIpv4(address);
  const allowed = halvesFor(kind, halves);
  const half = allowed.find((h) => prefixContains(h.prefix, address));
  if (!half) {
    throw new DeviceError('TIBOX_DEVICE_OUTSIDE_HALF', { kind: KIND_WORDS[kind], expected: allowed.map(describe).join(' or '), address: text });
  }
  const role =
    address === half.prefix.network ? 'network address' : address === lastAddress(half.prefix) ? 'broadcast address' : address === half.gateway ? "box's gateway address" : undefined;
  if (role) throw new DeviceError('TIBOX_DEVICE_RESERVED_ADDRESS', { address: text, role, half: describe(half) });
  return formatIpv4(address);
}

/** Where a device of this kind may have its address, the usual place first. */
export function halvesFor(kind: DeviceKind, halves: CheckedHalves): Half[] {
  // A terminal belongs on a terminal port; one left on the practice LAN takes a LAN-half address.
  return kind === 'pvs' ? [halves.lan] : [halves.terminal, halves.lan];
}

function describe(half: Half): string {
  return `the ${half.name} ${half.text}`;
}

function checkPorts(kind: DeviceKind, ports: readonly number[]): number[] {
  if (kind === 'terminal') {
    if (ports.length > 0) throw new DeviceError('TIBOX_DEVICE_TERMINAL_CETP', {});
    return [];
  }
  if (ports.length > MAX_CETP_PORTS) throw invalidField('cetpPorts', `must have at most ${MAX_CETP_PORTS} ports`);
  ports.forEach((port, i) => {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new DeviceError('TIBOX_DEVICE_INVALID_CETP_PORT', { value: String(port), reason: 'must be a whole number from 1 to 65535' }, { index: i });
    }
    if (ports.indexOf(port) < i) throw new DeviceError('TIBOX_DEVICE_INVALID_CETP_PORT', { value: port, reason: 'is listed twice' }, { index: i });
  });
  return [...ports].sort((a, b) => a - b);
}

function duplicate(field: string, value: string, other: Device): DeviceError {
  return new DeviceError('TIBOX_DEVICE_DUPLICATE', { field, value, other: other.name }, { field, otherId: other.id });
}
