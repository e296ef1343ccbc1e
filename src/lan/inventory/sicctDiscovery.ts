// The SICCT service discovery's packets (TeleTrusT SICCT 1.3.0, 6.2.3; gemSpec_KT 3.7.8), pure.
// A client asks with a service request (TLV 'A0': protocol version, its own IPv4 address and the
// UDP port for the answer); a terminal answers, or announces itself by broadcast, with a service
// description (TLV 'A1': protocol version first, then its IPv4 address, MAC, SICCT terminal name
// of at most 32 ASCII characters, the command interpreter's TCP port and, optionally, the secure
// protocols it offers). Model and firmware are not part of it: the SICCT specification and the
// gematik's add no field for them, so the box cannot learn them from a terminal's announcement.
import { isIPv4 } from 'node:net';

/** Version 1.30 of the discovery protocol: major 1, minor 30, in network byte order. */
export const DISCOVERY_VERSION = 0x011e;

export interface ServiceDescription {
  /** The protocol version, as "1.30". */
  readonly version: string;
  readonly address: string;
  /** Lower case, colon separated. */
  readonly mac: string;
  readonly name: string;
  readonly port: number;
  /** The TLS versions it offers ("1.2", "1.3"); none: it speaks without TLS. */
  readonly tls: readonly string[];
}

const TAG = { request: 0xa0, description: 0xa1, version: 0x80, address: 0x81, port: 0x82, mac: 0x83, name: 0x84, security: 0xa3, tls: 0x8a } as const;
/** The TLS versions by their byte in the secure protocol field (SICCT table 28, gemSpec_KT DO_KT_0006). */
const TLS_VERSIONS: Readonly<Record<number, string>> = { 0x10: '1.0', 0x20: '1.1', 0x30: '1.2', 0x40: '1.3' };
const MAX_NAME = 32;

/** The service request a client sends to a terminal's UDP 4742, naming where the answer goes. */
export function encodeServiceRequest(clientAddress: string, clientPort: number): Buffer {
  if (!isIPv4(clientAddress)) throw new Error(`${clientAddress} is not an IPv4 address`);
  const body = Buffer.concat([
    tlv(TAG.version, u16(DISCOVERY_VERSION)),
    tlv(TAG.address, Buffer.from(clientAddress.split('.').map(Number))),
    tlv(TAG.port, u16(clientPort)),
  ]);
  return tlv(TAG.request, body);
}

/** A service description as a terminal sends it; throws, in words, on anything else. */
export function parseServiceDescription(packet: Buffer): ServiceDescription {
  const [outer] = readTlvs(packet);
  if (outer?.tag !== TAG.description) throw new Error(`not a SICCT service description (first tag ${outer === undefined ? 'missing' : hex(outer.tag)})`);
  const fields = readTlvs(outer.value);
  // The version comes first, so a reader knows which fields follow.
  const first = fields[0];
  if (first?.tag !== TAG.version || first.value.length !== 2) throw new Error('the service description does not begin with its protocol version');
  const field = (tag: number, length: number | undefined, what: string): Buffer => {
    const found = fields.find((f) => f.tag === tag);
    if (!found) throw new Error(`the service description has no ${what}`);
    if (length !== undefined && found.value.length !== length) throw new Error(`the service description's ${what} has ${found.value.length} bytes, not ${length}`);
    return found.value;
  };
  const name = field(TAG.name, undefined, 'terminal name');
  if (name.length < 1 || name.length > MAX_NAME || [...name].some((b) => b < 0x20 || b > 0x7e)) throw new Error('the service description\'s terminal name is not 1 to 32 printable ASCII characters');
  const security = fields.find((f) => f.tag === TAG.security);
  const tls = security ? readTlvs(security.value).filter((f) => f.tag === TAG.tls && f.value.length === 1).map((f) => TLS_VERSIONS[f.value[0] ?? 0] ?? `0x${hex(f.value[0] ?? 0)}`) : [];
  return {
    version: `${first.value[0]}.${String(first.value[1]).padStart(2, '0')}`,
    address: [...field(TAG.address, 4, 'IPv4 address')].join('.'),
    mac: [...field(TAG.mac, 6, 'MAC address')].map(hex).join(':'),
    name: name.toString('latin1'),
    port: field(TAG.port, 2, 'command port').readUInt16BE(0),
    tls,
  };
}

interface Tlv {
  readonly tag: number;
  readonly value: Buffer;
}

/** One-byte tags, lengths in BER's short form or 0x81/0x82 long form; fields of unknown tags stay for the caller to ignore. */
function readTlvs(data: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let at = 0;
  while (at < data.length) {
    const tag = data[at] ?? 0;
    let length = data[at + 1];
    let start = at + 2;
    if (length === 0x81) length = data[start++];
    else if (length === 0x82 && start + 1 < data.length) {
      length = data.readUInt16BE(start);
      start += 2;
    }
    if (length === undefined || length > 0x7fff || start + length > data.length) throw new Error(`the SICCT packet is cut short in field ${hex(tag)}`);
    out.push({ tag, value: data.subarray(start, start + length) });
    at = start + length;
  }
  return out;
}

function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, value.length]), value]);
}

function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value);
  return out;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
