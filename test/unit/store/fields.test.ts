// Accepted and refused values per field kind, as tables (OPNsense style): each refused value
// names the message the person who typed it will read.
import { describe, expect, it } from 'vitest';
import { checkValue, type Kind } from '../../../src/agent/store/fields.ts';

interface KindTable {
  kind: Kind;
  valid: unknown[];
  invalid: [value: unknown, message: string][];
}

const tables: Record<string, KindTable> = {
  'string 1-63, printable': {
    kind: { type: 'string', minLength: 1, maxLength: 63, pattern: '\\P{C}+', patternMessage: 'must contain printable characters only' },
    valid: ['a', 'Praxis Dr. Müller', 'x'.repeat(63), '診療所', '🙂'.repeat(63)],
    invalid: [
      ['', 'must not be empty'],
      ['x'.repeat(64), 'must be at most 63 characters long'],
      ['tab\there', 'must contain printable characters only'],
      ['line\nbreak', 'must contain printable characters only'],
      ['zero\u200bwidth', 'must contain printable characters only'],
      [42, 'must be text, got a number'],
      [null, 'must be text, got nothing (null)'],
      [['a'], 'must be text, got a list'],
    ],
  },
  'string 3-8 without pattern': {
    kind: { type: 'string', minLength: 3, maxLength: 8 },
    valid: ['abc', 'abcdefgh'],
    invalid: [['ab', 'must be at least 3 characters long']],
  },
  'string with pattern, no message': {
    kind: { type: 'string', minLength: 1, maxLength: 10, pattern: '[a-z]+' },
    valid: ['abc'],
    invalid: [['ab1', 'must match the pattern [a-z]+']],
  },
  enum: {
    kind: { type: 'enum', values: ['de', 'en'] },
    valid: ['de', 'en'],
    invalid: [
      ['fr', 'must be one of de, en; got "fr"'],
      ['DE', 'must be one of de, en; got "DE"'],
      [true, 'must be one of de, en; got true or false'],
    ],
  },
  'integer 1-65535': {
    kind: { type: 'integer', min: 1, max: 65535 },
    valid: [1, 500, 65535],
    invalid: [
      [0, 'must be between 1 and 65535'],
      [65536, 'must be between 1 and 65535'],
      [1.5, 'must be a whole number, got a number'],
      [Number.NaN, 'must be a whole number, got a number'],
      ['80', 'must be a whole number, got text'],
    ],
  },
  boolean: {
    kind: { type: 'boolean' },
    valid: [true, false],
    invalid: [
      ['true', 'must be true or false, got text'],
      [0, 'must be true or false, got a number'],
    ],
  },
  interface: {
    kind: { type: 'interface' },
    valid: ['lan0', 'eth0.100', 'br-lan', 'wlan_1', 'a', 'x'.repeat(15)],
    invalid: [
      ['', "must be an interface name: 1 to 15 letters, digits, '.', '_' or '-'"],
      ['x'.repeat(16), "must be an interface name: 1 to 15 letters, digits, '.', '_' or '-'"],
      ['eth 0', "must be an interface name: 1 to 15 letters, digits, '.', '_' or '-'"],
      ['eth/0', "must be an interface name: 1 to 15 letters, digits, '.', '_' or '-'"],
      ['..', "must be an interface name: 1 to 15 letters, digits, '.', '_' or '-'"],
      [{}, 'must be text, got a group of settings'],
    ],
  },
  ipv4: {
    kind: { type: 'ipv4' },
    valid: ['192.168.1.10', '0.0.0.0', '255.255.255.255', '10.0.0.1'],
    invalid: [
      ['256.1.1.1', 'must be an IPv4 address such as 192.168.1.10'],
      ['192.168.01.1', 'must be an IPv4 address such as 192.168.1.10'],
      ['192.168.1', 'must be an IPv4 address such as 192.168.1.10'],
      ['192.168.1.1/24', 'must be an IPv4 address such as 192.168.1.10'],
      ['fe80::1', 'must be an IPv4 address such as 192.168.1.10'],
      [' 10.0.0.1', 'must be an IPv4 address such as 192.168.1.10'],
    ],
  },
  ipv4Prefix: {
    kind: { type: 'ipv4Prefix' },
    valid: ['192.168.10.0/24', '10.0.0.0/8', '0.0.0.0/0', '172.16.5.4/32', '100.64.0.0/10'],
    invalid: [
      ['192.168.10.1/24', 'has host bits set; the network is 192.168.10.0/24'],
      ['10.1.0.0/8', 'has host bits set; the network is 10.0.0.0/8'],
      ['192.168.10.0/33', 'must be an IPv4 network such as 192.168.10.0/24'],
      ['192.168.10.0', 'must be an IPv4 network such as 192.168.10.0/24'],
      ['192.168.10.0/024', 'must be an IPv4 network such as 192.168.10.0/24'],
      ['300.1.1.0/24', 'must be an IPv4 network such as 192.168.10.0/24'],
    ],
  },
};

describe('checkValue', () => {
  for (const [name, { kind, valid, invalid }] of Object.entries(tables)) {
    describe(name, () => {
      it.each(valid.map((v) => [v]))('accepts %j', (value) => {
        expect(checkValue(kind, value, 'f')).toEqual([]);
      });
      it.each(invalid)('refuses %j', (value, message) => {
        expect(checkValue(kind, value, 'f')).toEqual([{ path: 'f', message }]);
      });
    });
  }

  describe('list of interfaces, 0-2 entries, unique', () => {
    const kind: Kind = { type: 'list', of: { type: 'interface' }, minItems: 0, maxItems: 2, unique: true };
    it.each([[[]], [['term0']], [['term0', 'term1']]])('accepts %j', (value) => {
      expect(checkValue(kind, value, 't')).toEqual([]);
    });
    it.each<[unknown, { path: string; message: string }[]]>([
      ['term0', [{ path: 't', message: 'must be a list, got text' }]],
      [['a', 'b', 'c'], [{ path: 't', message: 'must have at most 2 entries' }]],
      [['term0', 'term0'], [{ path: 't[1]', message: 'repeats "term0"' }]],
      [['ok', 'bad name'], [{ path: 't[1]', message: "must be an interface name: 1 to 15 letters, digits, '.', '_' or '-'" }]],
      [[7], [{ path: 't[0]', message: 'must be text, got a number' }]],
    ])('refuses %j', (value, errors) => {
      expect(checkValue(kind, value, 't')).toEqual(errors);
    });
  });

  it('counts a minimum of entries in plain words', () => {
    const kind: Kind = { type: 'list', of: { type: 'ipv4' }, minItems: 1, maxItems: 4, unique: false };
    expect(checkValue(kind, [], 'dns')).toEqual([{ path: 'dns', message: 'must have at least 1 entry' }]);
    expect(checkValue(kind, ['10.0.0.1', '10.0.0.1'], 'dns')).toEqual([]);
  });
});
