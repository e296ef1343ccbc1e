// Card terminal stand-in on a terminal port: accepts the connector's TLS connections on TCP 4742
// (SICCT), echoing what comes, and speaks the SICCT service discovery on UDP 4742 (TeleTrusT
// SICCT 1.3.0, 6.2.3): it answers each service request, broadcast or unicast (gemSpec_KT
// TIP1-A_3151), with its service description sent to the address and port the request names,
// and announces itself with the same description by broadcast when it starts and every few
// seconds after (a real terminal announces only when it starts or its settings change). The
// description carries the protocol version 1.30, its address, MAC, SICCT terminal name, command
// port and TLS 1.2; no model or firmware, as the protocol has no field for them.
import { createServer } from 'node:tls';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    address: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' },
    name: { type: 'string', default: 'ORGA6100-LAB' },
    interval: { type: 'string', default: '5' },
  },
});
if (!values.address || !values.cert || !values.key) throw new Error('usage: terminal.ts --address IP --cert FILE --key FILE [--name SICCT-NAME]');
// The MAC of the port that holds the address, as a terminal announces its own.
const mac = Object.values(networkInterfaces()).flat().find((i) => i?.address === values.address)?.mac;
if (!mac) throw new Error(`no interface holds ${values.address}`);

// Each command is answered with what came, so a connector (or a test in its place) sees the
// terminal still there.
const sicct = createServer({ cert: readFileSync(values.cert), key: readFileSync(values.key) }, (socket) => {
  socket.setKeepAlive(true, 10_000);
  socket.pipe(socket);
  socket.on('error', () => socket.destroy());
});
sicct.listen(4742, values.address);

const tlv = (tag: number, value: Buffer) => Buffer.concat([Buffer.from([tag, value.length]), value]);
const description = tlv(0xa1, Buffer.concat([
  tlv(0x80, Buffer.from([0x01, 0x1e])),
  tlv(0x81, Buffer.from(values.address.split('.').map(Number))),
  tlv(0x83, Buffer.from(mac.split(':').map((b) => parseInt(b, 16)))),
  tlv(0x84, Buffer.from(values.name, 'ascii')),
  tlv(0x82, Buffer.from([4742 >> 8, 4742 & 0xff])),
  tlv(0xa3, tlv(0x8a, Buffer.from([0x30]))),
]));

/** The client's address and port from a service request ('A0'), or undefined for anything else. */
function requester(packet: Buffer): { address: string; port: number } | undefined {
  if (packet[0] !== 0xa0 || packet[1] !== packet.length - 2) return undefined;
  let address: string | undefined;
  let port: number | undefined;
  for (let at = 2; at + 1 < packet.length; at += 2 + (packet[at + 1] ?? 0)) {
    const value = packet.subarray(at + 2, at + 2 + (packet[at + 1] ?? 0));
    if (packet[at] === 0x81 && value.length === 4) address = [...value].join('.');
    if (packet[at] === 0x82 && value.length === 2) port = value.readUInt16BE(0);
  }
  return address && port ? { address, port } : undefined;
}

// Bound to the wildcard address, so both broadcast and unicast requests arrive.
const discovery = createSocket({ type: 'udp4', reuseAddr: true });
discovery.on('message', (packet) => {
  const to = requester(packet);
  if (to) discovery.send(description, to.port, to.address);
});
discovery.bind(4742, () => {
  discovery.setBroadcast(true);
  announce();
});
const announce = () => discovery.send(description, 4742, '255.255.255.255');
const timer = setInterval(announce, Number(values.interval) * 1000);

process.on('SIGTERM', () => {
  clearInterval(timer);
  discovery.close();
  sicct.close(() => process.exit(0));
});
