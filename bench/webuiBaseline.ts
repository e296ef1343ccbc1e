// The web UI benchmark's baseline: bare Node's HTTPS server with the web UI's own TLS settings and
// device certificate, answering every request with a fixed page of the given size, nothing else
// (no express, no middleware, no agent). Run in the box's namespace on the web UI's port, it shows
// what the path, TLS and Node cost before the web UI adds anything.
// Usage: node bench/webuiBaseline.ts <key.pem> <cert.pem> <port> <body bytes>
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tlsOptions } from '../src/webui/tls/tlsOptions.ts';

const [keyPath = '', certPath = '', port = '443', bytes = '0'] = process.argv.slice(2);
const body = Buffer.alloc(Number(bytes), 'x');
const server = createServer(tlsOptions(readFileSync(keyPath, 'utf8'), readFileSync(certPath, 'utf8')), (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
});
server.keepAliveTimeout = 5_000;
server.listen(Number(port), () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
