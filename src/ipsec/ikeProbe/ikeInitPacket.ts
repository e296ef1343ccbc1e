// An IKE_SA_INIT request that no gateway can accept, and the reading of its answer, pure. The
// function test asks each gateway with it whether IKE passes the practice router on UDP 500 and
// 4500: the request offers only DES, HMAC-MD5 and the 768-bit MODP group (RFC 7296 §3.3, long
// retired), so a gateway answers NO_PROPOSAL_CHOSEN and keeps no state for it. Any IKE response
// that carries our SPI proves that the port passes both ways and that an IKE daemon listens.
// On UDP 4500 every IKE message is preceded by four zero bytes, the non-ESP marker (RFC 3948 §2.2).

/** Payload types (RFC 7296 §3.2). */
const PAYLOAD = { none: 0, sa: 33, ke: 34, nonce: 40, notify: 41 } as const;
const IKE_SA_INIT = 34;
const IKE_VERSION = 0x20;
const FLAG_INITIATOR = 0x08;
const FLAG_RESPONSE = 0x20;
const HEADER_LENGTH = 28;
const NON_ESP_MARKER = Buffer.alloc(4);

/** Notify types a gateway may answer with (RFC 7296 §3.10.1), by name for the check's value. */
const NOTIFY_NAMES: Readonly<Record<number, string>> = {
  7: 'INVALID_SYNTAX',
  14: 'NO_PROPOSAL_CHOSEN',
  17: 'INVALID_KE_PAYLOAD',
  16390: 'COOKIE',
};

export interface IkeInitRequest {
  /** The initiator's SPI, 8 random bytes: an answer is ours when it carries it. */
  readonly spi: Buffer;
  /** 32 random bytes: the nonce, and thrice over the KE value (never used: no group is agreed). */
  readonly nonce: Buffer;
  /** 4500 prefixes the non-ESP marker. */
  readonly port: 500 | 4500;
}

/** The datagram to send. */
export function ikeInitRequest(request: IkeInitRequest): Buffer {
  if (request.spi.length !== 8) throw new Error('an IKE SPI has 8 bytes');
  if (request.nonce.length !== 32) throw new Error('the probe takes a nonce of 32 bytes');
  // Transform: more(3)/last(0), reserved, length 8, type, reserved, id.
  const transform = (last: boolean, type: number, id: number) => Buffer.from([last ? 0 : 3, 0, 0, 8, type, 0, id >> 8, id & 0xff]);
  const transforms = Buffer.concat([transform(false, 1, 2), transform(false, 2, 1), transform(false, 3, 1), transform(true, 4, 1)]);
  // Proposal: last, reserved, length, number 1, protocol IKE (1), SPI size 0, 4 transforms.
  const proposal = Buffer.concat([u8u8u16(0, 0, 8 + transforms.length), Buffer.from([1, 1, 0, 4]), transforms]);
  const sa = payload(PAYLOAD.ke, proposal);
  const keData = Buffer.concat([request.nonce, request.nonce, request.nonce]);
  // KE: DH group 1, reserved, the public value.
  const ke = payload(PAYLOAD.nonce, Buffer.concat([Buffer.from([0, 1, 0, 0]), keData]));
  const nonce = payload(PAYLOAD.none, request.nonce);
  const body = Buffer.concat([sa, ke, nonce]);
  const header = Buffer.alloc(HEADER_LENGTH);
  request.spi.copy(header, 0);
  header[16] = PAYLOAD.sa;
  header[17] = IKE_VERSION;
  header[18] = IKE_SA_INIT;
  header[19] = FLAG_INITIATOR;
  header.writeUInt32BE(HEADER_LENGTH + body.length, 24);
  const message = Buffer.concat([header, body]);
  return request.port === 4500 ? Buffer.concat([NON_ESP_MARKER, message]) : message;
}

/** What a gateway's answer said: the notify it sent, or that it took the offer (it never should). */
export interface IkeInitAnswer {
  readonly notify?: string;
}

/**
 * Reads a datagram received on the probe's socket: the answer to the request with `spi`, or
 * undefined for anything else (another message, a cut or garbled one).
 */
export function readIkeInitAnswer(datagram: Buffer, spi: Buffer, port: 500 | 4500): IkeInitAnswer | undefined {
  let message = datagram;
  if (port === 4500) {
    if (datagram.length < 4 || !datagram.subarray(0, 4).equals(NON_ESP_MARKER)) return undefined;
    message = datagram.subarray(4);
  }
  if (message.length < HEADER_LENGTH || !message.subarray(0, 8).equals(spi)) return undefined;
  if (message[17] !== IKE_VERSION || message[18] !== IKE_SA_INIT || ((message[19] ?? 0) & FLAG_RESPONSE) === 0) return undefined;
  let next = message[16] ?? PAYLOAD.none;
  let at = HEADER_LENGTH;
  while (next !== PAYLOAD.none && at + 4 <= message.length) {
    const length = message.readUInt16BE(at + 2);
    if (length < 4 || at + length > message.length) return undefined;
    if (next === PAYLOAD.notify && length >= 8) {
      const type = message.readUInt16BE(at + 6);
      return { notify: NOTIFY_NAMES[type] ?? `notify ${type}` };
    }
    next = message[at] ?? PAYLOAD.none;
    at += length;
  }
  return {};
}

function payload(next: number, body: Buffer): Buffer {
  return Buffer.concat([u8u8u16(next, 0, 4 + body.length), body]);
}

function u8u8u16(a: number, b: number, c: number): Buffer {
  return Buffer.from([a, b, c >> 8, c & 0xff]);
}
