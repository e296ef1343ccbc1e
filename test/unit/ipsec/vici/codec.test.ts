// Golden bytes of the VICI codec, checked both ways (encode → exact bytes, bytes → exact
// message), and the refusals of encoder and decoder.
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, MAX_DEPTH } from '../../../../src/ipsec/vici/codec.ts';
import { ViciEncodeError, ViciProtocolError } from '../../../../src/ipsec/vici/errors.ts';
import { viciMessage, type ViciMessage, type ViciValue } from '../../../../src/ipsec/vici/message.ts';
import { decodePacket, encodeFrame, encodePacket, FrameDecoder, MAX_PACKET_BYTES, PacketType, type ViciPacket } from '../../../../src/ipsec/vici/packet.ts';
import { tree } from './tree.ts';

const s = (text: string) => [...Buffer.from(text, 'latin1')];

// The encoding example of the spec (README "Encoding example"), byte for byte.
const specExample = viciMessage({
  key1: 'value1',
  section1: { 'sub-section': { key2: 'value2' }, list1: ['item1', 'item2'] },
});
const specBytes = Buffer.from([
  3, 4, ...s('key1'), 0, 6, ...s('value1'), //     KEY_VALUE, name length 4, name, value length 6 (16 bit), value
  1, 8, ...s('section1'), //                      SECTION_START, name length 8, name
  1, 11, ...s('sub-section'), //                  SECTION_START, nested
  3, 4, ...s('key2'), 0, 6, ...s('value2'), //     KEY_VALUE inside sub-section
  2, //                                           SECTION_END closes sub-section
  4, 5, ...s('list1'), //                         LIST_START, name length 5, name
  5, 0, 5, ...s('item1'), //                      LIST_ITEM, value length 5, value
  5, 0, 5, ...s('item2'), //                      LIST_ITEM
  6, //                                           LIST_END
  2, //                                           SECTION_END closes section1
]);

describe('message codec golden bytes', () => {
  it('encodes the spec example to its exact bytes', () => {
    expect(encodeMessage(specExample)).toEqual(specBytes);
  });

  it('decodes the spec example bytes to the exact message, in order', () => {
    expect(tree(decodeMessage(specBytes))).toEqual([
      ['key1', 'value1'],
      ['section1', [['sub-section', [['key2', 'value2']]], ['list1', ['item1', 'item2']]]],
    ]);
  });

  const binary = new Map<string, ViciValue>([
    ['10', 'first'], // an integer-like key stays where it was put (a plain object would move it)
    ['data', Buffer.from([0x30, 0x82, 0xff])], // not UTF-8: stays bytes
    ['empty', []],
    ['umlaut', 'Grüße'],
  ]);
  const binaryBytes = Buffer.from([
    3, 2, ...s('10'), 0, 5, ...s('first'),
    3, 4, ...s('data'), 0, 3, 0x30, 0x82, 0xff,
    4, 5, ...s('empty'), 6, //                      an empty list is LIST_START then LIST_END
    3, 6, ...s('umlaut'), 0, 7, 0x47, 0x72, 0xc3, 0xbc, 0xc3, 0x9f, 0x65, // UTF-8: 7 bytes for 5 characters
  ]);

  it('keeps key order, raw bytes, empty lists and UTF-8 both ways', () => {
    expect(encodeMessage(binary)).toEqual(binaryBytes);
    expect(tree(decodeMessage(binaryBytes))).toEqual([['10', 'first'], ['data', { hex: '3082ff' }], ['empty', []], ['umlaut', 'Grüße']]);
  });

  it('builds messages from plain objects: yes/no, numbers, undefined left out', () => {
    expect(tree(viciMessage({ a: true, b: false, c: 500, d: undefined, e: [1, 'x'] }))).toEqual([
      ['a', 'yes'], ['b', 'no'], ['c', '500'], ['e', ['1', 'x']],
    ]);
  });
});

describe('packet and frame golden bytes', () => {
  const cases: { name: string; packet: ViciPacket; bytes: number[] }[] = [
    // length 9 (32 bit), CMD_REQUEST, name length 7, name, empty message
    { name: 'CMD_REQUEST', packet: { type: PacketType.CMD_REQUEST, name: 'version', message: new Map() }, bytes: [0, 0, 0, 9, 0, 7, ...s('version')] },
    // length 15: CMD_RESPONSE (unnamed, 1) + KEY_VALUE 1 + name length 1 + 7 + value length 2 + 3
    { name: 'CMD_RESPONSE', packet: { type: PacketType.CMD_RESPONSE, message: viciMessage({ success: 'yes' }) }, bytes: [0, 0, 0, 15, 1, 3, 7, ...s('success'), 0, 3, ...s('yes')] },
    // length 1, CMD_UNKNOWN: the type byte only
    { name: 'CMD_UNKNOWN', packet: { type: PacketType.CMD_UNKNOWN }, bytes: [0, 0, 0, 1, 2] },
    // length 12, EVENT_REGISTER, name length 10, name, no message
    { name: 'EVENT_REGISTER', packet: { type: PacketType.EVENT_REGISTER, name: 'ike-updown' }, bytes: [0, 0, 0, 12, 3, 10, ...s('ike-updown')] },
    { name: 'EVENT_UNREGISTER', packet: { type: PacketType.EVENT_UNREGISTER, name: 'log' }, bytes: [0, 0, 0, 5, 4, 3, ...s('log')] },
    { name: 'EVENT_CONFIRM', packet: { type: PacketType.EVENT_CONFIRM }, bytes: [0, 0, 0, 1, 5] },
    { name: 'EVENT_UNKNOWN', packet: { type: PacketType.EVENT_UNKNOWN }, bytes: [0, 0, 0, 1, 6] },
    // length 14, EVENT, name length 3, name, message up = yes
    { name: 'EVENT', packet: { type: PacketType.EVENT, name: 'log', message: viciMessage({ up: 'yes' }) }, bytes: [0, 0, 0, 14, 7, 3, ...s('log'), 3, 2, ...s('up'), 0, 3, ...s('yes')] },
  ];

  for (const c of cases) {
    it(`${c.name} both ways`, () => {
      const bytes = Buffer.from(c.bytes);
      expect(encodeFrame(c.packet)).toEqual(bytes);
      const [body, ...rest] = new FrameDecoder().push(bytes);
      expect(rest).toEqual([]);
      const back = decodePacket(body as Buffer);
      expect({ ...back, ...('message' in back ? { message: tree(back.message) } : {}) })
        .toEqual({ ...c.packet, ...('message' in c.packet ? { message: tree(c.packet.message) } : {}) });
    });
  }
});

describe('the encoder refuses what VICI cannot carry', () => {
  const deep = (n: number): ViciMessage => (n === 0 ? new Map() : new Map([['s', deep(n - 1)]]));
  const cases: [string, ViciMessage | (() => Buffer), RegExp][] = [
    ['a 65536-byte value', viciMessage({ v: 'x'.repeat(65_536) }), /65536 bytes, more than 65535/],
    ['a 256-character key', viciMessage({ ['k'.repeat(256)]: 'v' }), /1 to 255 printable ASCII/],
    ['an empty key', viciMessage({ '': 'v' }), /1 to 255 printable ASCII/],
    ['a non-ASCII key', viciMessage({ 'schlüssel': 'v' }), /printable ASCII/],
    ['a lone surrogate', viciMessage({ k: '\ud800' }), /not well-formed Unicode/],
    ['sections too deep', deep(MAX_DEPTH + 1), /nest deeper than 32/],
    ['a packet over 512 KiB', () => encodePacket({ type: PacketType.CMD_RESPONSE, message: new Map(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'x'.repeat(65_000)])) }), /more than 524288/],
    ['a non-ASCII packet name', () => encodePacket({ type: PacketType.EVENT_REGISTER, name: 'ike-üpdown' }), /packet name/],
  ];
  for (const [name, input, message] of cases) {
    it(`refuses ${name}`, () => {
      const run = typeof input === 'function' ? input : () => encodeMessage(input);
      expect(run).toThrow(ViciEncodeError);
      expect(run).toThrow(message);
    });
  }

  it('accepts the limits themselves', () => {
    const bytes = encodeMessage(new Map([['k'.repeat(255), 'x'.repeat(65_535)]]));
    expect(bytes.length).toBe(1 + 1 + 255 + 2 + 65_535);
    expect(() => encodeMessage(deep(MAX_DEPTH))).not.toThrow();
  });
});

describe('the decoder reports malformed input as ViciProtocolError', () => {
  const cases: [string, number[], RegExp][] = [
    ['a section end without a start', [2], /section end without an open section at byte 0/],
    ['an unclosed section', [1, 1, ...s('a')], /1 section\(s\) open/],
    ['a list item outside a list', [5, 0, 0], /list item outside a list/],
    ['a list end without a list', [6], /list end without an open list/],
    ['a list inside a list', [4, 1, ...s('a'), 4, 1, ...s('b')], /inside a list/],
    ['a key/value inside a list', [4, 1, ...s('a'), 3, 1, ...s('b'), 0, 0], /inside a list/],
    ['an unclosed list', [4, 1, ...s('a'), 5, 0, 1, ...s('x')], /ends inside a list/],
    ['a truncated name length', [3], /truncated key length at byte 1/],
    ['a truncated name', [3, 5, ...s('ab')], /truncated key at byte 2: needs 5, has 2/],
    ['a truncated value length', [3, 1, ...s('a'), 0], /truncated value of 'a' length/],
    ['a truncated value', [3, 1, ...s('a'), 0, 9, ...s('abc')], /needs 9, has 3/],
    ['an empty name', [3, 0, 0, 0], /empty or not printable ASCII/],
    ['a control character in a name', [3, 1, 0x0a, 0, 0], /not printable ASCII/],
    ['a duplicate key', [3, 1, ...s('a'), 0, 0, 3, 1, ...s('a'), 0, 0], /duplicate key 'a'/],
    ['an unknown element type', [9], /unknown element type 9/],
    ['sections too deep', Array.from({ length: MAX_DEPTH + 1 }, () => [1, 1, ...s('s')]).flat(), /nest deeper than 32/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`message: ${name}`, () => {
      const run = () => decodeMessage(Buffer.from(bytes));
      expect(run).toThrow(ViciProtocolError);
      expect(run).toThrow(message);
    });
  }

  const packets: [string, number[], RegExp][] = [
    ['an empty packet', [], /truncated packet type/],
    ['an unknown packet type', [8], /unknown packet type 8/],
    ['trailing bytes after EVENT_CONFIRM', [5, 0], /1 unexpected trailing bytes/],
    ['trailing bytes after a registration name', [3, 1, ...s('a'), 1], /trailing/],
    ['a missing event name', [7], /truncated packet name length/],
  ];
  for (const [name, bytes, message] of packets) {
    it(`packet: ${name}`, () => {
      const run = () => decodePacket(Buffer.from(bytes));
      expect(run).toThrow(ViciProtocolError);
      expect(run).toThrow(message);
    });
  }

  it('frame: a length over 512 KiB is refused before any body arrives', () => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(MAX_PACKET_BYTES + 1);
    expect(() => new FrameDecoder().push(head)).toThrow(ViciProtocolError);
  });

  it('frame: a partial frame waits and counts as pending', () => {
    const frames = new FrameDecoder();
    expect(frames.push(Buffer.from([0, 0, 0, 3, 5]))).toEqual([]);
    expect(frames.pending).toBe(5);
    expect(frames.push(Buffer.from([5, 5, 0]))).toEqual([Buffer.from([5, 5, 5])]);
    expect(frames.pending).toBe(1);
  });
});
