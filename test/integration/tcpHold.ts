// One TCP connection held open across a change of the tunnel, run inside a lab namespace:
//   serve ADDR PORT                      echoes what one connection sends, prints `ready` once it
//                                        listens, and ends when that connection closes
//   hold --source ADDR --ms N HOST PORT  sends a line every 50 ms for N ms, then prints one JSON
//                                        object: lines sent and echoed, the longest wait for an
//                                        echo (ms) and the socket error if the connection broke;
//                                        says `streaming` on stderr once connected
//   keep --source ADDR --ca FILE --ms N HOST PORT
//                                        a TLS connection as the connector holds one to a card
//                                        terminal (SICCT): idle but for TCP keep-alives (after
//                                        10 s; the namespace's sysctls say how often and how many),
//                                        then after N ms one line that must come back within 20 s;
//                                        prints one JSON object: whether it survived, the socket
//                                        error if it broke, and how long the answer took (ms)
// With `--cert FILE --key FILE` (serve) and `--ca FILE` (hold) the connection is TLS, as between
// a PVS host and its connector.
import { readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';
import { parseArgs } from 'node:util';

const LINE_EVERY_MS = 50;

function serve(address: string, port: number, tls?: { cert: string; key: string }): void {
  const echo = (socket: Socket) => {
    server.close();
    socket.pipe(socket);
    socket.on('error', () => socket.destroy());
  };
  const server = tls ? createTlsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, echo) : createServer(echo);
  server.listen(port, address, () => process.stdout.write('ready\n'));
}

function hold(host: string, port: number, source: string, ms: number, ca?: string): Promise<{ sent: number; echoed: number; longestWaitMs: number; error?: string }> {
  return new Promise((resolve) => {
    const plain = new Socket();
    // TLS over a socket of our own: only a plain socket can be bound to the source address.
    const socket = ca ? tlsConnect({ socket: plain, host, ca: readFileSync(ca) }) : plain;
    const sentAt: number[] = [];
    let echoed = 0;
    let longestWaitMs = 0;
    let buffered = '';
    let sending = true;
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ sent: sentAt.length, echoed, longestWaitMs, ...(error ? { error } : {}) });
    };
    socket.on('data', (data) => {
      buffered += data.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (let i = 0; i < lines.length; i += 1) {
        longestWaitMs = Math.max(longestWaitMs, Date.now() - (sentAt[echoed] ?? Date.now()));
        echoed += 1;
      }
      if (!sending && echoed === sentAt.length) finish();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    const start = () => {
      process.stderr.write('streaming\n');
      const timer = setInterval(() => {
        sentAt.push(Date.now());
        socket.write(`line ${sentAt.length}\n`);
      }, LINE_EVERY_MS);
      setTimeout(() => {
        clearInterval(timer);
        sending = false;
        if (echoed === sentAt.length) finish();
        // What is still in flight gets 5 s to come back.
        else setTimeout(() => finish('echoes missing'), 5_000);
      }, ms);
    };
    if (ca) socket.once('secureConnect', start);
    plain.connect({ host, port, localAddress: source }, () => {
      if (!ca) start();
    });
  });
}

function keep(host: string, port: number, source: string, ms: number, ca: string): Promise<{ survived: boolean; error?: string; answerMs?: number }> {
  return new Promise((resolve) => {
    const plain = new Socket();
    const socket = tlsConnect({ socket: plain, host, ca: readFileSync(ca) });
    let done = false;
    const finish = (result: { survived: boolean; error?: string; answerMs?: number }) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(result);
    };
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ survived: false, error: error.code ?? error.message }));
    socket.once('close', () => finish({ survived: false, error: 'closed by the far end' }));
    socket.once('secureConnect', () => {
      setTimeout(() => {
        const askedAt = Date.now();
        socket.once('data', () => finish({ survived: true, answerMs: Date.now() - askedAt }));
        socket.write('status\n');
        setTimeout(() => finish({ survived: false, error: 'no answer within 20 s' }), 20_000);
      }, ms);
    });
    plain.setKeepAlive(true, 10_000);
    plain.connect({ host, port, localAddress: source });
  });
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { source: { type: 'string' }, ms: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' }, ca: { type: 'string' } },
});
const [mode, host, port] = positionals;
const tls = values.cert && values.key ? { cert: values.cert, key: values.key } : undefined;
if (mode === 'serve') serve(host ?? '', Number(port), tls);
else if (mode === 'keep') process.stdout.write(`${JSON.stringify(await keep(host ?? '', Number(port), values.source ?? '', Number(values.ms), values.ca ?? ''))}\n`);
else if (mode === 'hold') process.stdout.write(`${JSON.stringify(await hold(host ?? '', Number(port), values.source ?? '', Number(values.ms), values.ca))}\n`);
else throw new Error(`unknown mode ${String(mode)}`);
