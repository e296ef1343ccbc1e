// One TCP connection held open across a change of the tunnel, run inside a lab namespace:
//   serve ADDR PORT                      echoes what one connection sends, prints `ready` once it
//                                        listens, and ends when that connection closes
//   hold --source ADDR --ms N HOST PORT  sends a line every 50 ms for N ms, then prints one JSON
//                                        object: lines sent and echoed, the longest wait for an
//                                        echo (ms) and the socket error if the connection broke
import { createServer, Socket } from 'node:net';
import { parseArgs } from 'node:util';

const LINE_EVERY_MS = 50;

function serve(address: string, port: number): void {
  const server = createServer((socket) => {
    server.close();
    socket.pipe(socket);
    socket.on('error', () => socket.destroy());
  });
  server.listen(port, address, () => process.stdout.write('ready\n'));
}

function hold(host: string, port: number, source: string, ms: number): Promise<{ sent: number; echoed: number; longestWaitMs: number; error?: string }> {
  return new Promise((resolve) => {
    const socket = new Socket();
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
    socket.connect({ host, port, localAddress: source }, () => {
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
    });
  });
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { source: { type: 'string' }, ms: { type: 'string' } } });
const [mode, host, port] = positionals;
if (mode === 'serve') serve(host ?? '', Number(port));
else if (mode === 'hold') process.stdout.write(`${JSON.stringify(await hold(host ?? '', Number(port), values.source ?? '', Number(values.ms)))}\n`);
else throw new Error(`unknown mode ${String(mode)}`);
