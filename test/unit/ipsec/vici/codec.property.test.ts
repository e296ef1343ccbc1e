// Property tests: exact round trips, hostile bytes only ever give ViciProtocolError, and the
// frame decoder is indifferent to chunk boundaries.
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../../src/ipsec/vici/codec.ts';
import { ViciProtocolError } from '../../../../src/ipsec/vici/errors.ts';
import { isList, isSection, type ViciMessage, type ViciScalar, type ViciValue } from '../../../../src/ipsec/vici/message.ts';
import { decodePacket, encodeFrame, FrameDecoder, PacketType, type ViciPacket } from '../../../../src/ipsec/vici/packet.ts';
import { tree } from './tree.ts';

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const name = fc.string({ unit: printable, minLength: 1, maxLength: 12 });
const scalar: fc.Arbitrary<ViciScalar> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)),
);

const { message } = fc.letrec<{ message: ViciMessage; value: ViciValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(scalar, { maxLength: 4 }),
    tie('message'),
  ),
  message: fc
    .uniqueArray(fc.tuple(name, tie('value')), { maxLength: 5, selector: ([k]) => k })
    .map((entries) => new Map(entries)),
}));

/** What decoding gives back: bytes that are valid UTF-8 come back as strings. */
function normalised(m: ViciMessage): ViciMessage {
  const one = (v: ViciScalar): ViciScalar => (typeof v !== 'string' && isUtf8(v) ? Buffer.from(v).toString('utf8') : v);
  return new Map([...m].map(([k, v]): [string, ViciValue] => [k, isSection(v) ? normalised(v) : isList(v) ? v.map(one) : one(v)]));
}

const packet: fc.Arbitrary<ViciPacket> = fc.oneof(
  fc.record({ type: fc.constantFrom(PacketType.CMD_REQUEST, PacketType.EVENT), name, message }),
  fc.record({ type: fc.constant(PacketType.CMD_RESPONSE), message }),
  fc.record({ type: fc.constantFrom(PacketType.EVENT_REGISTER, PacketType.EVENT_UNREGISTER), name }),
  fc.record({ type: fc.constantFrom(PacketType.CMD_UNKNOWN, PacketType.EVENT_CONFIRM, PacketType.EVENT_UNKNOWN) }),
);

/** Runs f and fails the property on any throw other than ViciProtocolError. */
function onlyProtocolErrors(f: () => unknown): void {
  try {
    f();
  } catch (error) {
    if (!(error instanceof ViciProtocolError)) throw error;
  }
}

describe('codec properties', () => {
  it('message → bytes → message is exact (order, strings, bytes)', () => {
    fc.assert(fc.property(message, (m) => {
      expect(tree(decodeMessage(encodeMessage(m)))).toEqual(tree(normalised(m)));
    }), { numRuns: 500 });
  });

  it('bytes → message → bytes is exact for anything the encoder produced', () => {
    fc.assert(fc.property(message, (m) => {
      const bytes = encodeMessage(m);
      expect(encodeMessage(decodeMessage(bytes))).toEqual(bytes);
    }), { numRuns: 500 });
  });

  it('random bytes give a message or a ViciProtocolError, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      onlyProtocolErrors(() => decodeMessage(bytes));
      onlyProtocolErrors(() => decodePacket(bytes));
      onlyProtocolErrors(() => new FrameDecoder().push(bytes).map(decodePacket));
    }), { numRuns: 2000 });
  });

  it('random element soup (valid type bytes, short lengths) never throws anything else', () => {
    const element = fc.oneof(
      fc.constantFrom(1, 2, 3, 4, 5, 6).map((t) => [t]),
      fc.tuple(fc.constantFrom(1, 3, 4), fc.integer({ min: 0, max: 3 })).map(([t, n]) => [t, n, ...Array<number>(n).fill(0x61)]),
      fc.tuple(fc.constantFrom(3, 5), fc.integer({ min: 0, max: 2 })).map(([t, n]) => [t, 1, 0x6b, 0, n, ...Array<number>(n).fill(0x76)]),
    );
    fc.assert(fc.property(fc.array(element, { maxLength: 30 }), (parts) => {
      onlyProtocolErrors(() => decodeMessage(Buffer.from(parts.flat())));
    }), { numRuns: 2000 });
  });

  it('truncated and mutated valid packets give a packet or a ViciProtocolError', () => {
    fc.assert(fc.property(packet, fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (p, cut, flips) => {
      const frame = encodeFrame(p);
      const body = frame.subarray(4);
      onlyProtocolErrors(() => decodePacket(body.subarray(0, cut % (body.length + 1))));
      const mutated = Buffer.from(frame);
      for (const [at, byte] of flips) mutated[at % mutated.length] = byte;
      onlyProtocolErrors(() => new FrameDecoder().push(mutated).map(decodePacket));
    }), { numRuns: 1000 });
  });

  it('the frame decoder yields the same packets for any chunking', () => {
    fc.assert(fc.property(fc.array(packet, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 10 }), (packets, cuts) => {
      const stream = Buffer.concat(packets.map(encodeFrame));
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const frames = new FrameDecoder();
      const got: Buffer[] = [];
      let from = 0;
      for (const to of [...points, stream.length]) {
        got.push(...frames.push(stream.subarray(from, to)));
        from = to;
      }
      expect(frames.pending).toBe(0);
      expect(got.map((b) => b.toString('hex'))).toEqual(packets.map((p) => encodeFrame(p).subarray(4).toString('hex')));
    }), { numRuns: 500 });
  });

  it('a 512 KiB frame fed one byte at a time takes linear time', () => {
    const body = Buffer.alloc(512 * 1024, 0x41);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    const stream = Buffer.concat([head, body]);
    const frames = new FrameDecoder();
    const started = Date.now();
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) got.push(...frames.push(stream.subarray(i, i + 1)));
    expect(got).toHaveLength(1);
    expect(got[0]?.equals(body)).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
