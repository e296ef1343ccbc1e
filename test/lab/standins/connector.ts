// Connector stand-in in the datacenter core: serves the service directory `connector.sds` over
// HTTPS on its TI address, as a real connector does (gemSpec_Kon), and `/download?bytes=N`, N
// bytes (up to 100 MB) as a large document would come. Run inside the core namespace.
import { createServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { address: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' } } });
if (!values.address || !values.cert || !values.key) throw new Error('usage: connector.ts --address IP --cert FILE --key FILE');

const sds = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectorServices xmlns="http://ws.gematik.de/conn/ServiceDirectory/v3.1">
  <ProductInformation><ProductName>tibox lab connector stand-in</ProductName></ProductInformation>
</ConnectorServices>
`;

const MAX_DOWNLOAD = 100_000_000;
const CHUNK = Buffer.alloc(64 * 1024, 'tibox ');

/** Writes `bytes` bytes, waiting for the socket to drain. */
function sendBytes(res: import('node:http').ServerResponse, bytes: number): void {
  let left = bytes;
  const more = () => {
    while (left > 0) {
      const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) return void res.once('drain', more);
    }
    res.end();
  };
  more();
}

const server = createServer({ cert: readFileSync(values.cert), key: readFileSync(values.key) }, (req, res) => {
  const url = new URL(req.url ?? '/', 'https://connector');
  const bytes = Number(url.searchParams.get('bytes'));
  if (req.method === 'GET' && url.pathname === '/connector.sds') {
    res.writeHead(200, { 'content-type': 'application/xml' }).end(sds);
  } else if (req.method === 'GET' && url.pathname === '/download' && Number.isInteger(bytes) && bytes > 0 && bytes <= MAX_DOWNLOAD) {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes) });
    sendBytes(res, bytes);
  } else {
    res.writeHead(404).end();
  }
});
server.listen(443, values.address);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
