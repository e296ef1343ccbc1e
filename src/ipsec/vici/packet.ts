// VICI packet and transport layers (README "Transport protocol", "Packet layer"). A packet is
// a type byte, an 8-bit-length name for the named types, then a message for the types that
// carry one. On the stream each packet is framed by a 32-bit big-endian length of at most
// 512 KiB. FrameDecoder cuts a byte stream into packets whatever the chunk boundaries.
import { ViciEncodeError, ViciProtocolError } from './errors.ts';
import { ByteReader, checkName, decodeMessageAt, encodeMessage } from './codec.ts';
import type { ViciMessage } from './message.ts';

export const PacketType = {
  CMD_REQUEST: 0,
  CMD_RESPONSE: 1,
  CMD_UNKNOWN: 2,
  EVENT_REGISTER: 3,
  EVENT_UNREGISTER: 4,
  EVENT_CONFIRM: 5,
  EVENT_UNKNOWN: 6,
  EVENT: 7,
} as const;

type T = typeof PacketType;

export type ViciPacket =
  | { readonly type: T['CMD_REQUEST'] | T['EVENT']; readonly name: string; readonly message: ViciMessage }
  | { readonly type: T['CMD_RESPONSE']; readonly message: ViciMessage }
  | { readonly type: T['EVENT_REGISTER'] | T['EVENT_UNREGISTER']; readonly name: string }
  | { readonly type: T['CMD_UNKNOWN'] | T['EVENT_CONFIRM'] | T['EVENT_UNKNOWN'] };

/** The spec's limit on a transport segment (one packet, without its length field). */
export const MAX_PACKET_BYTES = 512 * 1024;
const LENGTH_BYTES = 4;

export function encodePacket(packet: ViciPacket): Buffer {
  const parts: Buffer[] = [Buffer.from([packet.type])];
  if ('name' in packet) {
    const name = checkName(packet.name, 'packet name');
    parts.push(Buffer.from([name.length]), name);
  }
  if ('message' in packet) parts.push(encodeMessage(packet.message));
  const bytes = Buffer.concat(parts);
  if (bytes.length > MAX_PACKET_BYTES) {
    throw new ViciEncodeError(`packet is ${bytes.length} bytes, more than ${MAX_PACKET_BYTES}`);
  }
  return bytes;
}

export function decodePacket(bytes: Uint8Array): ViciPacket {
  if (bytes.length > MAX_PACKET_BYTES) throw new ViciProtocolError(`packet of ${bytes.length} bytes exceeds ${MAX_PACKET_BYTES}`);
  const reader = new ByteReader(bytes);
  const type = reader.u8('packet type');
  const noRest = () => {
    if (!reader.done) throw new ViciProtocolError(`packet type ${type} has ${bytes.length - reader.offset} unexpected trailing bytes`);
  };
  switch (type) {
    case PacketType.CMD_REQUEST:
    case PacketType.EVENT: {
      const name = reader.name('packet name');
      return { type, name, message: decodeMessageAt(reader) };
    }
    case PacketType.CMD_RESPONSE:
      return { type, message: decodeMessageAt(reader) };
    case PacketType.EVENT_REGISTER:
    case PacketType.EVENT_UNREGISTER: {
      const name = reader.name('packet name');
      noRest();
      return { type, name };
    }
    case PacketType.CMD_UNKNOWN:
    case PacketType.EVENT_CONFIRM:
    case PacketType.EVENT_UNKNOWN:
      noRest();
      return { type };
    default:
      throw new ViciProtocolError(`unknown packet type ${type}`);
  }
}

/** A packet with its 32-bit length prefix, ready for the socket. */
export function encodeFrame(packet: ViciPacket): Buffer {
  const body = encodePacket(packet);
  const head = Buffer.alloc(LENGTH_BYTES);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/**
 * Reassembles frames from a byte stream. push() returns the packets (undecoded bodies) that the
 * new bytes complete, in order; an announced length over the limit is a ViciProtocolError, after
 * which the stream cannot be resynchronised and the decoder must be dropped. Chunks are kept as
 * received and joined once per frame, so tiny chunks cost linear, not quadratic, time.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Body length of the frame being read, once its header is complete. */
  private need: number | undefined;

  push(chunk: Uint8Array): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.need === undefined) {
        if (this.buffered < LENGTH_BYTES) break;
        const length = this.take(LENGTH_BYTES).readUInt32BE();
        if (length > MAX_PACKET_BYTES) throw new ViciProtocolError(`frame announces ${length} bytes, more than ${MAX_PACKET_BYTES}`);
        this.need = length;
      }
      if (this.buffered < this.need) break;
      frames.push(this.take(this.need));
      this.need = undefined;
    }
    return frames;
  }

  /** Bytes received but not yet part of a complete frame (a truncated stream at its end). */
  get pending(): number {
    return this.buffered + (this.need === undefined ? 0 : LENGTH_BYTES);
  }

  private take(n: number): Buffer {
    const joined = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const out = Buffer.from(joined.subarray(0, n));
    const rest = joined.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
