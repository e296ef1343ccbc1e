// Connector stand-in in the datacenter core: serves the service directory `connector.sds` over
// HTTPS on its TI address, as a real connector does (gemSpec_Kon). Run inside the core namespace.
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

const server = createServer({ cert: readFileSync(values.cert), key: readFileSync(values.key) }, (req, res) => {
  if (req.method === 'GET' && req.url === '/connector.sds') {
    res.writeHead(200, { 'content-type': 'application/xml' }).end(sds);
  } else {
    res.writeHead(404).end();
  }
});
server.listen(443, values.address);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
