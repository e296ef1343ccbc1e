// DDI server stand-in in the datacenter core: the lab's hawkBit (test/lab/ddi/server.ts) on the
// management address and, when given, on a public address of the lab's internet too, with its
// admin API on a unix socket for tests. Run inside the core namespace.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LabDdiServer } from '../ddi/server.ts';
import { serveAdmin } from '../ddi/admin.ts';

const { values } = parseArgs({
  options: {
    address: { type: 'string' },
    'public-address': { type: 'string' },
    port: { type: 'string', default: '443' },
    origin: { type: 'string' },
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'foreign-cert': { type: 'string' },
    'foreign-key': { type: 'string' },
    admin: { type: 'string' },
    'keep-alive-ms': { type: 'string' },
    'no-resumption': { type: 'boolean', default: false },
  },
});
const { address, origin, ca, cert, key, admin } = values;
if (!address || !origin || !ca || !cert || !key || !admin) {
  throw new Error('usage: ddi.ts --address IP [--public-address IP] --origin URL --ca FILE --cert FILE --key FILE [--foreign-cert FILE --foreign-key FILE] --admin SOCKET [--keep-alive-ms MS] [--no-resumption]');
}
const foreign = values['foreign-cert'] && values['foreign-key'] ? { cert: readFileSync(values['foreign-cert']), key: readFileSync(values['foreign-key']) } : undefined;
const ddi = new LabDdiServer({
  origin,
  ca: readFileSync(ca),
  identity: { cert: readFileSync(cert), key: readFileSync(key) },
  ...(foreign && { foreignIdentity: foreign }),
  ...(values['no-resumption'] && { resumption: false }),
  ...(values['keep-alive-ms'] !== undefined && { keepAliveTimeoutMs: Number(values['keep-alive-ms']) }),
});
await ddi.listen(Number(values.port), address);
if (values['public-address']) await ddi.listenAlso(Number(values.port), values['public-address']);
const adminServer = await serveAdmin(ddi, admin);
process.on('SIGTERM', () => {
  adminServer.close();
  ddi.close().then(() => process.exit(0), () => process.exit(1));
});
