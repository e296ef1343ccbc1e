// VICI message encoding (README "Message format"): a flat sequence of elements, each a type
// byte, then an 8-bit-length name (SECTION_START, KEY_VALUE, LIST_START) and/or a
// 16-bit-big-endian-length value (KEY_VALUE, LIST_ITEM). Encoding refuses what the format
// cannot carry; decoding treats its input as untrusted: it never recurses, never reads past
// the end, and reports every malformation as a ViciProtocolError.
import { isUtf8 } from 'node:buffer';
import { ViciEncodeError, ViciProtocolError } from './errors.ts';
import { isList, isSection, type ViciMessage, type ViciScalar, type ViciValue } from './message.ts';

export const Element = {
  SECTION_START: 1,
  SECTION_END: 2,
  KEY_VALUE: 3,
  LIST_START: 4,
  LIST_ITEM: 5,
  LIST_END: 6,
} as const;

export const MAX_NAME_BYTES = 255;
export const MAX_VALUE_BYTES = 65_535;
/** Deepest section nesting accepted. charon's messages nest about six deep; a bound keeps
 *  hostile input from building deep trees that recursive consumers would choke on. */
export const MAX_DEPTH = 32;

const NAME_PATTERN = /^[\x20-\x7e]+$/;

/** Key, section, list and packet names: 1 to 255 printable ASCII characters. */
export function checkName(name: string, what: string): Buffer {
  if (name.length > MAX_NAME_BYTES || !NAME_PATTERN.test(name)) {
    throw new ViciEncodeError(`${what} ${JSON.stringify(name.slice(0, 40))} must be 1 to ${MAX_NAME_BYTES} printable ASCII characters`);
  }
  return Buffer.from(name, 'latin1');
}

function scalarBytes(value: ViciScalar, key: string): Buffer {
  // A lone surrogate would be sent as U+FFFD and come back different: refuse it.
  if (typeof value === 'string' && !value.isWellFormed()) throw new ViciEncodeError(`value of '${key}' is not well-formed Unicode`);
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (bytes.length > MAX_VALUE_BYTES) {
    throw new ViciEncodeError(`value of '${key}' is ${bytes.length} bytes, more than ${MAX_VALUE_BYTES}`);
  }
  return bytes;
}

function named(type: number, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, name.length]), name]);
}

function blob(value: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(value.length);
  return Buffer.concat([head, value]);
}

function encodeInto(out: Buffer[], message: ViciMessage, depth: number): void {
  for (const [key, value] of message) {
    const name = checkName(key, 'key');
    if (isSection(value)) {
      if (depth >= MAX_DEPTH) throw new ViciEncodeError(`sections nest deeper than ${MAX_DEPTH} at '${key}'`);
      out.push(named(Element.SECTION_START, name));
      encodeInto(out, value, depth + 1);
      out.push(Buffer.from([Element.SECTION_END]));
    } else if (isList(value)) {
      out.push(named(Element.LIST_START, name));
      for (const item of value) out.push(Buffer.from([Element.LIST_ITEM]), blob(scalarBytes(item, key)));
      out.push(Buffer.from([Element.LIST_END]));
    } else if (typeof value === 'string' || value instanceof Uint8Array) {
      out.push(named(Element.KEY_VALUE, name), blob(scalarBytes(value, key)));
    } else {
      throw new ViciEncodeError(`value of '${key}' is neither a string, bytes, a list nor a section`);
    }
  }
}

export function encodeMessage(message: ViciMessage): Buffer {
  const out: Buffer[] = [];
  encodeInto(out, message, 0);
  return Buffer.concat(out);
}

/** Bounds-checked reading of untrusted bytes; `what` names the field for the error. */
export class ByteReader {
  private readonly bytes: Buffer;
  private pos: number;

  constructor(bytes: Uint8Array, start = 0) {
    this.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  private take(n: number, what: string): Buffer {
    if (this.pos + n > this.bytes.length) {
      throw new ViciProtocolError(`truncated ${what} at byte ${this.pos}: needs ${n}, has ${this.bytes.length - this.pos}`);
    }
    const slice = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return slice;
  }

  u8(what: string): number {
    return this.take(1, what)[0] as number;
  }

  /** An 8-bit-length name, held to the same rule as checkName(). */
  name(what: string): string {
    const at = this.pos;
    const text = this.take(this.u8(`${what} length`), what).toString('latin1');
    if (!NAME_PATTERN.test(text)) throw new ViciProtocolError(`${what} at byte ${at} is empty or not printable ASCII`);
    return text;
  }

  /** A 16-bit-length value; a copy, so results never pin the receive buffer. */
  value(what: string): ViciScalar {
    const bytes = this.take(this.take(2, `${what} length`).readUInt16BE(), what);
    return isUtf8(bytes) ? bytes.toString('utf8') : Buffer.from(bytes);
  }
}

export function decodeMessage(bytes: Uint8Array): ViciMessage {
  return decodeMessageAt(new ByteReader(bytes));
}

/** Decodes the rest of the reader's bytes as one message. Iterative: depth costs no stack. */
export function decodeMessageAt(reader: ByteReader): ViciMessage {
  const root = new Map<string, ViciValue>();
  const open: Map<string, ViciValue>[] = [];
  let current = root;
  let list: ViciScalar[] | undefined;

  const put = (key: string, value: ViciValue, at: number) => {
    if (current.has(key)) throw new ViciProtocolError(`duplicate key '${key}' at byte ${at}`);
    current.set(key, value);
  };

  while (!reader.done) {
    const at = reader.offset;
    const type = reader.u8('element type');
    if (list !== undefined && type !== Element.LIST_ITEM && type !== Element.LIST_END) {
      throw new ViciProtocolError(`element type ${type} inside a list at byte ${at}`);
    }
    switch (type) {
      case Element.SECTION_START: {
        const name = reader.name('section name');
        if (open.length >= MAX_DEPTH) throw new ViciProtocolError(`sections nest deeper than ${MAX_DEPTH} at byte ${at}`);
        const section = new Map<string, ViciValue>();
        put(name, section, at);
        open.push(current);
        current = section;
        break;
      }
      case Element.SECTION_END: {
        const parent = open.pop();
        if (parent === undefined) throw new ViciProtocolError(`section end without an open section at byte ${at}`);
        current = parent;
        break;
      }
      case Element.KEY_VALUE: {
        const name = reader.name('key');
        put(name, reader.value(`value of '${name}'`), at);
        break;
      }
      case Element.LIST_START: {
        const name = reader.name('list name');
        list = [];
        put(name, list, at);
        break;
      }
      case Element.LIST_ITEM:
        if (list === undefined) throw new ViciProtocolError(`list item outside a list at byte ${at}`);
        list.push(reader.value('list item'));
        break;
      case Element.LIST_END:
        if (list === undefined) throw new ViciProtocolError(`list end without an open list at byte ${at}`);
        list = undefined;
        break;
      default:
        throw new ViciProtocolError(`unknown element type ${type} at byte ${at}`);
    }
  }
  if (list !== undefined) throw new ViciProtocolError('message ends inside a list');
  if (open.length > 0) throw new ViciProtocolError(`message ends with ${open.length} section(s) open`);
  return root;
}
