// The SICCT service discovery's packets, byte for byte as TeleTrusT SICCT 1.3.0 (6.2.3) and
// gemSpec_KT lay them out: the request the box sends, and descriptions as terminals send them,
// with fields in any order after the version, unknown fields ignored, and broken ones refused in
// words.
import { describe, expect, it } from 'vitest';
import { encodeServiceRequest, parseServiceDescription } from '../../../../src/lan/inventory/sicctDiscovery.ts';

/** A TLV field in hex: its tag, its length and its value. */
const tlv = (tag: string, value: string) => `${tag}${(value.length / 2).toString(16).padStart(2, '0')}${value}`;
const packet = (...fields: string[]) => Buffer.from(tlv('a1', fields.join('')), 'hex');
const VERSION = tlv('80', '011e');
const ADDRESS = tlv('81', '0a4d0c28');
const MAC = tlv('83', '000df8010203');
const PORT = tlv('82', '1286');
/** A description: version 1.30, 10.77.12.40, 00:0d:f8:01:02:03, "Foo-Bar-4711" (gemSpec_KT's example name), port 4742, TLS 1.2 and 1.3. */
const DESCRIPTION = packet(VERSION, ADDRESS, MAC, tlv('84', '466f6f2d4261722d34373131'), PORT, tlv('a3', tlv('8a', '30') + tlv('8a', '40')));

describe('SICCT service discovery', () => {
  it('writes the service request: version 1.30, the client address and its port', () => {
    expect(encodeServiceRequest('10.77.12.33', 40001).toString('hex')).toBe('a00e' + '8002011e' + '81040a4d0c21' + '82029c41');
    expect(() => encodeServiceRequest('fe80::1', 4742)).toThrow('fe80::1 is not an IPv4 address');
  });

  it('reads a terminal\'s service description', () => {
    expect(parseServiceDescription(DESCRIPTION)).toEqual({ version: '1.30', address: '10.77.12.40', mac: '00:0d:f8:01:02:03', name: 'Foo-Bar-4711', port: 4742, tls: ['1.2', '1.3'] });
  });

  it('takes fields in any order after the version, ignores unknown ones, and reads a terminal without TLS', () => {
    const reordered = packet(VERSION, PORT, tlv('84', '41'), tlv('99', 'beef'), MAC, ADDRESS);
    expect(parseServiceDescription(reordered)).toEqual({ version: '1.30', address: '10.77.12.40', mac: '00:0d:f8:01:02:03', name: 'A', port: 4742, tls: [] });
  });

  it.each([
    ['a request, not a description', Buffer.from('a00e8002011e81040a4d0c2182029c41', 'hex'), 'not a SICCT service description (first tag a0)'],
    ['the version not first', packet(ADDRESS, VERSION, MAC, PORT, tlv('84', '41')), 'does not begin with its protocol version'],
    ['no MAC', packet(VERSION, ADDRESS, PORT, tlv('84', '41')), 'has no MAC address'],
    ['a MAC of 4 bytes', packet(VERSION, ADDRESS, PORT, tlv('83', '000df801'), tlv('84', '41')), 'MAC address has 4 bytes, not 6'],
    ['a name with a control character', packet(VERSION, ADDRESS, PORT, MAC, tlv('84', '07')), 'not 1 to 32 printable ASCII characters'],
    ['a name of 33 characters', packet(VERSION, ADDRESS, PORT, MAC, tlv('84', '41'.repeat(33))), 'not 1 to 32 printable ASCII characters'],
    ['cut short', DESCRIPTION.subarray(0, 20), 'cut short'],
    ['nothing', Buffer.alloc(0), 'first tag missing'],
  ])('refuses %s in words', (_name, packet, message) => {
    expect(() => parseServiceDescription(packet)).toThrow(message);
  });
});
