// Card terminal stand-in on a terminal port: accepts the connector's TLS connections on TCP 4742
// (SICCT), echoing what comes, and announces itself by UDP broadcast on port 4742 every few
// seconds. The announcement is this lab's own key=value text (address, MAC, model, firmware), not
// the SICCT wire format.
import { createServer } from 'node:tls';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    address: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' },
    mac: { type: 'string' }, model: { type: 'string' }, firmware: { type: 'string' },
    interval: { type: 'string', default: '5' },
  },
});
if (!values.address || !values.cert || !values.key) throw new Error('usage: terminal.ts --address IP --cert FILE --key FILE');

// Each command is answered with what came, so a connector (or a test in its place) sees the
// terminal still there.
const sicct = createServer({ cert: readFileSync(values.cert), key: readFileSync(values.key) }, (socket) => {
  socket.setKeepAlive(true, 10_000);
  socket.pipe(socket);
  socket.on('error', () => socket.destroy());
});
sicct.listen(4742, values.address);

const announcer = createSocket('udp4');
announcer.bind(0, values.address, () => announcer.setBroadcast(true));
const announcement = Buffer.from(
  `SICCT-ANNOUNCE address=${values.address} mac=${values.mac ?? ''} model=${values.model ?? ''} firmware=${values.firmware ?? ''}\n`,
);
const timer = setInterval(() => announcer.send(announcement, 4742, '255.255.255.255'), Number(values.interval) * 1000);

process.on('SIGTERM', () => {
  clearInterval(timer);
  announcer.close();
  sicct.close(() => process.exit(0));
});
