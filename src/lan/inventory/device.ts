// What a registered device is, and how a registration or a change is read from the JSON a caller
// sends (control API, CLI, web UI). Reading checks shapes and types only; validate.ts decides
// whether the values fit the TI segment and the devices already registered.
import { invalidField } from './errors.ts';

export type DeviceKind = 'pvs' | 'terminal';

export const DEVICE_KINDS: readonly DeviceKind[] = ['pvs', 'terminal'];

/** What a registration sets. */
export interface DeviceFields {
  readonly kind: DeviceKind;
  readonly name: string;
  /** The TI address: a PVS host's second address, or a terminal's static address. */
  readonly address: string;
  readonly mac: string;
  /** TCP ports the connector delivers CETP events to (PVS hosts only). */
  readonly cetpPorts: readonly number[];
}

export interface Device extends DeviceFields {
  readonly id: number;
  /** ISO times. */
  readonly createdAt: string;
  readonly changedAt: string;
}

/** A device is named by its id or its name; names are never all digits, so the two cannot clash. */
export type DeviceRef = number | string;

const FIELDS = ['kind', 'name', 'address', 'mac', 'cetpPorts'] as const;

export function readRegistration(args: unknown): DeviceFields {
  const input = readObject(args, FIELDS);
  for (const key of ['kind', 'name', 'address', 'mac'] as const) {
    if (input[key] === undefined) throw invalidField(key, 'is missing');
  }
  return {
    kind: readKind(input.kind),
    name: readText(input.name, 'name'),
    address: readText(input.address, 'address'),
    mac: readText(input.mac, 'mac'),
    cetpPorts: input.cetpPorts === undefined ? [] : readPorts(input.cetpPorts),
  };
}

/** `{ device, ...fields to change }`; at least one field. */
export function readChange(args: unknown): { device: DeviceRef; change: Partial<DeviceFields> } {
  const input = readObject(args, ['device', ...FIELDS]);
  const device = readRef(input);
  const change: { -readonly [K in keyof DeviceFields]?: DeviceFields[K] } = {};
  if (input.kind !== undefined) change.kind = readKind(input.kind);
  if (input.name !== undefined) change.name = readText(input.name, 'name');
  if (input.address !== undefined) change.address = readText(input.address, 'address');
  if (input.mac !== undefined) change.mac = readText(input.mac, 'mac');
  if (input.cetpPorts !== undefined) change.cetpPorts = readPorts(input.cetpPorts);
  if (Object.keys(change).length === 0) throw invalidField('(change)', `name at least one of ${FIELDS.join(', ')} to change`);
  return { device, change };
}

/** `{ device }` and the other keys an action allows, unchecked. */
export function readDeviceArgs(args: unknown, optional: readonly string[] = []): { device: DeviceRef; options: Record<string, unknown> } {
  const input = readObject(args, ['device', ...optional]);
  const options = Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'device'));
  return { device: readRef(input), options };
}

function readRef(input: Record<string, unknown>): DeviceRef {
  const device = input.device;
  if (typeof device === 'number' && Number.isSafeInteger(device) && device > 0) return device;
  if (typeof device === 'string' && device.trim() !== '') return /^\d+$/.test(device.trim()) ? Number(device.trim()) : device.trim();
  throw invalidField('device', 'must name a registered device by its name or id');
}

function readObject(args: unknown, known: readonly string[]): Record<string, unknown> {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw invalidField('(arguments)', 'must be an object');
  const extra = Object.keys(args).find((key) => !known.includes(key));
  if (extra !== undefined) throw invalidField(extra, 'is not a known field');
  return args as Record<string, unknown>;
}

function readKind(value: unknown): DeviceKind {
  if (typeof value === 'string' && (DEVICE_KINDS as readonly string[]).includes(value)) return value as DeviceKind;
  throw invalidField('kind', `must be ${DEVICE_KINDS.join(' or ')}`);
}

/** Surrounding blanks are dropped: they come from copying, never from meaning. */
function readText(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalidField(field, 'must be text');
  return value.trim();
}

function readPorts(value: unknown): number[] {
  if (!Array.isArray(value)) throw invalidField('cetpPorts', 'must be a list of TCP port numbers');
  return value.map((port: unknown, i) => {
    if (typeof port !== 'number') throw invalidField(`cetpPorts[${i}]`, 'must be a number');
    return port;
  });
}
