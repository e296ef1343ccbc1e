// A stand-in for charon's VICI plugin on a temporary unix socket, speaking our codec. It answers
// one packet at a time per client (as charon does), keeps a text transcript of what clients
// sent, and refuses events it does not know with EVENT_UNKNOWN, commands with CMD_UNKNOWN.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isList, isSection, viciMessage, type ViciInit, type ViciMessage, type ViciScalar } from '../../../../src/ipsec/vici/message.ts';
import { decodePacket, encodeFrame, FrameDecoder, PacketType, type ViciPacket } from '../../../../src/ipsec/vici/packet.ts';

export interface FakeClient {
  /** Sends an EVENT if this client registered for it. */
  event(name: string, message: ViciInit | ViciMessage): void;
  /** Writes raw bytes, for malformed-stream tests. */
  raw(bytes: Uint8Array): void;
  readonly socket: Socket;
}

/** A command's behaviour: a response, 'unknown' for CMD_UNKNOWN, or 'silent' to never answer. */
export type Handler = (args: ViciMessage, client: FakeClient) => Promise<ViciInit | ViciMessage | 'unknown' | 'silent'> | ViciInit | ViciMessage | 'unknown' | 'silent';

export const KNOWN_EVENTS = ['ike-updown', 'child-updown', 'ike-rekey', 'child-rekey', 'log', 'control-log', 'list-sa', 'list-conn'];

/** A message as compact text for transcripts: k=v, lists k[a,b], sections k{...}. */
export function text(m: ViciMessage): string {
  const one = (v: ViciScalar) => (typeof v === 'string' ? v : `0x${Buffer.from(v).toString('hex')}`);
  return [...m].map(([k, v]) => (isSection(v) ? `${k}{${text(v)}}` : isList(v) ? `${k}[${v.map(one).join(',')}]` : `${k}=${one(v)}`)).join(' ');
}

export class FakeCharon {
  readonly path: string;
  readonly transcript: string[] = [];
  readonly handlers = new Map<string, Handler>();
  readonly clients = new Set<FakeClient>();
  /** Most packets a client ever had sent but not yet answered; VICI allows one. */
  maxInFlight = 0;
  private readonly dir: string;
  private server: Server | undefined;

  constructor(dir = mkdtempSync(join(tmpdir(), 'tibox-vici-'))) {
    this.dir = dir;
    this.path = join(dir, 'charon.vici');
  }

  listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve) => server.listen(this.path, resolve));
  }

  /** Sends an event to every client registered for it. */
  emit(name: string, message: ViciInit | ViciMessage): void {
    for (const client of this.clients) client.event(name, message);
  }

  /** Like charon exiting: clients are cut off and the socket file goes away. */
  async stop(): Promise<void> {
    for (const client of this.clients) client.socket.destroy();
    this.clients.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private accept(socket: Socket): void {
    const registered = new Set<string>();
    const send = (packet: ViciPacket) => socket.write(encodeFrame(packet));
    const client: FakeClient = {
      socket,
      event: (name, message) => {
        if (registered.has(name)) send({ type: PacketType.EVENT, name, message: viciMessage(message) });
      },
      raw: (bytes) => socket.write(bytes),
    };
    this.clients.add(client);
    const frames = new FrameDecoder();
    let queue = Promise.resolve();
    let inFlight = 0;
    socket.on('data', (chunk) => {
      for (const frame of frames.push(chunk)) {
        // Counted on arrival: a client that sends before its last reply came shows up here.
        this.maxInFlight = Math.max(this.maxInFlight, ++inFlight);
        queue = queue.then(async () => {
          await this.handle(decodePacket(frame), client, registered, send);
          inFlight--;
        });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.clients.delete(client));
  }

  private async handle(packet: ViciPacket, client: FakeClient, registered: Set<string>, send: (p: ViciPacket) => void): Promise<void> {
    switch (packet.type) {
      case PacketType.CMD_REQUEST: {
        this.transcript.push(`request ${packet.name}${packet.message.size ? ` ${text(packet.message)}` : ''}`);
        const handler = this.handlers.get(packet.name);
        const answer = handler ? await handler(packet.message, client) : 'unknown';
        if (answer === 'silent') return new Promise(() => undefined);
        if (answer === 'unknown') send({ type: PacketType.CMD_UNKNOWN });
        else send({ type: PacketType.CMD_RESPONSE, message: viciMessage(answer) });
        return;
      }
      case PacketType.EVENT_REGISTER:
      case PacketType.EVENT_UNREGISTER: {
        const register = packet.type === PacketType.EVENT_REGISTER;
        this.transcript.push(`${register ? 'register' : 'unregister'} ${packet.name}`);
        if (!KNOWN_EVENTS.includes(packet.name)) return void send({ type: PacketType.EVENT_UNKNOWN });
        if (register) registered.add(packet.name);
        else registered.delete(packet.name);
        return void send({ type: PacketType.EVENT_CONFIRM });
      }
      default:
        this.transcript.push(`unexpected packet type ${packet.type}`);
    }
  }
}
