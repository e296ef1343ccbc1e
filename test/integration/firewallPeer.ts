// A peer for the firewall's traffic test, run inside a namespace the test made:
//   listen tcp:ADDR:PORT udp:ADDR:PORT ...  listens, prints `ready`, then one line per TCP
//                                          connection or UDP datagram: `tcp PORT from ADDR`
//   probe [--source ADDR] [--timeout MS] tcp:HOST:PORT udp:HOST:PORT ...
//                                          tries them all at once and prints one JSON object:
//                                          TCP `open`, `refused` or `timeout`; UDP `sent`
// Addresses are literal (IPv6 in brackets: tcp:[fd00::1]:80); everything stays in the test's
// own namespaces.
import { createSocket } from 'node:dgram';
import { createServer, isIPv6, Socket } from 'node:net';
import { parseArgs } from 'node:util';

interface Target {
  proto: 'tcp' | 'udp';
  host: string;
  port: number;
}

function target(spec: string): Target {
  const match = /^(tcp|udp):\[?([^\]]+?)\]?:(\d+)$/.exec(spec);
  if (!match) throw new Error(`bad target ${spec}`);
  return { proto: match[1] as Target['proto'], host: match[2] ?? '', port: Number(match[3]) };
}

async function listen(specs: readonly string[]): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  await Promise.all(
    specs.map(target).map(
      ({ proto, host, port }) =>
        new Promise<void>((resolve, reject) => {
          if (proto === 'tcp') {
            const server = createServer((socket) => {
              say(`tcp ${port} from ${socket.remoteAddress}`);
              socket.destroy();
            });
            server.once('error', reject).listen(port, host, resolve);
          } else {
            const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
            socket.on('message', (_message, from) => say(`udp ${port} from ${from.address}`));
            socket.once('error', reject).bind(port, host, resolve);
          }
        }),
    ),
  );
  say('ready');
}

function probeTcp({ host, port }: Target, source: string | undefined, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (result: string) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done('timeout'));
    socket.once('connect', () => done('open'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'refused' : (error.code ?? 'error')));
    socket.connect({ host, port, ...(source ? { localAddress: source } : {}) });
  });
}

function probeUdp({ host, port }: Target, source: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind({ port: 0, ...(source ? { address: source } : {}) }, () => {
      socket.send('tibox firewall probe', port, host, (error) => {
        socket.close();
        if (error) reject(error);
        else resolve('sent');
      });
    });
  });
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { source: { type: 'string' }, timeout: { type: 'string', default: '800' } },
});
const [mode, ...specs] = positionals;
if (mode === 'listen') {
  await listen(specs);
} else if (mode === 'probe') {
  const timeoutMs = Number(values.timeout);
  const results = await Promise.all(
    specs.map(async (spec) => {
      const t = target(spec);
      return [spec, t.proto === 'tcp' ? await probeTcp(t, values.source, timeoutMs) : await probeUdp(t, values.source)] as const;
    }),
  );
  process.stdout.write(`${JSON.stringify(Object.fromEntries(results))}\n`);
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
