// Asks one card terminal for its SICCT service description: a service request sent by unicast to
// its UDP 4742, which every eHealth card terminal answers (gemSpec_KT TIP1-A_3151), rather than
// waiting for its announcement, which a terminal sends only when it starts or its settings change.
// The socket is connected to the terminal, so the kernel picks the box's address towards it (the
// one the request names) and only the terminal's answer comes in.
import { createSocket } from 'node:dgram';
import { encodeServiceRequest, parseServiceDescription, type ServiceDescription } from './sicctDiscovery.ts';
import { SICCT_PORT } from './tcpProbe.ts';

export type SicctAnswer = { ok: true; description: ServiceDescription } | { ok: false; detail: string };

export function sicctQuery(address: string, timeoutMs: number): Promise<SicctAnswer> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    let answered = false;
    const done = (answer: SicctAnswer) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done({ ok: false, detail: 'no answer' }), timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => done({ ok: false, detail: error.code ?? error.message }));
    socket.on('message', (packet) => {
      try {
        done({ ok: true, description: parseServiceDescription(packet) });
      } catch (error) {
        done({ ok: false, detail: error instanceof Error ? error.message : String(error) });
      }
    });
    socket.connect(SICCT_PORT, address, () => {
      const local = socket.address();
      socket.send(encodeServiceRequest(local.address, local.port));
    });
  });
}
