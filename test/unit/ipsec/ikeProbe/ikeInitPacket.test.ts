// The IKE probe's request and the reading of its answer, byte by byte (RFC 7296 §3).
import { describe, expect, it } from 'vitest';
import { ikeInitRequest, readIkeInitAnswer } from '../../../../src/ipsec/ikeProbe/index.ts';

const SPI = Buffer.from('0102030405060708', 'hex');
const NONCE = Buffer.alloc(32, 0xab);

/** A gateway's NO_PROPOSAL_CHOSEN answer to SPI, with `marker` before it on UDP 4500. */
function noProposalChosen(spi: Buffer, options: { marker?: boolean; type?: number } = {}): Buffer {
  const header = Buffer.alloc(28);
  spi.copy(header, 0);
  header[16] = 41; // first payload: Notify
  header[17] = 0x20; // version 2.0
  header[18] = 34; // IKE_SA_INIT
  header[19] = 0x20; // Response
  // Notify: next none, length 8, protocol 0, SPI size 0, type.
  const notify = Buffer.from([0, 0, 0, 8, 0, 0, 0, 0]);
  notify.writeUInt16BE(options.type ?? 14, 6);
  header.writeUInt32BE(36, 24);
  return Buffer.concat([...(options.marker ? [Buffer.alloc(4)] : []), header, notify]);
}

describe('ikeInitRequest', () => {
  it('offers only DES, HMAC-MD5 and MODP 768 with a KE of that group and the nonce', () => {
    const packet = ikeInitRequest({ spi: SPI, nonce: NONCE, port: 500 });
    // Header: SPIs, next payload SA, version 2.0, IKE_SA_INIT, Initiator, message id 0, length.
    expect(packet.subarray(0, 28).toString('hex')).toBe(`${'0102030405060708'}${'00'.repeat(8)}2120220800000000${packet.length.toString(16).padStart(8, '0')}`);
    // SA: next KE, length 44; proposal: last, length 40, #1, IKE, no SPI, 4 transforms.
    expect(packet.subarray(28, 40).toString('hex')).toBe('2200002c' + '00000028' + '01010004');
    // Transforms ENCR DES (1/2), PRF HMAC-MD5 (2/1), INTEG HMAC-MD5-96 (3/1), DH MODP-768 (4/1).
    expect(packet.subarray(40, 72).toString('hex')).toBe('0300000801000002' + '0300000802000001' + '0300000803000001' + '0000000804000001');
    // KE: next Nonce, length 104, group 1, then 96 bytes; Nonce: last, length 36, the nonce.
    expect(packet.subarray(72, 80).toString('hex')).toBe('2800006800010000');
    expect(packet.subarray(176, 180).toString('hex')).toBe('00000024');
    expect(packet.subarray(180)).toEqual(NONCE);
    expect(packet.length).toBe(212);
  });

  it('puts the non-ESP marker before it on UDP 4500', () => {
    const on500 = ikeInitRequest({ spi: SPI, nonce: NONCE, port: 500 });
    const on4500 = ikeInitRequest({ spi: SPI, nonce: NONCE, port: 4500 });
    expect(on4500).toEqual(Buffer.concat([Buffer.alloc(4), on500]));
  });

  it('refuses an SPI or a nonce of the wrong size', () => {
    expect(() => ikeInitRequest({ spi: Buffer.alloc(4), nonce: NONCE, port: 500 })).toThrow(/8 bytes/);
    expect(() => ikeInitRequest({ spi: SPI, nonce: Buffer.alloc(8), port: 500 })).toThrow(/32 bytes/);
  });
});

describe('readIkeInitAnswer', () => {
  it('reads the notify of the answer to its SPI', () => {
    expect(readIkeInitAnswer(noProposalChosen(SPI), SPI, 500)).toEqual({ notify: 'NO_PROPOSAL_CHOSEN' });
    expect(readIkeInitAnswer(noProposalChosen(SPI, { marker: true }), SPI, 4500)).toEqual({ notify: 'NO_PROPOSAL_CHOSEN' });
    expect(readIkeInitAnswer(noProposalChosen(SPI, { type: 16390 }), SPI, 500)).toEqual({ notify: 'COOKIE' });
    expect(readIkeInitAnswer(noProposalChosen(SPI, { type: 9999 }), SPI, 500)).toEqual({ notify: 'notify 9999' });
  });

  it.each([
    ['another SPI', noProposalChosen(Buffer.alloc(8, 9)), 500],
    ['no marker on 4500', noProposalChosen(SPI), 4500],
    ['our own request echoed', ikeInitRequest({ spi: SPI, nonce: NONCE, port: 500 }), 500],
    ['cut short', noProposalChosen(SPI).subarray(0, 20), 500],
    ['a payload longer than the message', Buffer.concat([noProposalChosen(SPI).subarray(0, 28), Buffer.from([0, 0, 0, 99])]), 500],
  ] as const)('ignores %s', (_name, datagram, port) => {
    expect(readIkeInitAnswer(datagram, SPI, port)).toBeUndefined();
  });
});
