// The IKE probe's adapter: sends the IKE_SA_INIT request of ikeInitPacket.ts to a gateway on UDP
// 500 or 4500 from a port of its own (charon holds 500 and 4500 on the box), sends it again each
// second, and waits for the answer that carries its SPI. A timeout means no IKE daemon answered
// on that port: the practice router, a firewall on the way, or the gateway itself drops it.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { ikeInitRequest, readIkeInitAnswer } from './ikeInitPacket.ts';

export type IkeProbeOutcome =
  | { readonly answered: true; readonly notify?: string; readonly rttMs: number }
  | { readonly answered: false; readonly error?: string };

export type IkeProbe = (gateway: string, port: 500 | 4500, timeoutMs: number) => Promise<IkeProbeOutcome>;

const RESEND_MS = 1_000;

export const udpIkeProbe: IkeProbe = (gateway, port, timeoutMs) =>
  new Promise((resolve) => {
    const spi = randomBytes(8);
    const datagram = ikeInitRequest({ spi, nonce: randomBytes(32), port });
    const socket = createSocket(isIPv6(gateway) ? 'udp6' : 'udp4');
    const started = performance.now();
    let finished = false;
    const done = (outcome: IkeProbeOutcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearInterval(resend);
      socket.close();
      resolve(outcome);
    };
    const send = () => socket.send(datagram, port, gateway, (error) => error && done({ answered: false, error: error.message }));
    const timer = setTimeout(() => done({ answered: false }), timeoutMs);
    const resend = setInterval(send, RESEND_MS);
    socket.on('error', (error) => done({ answered: false, error: error.message }));
    socket.on('message', (message, from) => {
      if (from.port !== port) return;
      const answer = readIkeInitAnswer(message, spi, port);
      if (answer) done({ answered: true, ...answer, rttMs: Math.round(performance.now() - started) });
    });
    send();
  });
