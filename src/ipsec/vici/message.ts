// The VICI message model: an ordered map of key → value, where a value is a scalar (string or
// raw bytes), a list of scalars, or a nested section (itself a message). Maps keep key order,
// which VICI needs in places (auth rounds, proposals) and which plain objects would break for
// integer-like keys. Decoded scalars are strings when their bytes are valid UTF-8 (re-encoding
// gives the same bytes) and Buffers otherwise, so bytes → message → bytes is exact.
import { ViciProtocolError } from './errors.ts';

export type ViciScalar = string | Uint8Array;
export type ViciList = readonly ViciScalar[];
export type ViciMessage = ReadonlyMap<string, ViciValue>;
export type ViciValue = ViciScalar | ViciList | ViciMessage;

/** Convenient input for building a message; see viciMessage() for the conversions. */
export type ViciInitScalar = string | number | boolean | Uint8Array;
export type ViciInitValue = ViciInitScalar | readonly (string | number | Uint8Array)[] | ViciInit | ViciMessage;
export interface ViciInit {
  readonly [key: string]: ViciInitValue | undefined;
}

export function isSection(value: ViciValue | undefined): value is ViciMessage {
  return value instanceof Map;
}

export function isList(value: ViciValue | undefined): value is ViciList {
  return Array.isArray(value);
}

function initScalar(value: ViciInitScalar): ViciScalar {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  return value;
}

/**
 * Builds a message from a plain object: booleans become `yes`/`no`, numbers their decimal text,
 * arrays lists, objects sections; `undefined` keys are left out. Key order is the object's,
 * except that JavaScript puts integer-like keys first: pass a Map where such keys must keep order.
 */
export function viciMessage(init: ViciInit | ViciMessage = {}): ViciMessage {
  if (init instanceof Map) return init;
  const out = new Map<string, ViciValue>();
  for (const [key, value] of Object.entries(init as ViciInit)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) out.set(key, value.map((v: string | number | Uint8Array) => initScalar(v)));
    else if (value instanceof Map) out.set(key, value);
    else if (typeof value === 'object' && !(value instanceof Uint8Array)) out.set(key, viciMessage(value as ViciInit));
    else out.set(key, initScalar(value as ViciInitScalar));
  }
  return out;
}

// Readers for charon's answers. A missing key is normal (optional fields) and gives undefined;
// a key of the wrong kind means charon and we disagree about the protocol, hence the error.
// A value that is not UTF-8 reads as latin1 (one character per byte, nothing lost).

function wrongKind(key: string, want: string): ViciProtocolError {
  return new ViciProtocolError(`expected '${key}' to be ${want}`);
}

export function getString(message: ViciMessage, key: string): string | undefined {
  const value = message.get(key);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  throw wrongKind(key, 'a value');
}

export function getSection(message: ViciMessage, key: string): ViciMessage | undefined {
  const value = message.get(key);
  if (value === undefined || isSection(value)) return value;
  throw wrongKind(key, 'a section');
}

export function getList(message: ViciMessage, key: string): string[] | undefined {
  const value = message.get(key);
  if (value === undefined) return undefined;
  if (!isList(value)) throw wrongKind(key, 'a list');
  return value.map((v) => (typeof v === 'string' ? v : Buffer.from(v).toString('latin1')));
}

/** The sub-sections of a message in order, as [name, section] pairs (scalars and lists skipped). */
export function sectionsOf(message: ViciMessage): [string, ViciMessage][] {
  const out: [string, ViciMessage][] = [];
  for (const [key, value] of message) if (isSection(value)) out.push([key, value]);
  return out;
}
