// One VICI connection over a unix socket. One reader loop turns the byte stream into packets
// and demultiplexes them: replies (CMD_RESPONSE/CMD_UNKNOWN, EVENT_CONFIRM/EVENT_UNKNOWN) go to
// the one exchange in flight, EVENT packets to the subscribers of their name or to the streamed
// command collecting them. VICI replies carry no sequence number (README "Commands"), so calls
// are queued and run strictly one at a time. Nothing is dropped silently: every call settles,
// on close every pending call rejects and every subscriber's end() is called, and an event
// nobody wants is logged.
import { createConnection, type Socket } from 'node:net';
import {
  ViciAbortedError, ViciClosedError, ViciProtocolError, ViciTimeoutError, ViciUnknownCommandError, ViciUnknownEventError,
} from './errors.ts';
import type { ViciMessage } from './message.ts';
import { decodePacket, encodeFrame, FrameDecoder, PacketType, type ViciPacket } from './packet.ts';

/** The part of a pino logger the client uses. */
export interface ViciLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface CallOptions {
  /** Covers the wait in the queue and the exchange. Default: the connection's defaultTimeoutMs. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ConnectOptions extends CallOptions {
  log: ViciLogger;
  /** Timeout of calls that give none. Default 10 s. */
  defaultTimeoutMs?: number;
}

export interface ViciSubscriber {
  event(message: ViciMessage, name: string): void;
  /** Called once when the connection ends while subscribed; `reason` says why. */
  end(reason: Error): void;
}

export interface StreamResult {
  response: ViciMessage;
  /** The streamed events, in arrival order. */
  events: ViciMessage[];
}

type Expect = 'command' | 'event';

interface Waiting {
  expect: Expect;
  resolve(packet: ViciPacket): void;
  reject(error: Error): void;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class ViciConnection {
  /** Resolves (never rejects) with the reason once the connection has ended. */
  readonly closed: Promise<Error>;
  private readonly socket: Socket;
  private readonly log: ViciLogger;
  private readonly defaultTimeoutMs: number;
  private readonly frames = new FrameDecoder();
  private closeReason: Error | undefined;
  private resolveClosed!: (reason: Error) => void;
  private tail: Promise<void> = Promise.resolve();
  /** fail() of every call that has not settled, queued or running. */
  private readonly active = new Set<(error: Error) => void>();
  private waiting: Waiting | undefined;
  /** Events charon has confirmed for this connection. */
  private readonly registered = new Set<string>();
  private readonly subscribers = new Map<string, Set<ViciSubscriber>>();
  private collector: { event: string; events: ViciMessage[] } | undefined;

  /** Opens the socket; rejects with ViciClosedError when nothing listens there. */
  static connect(path: string, options: ConnectOptions): Promise<ViciConnection> {
    const timeoutMs = options.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      const settle = (error: Error | undefined) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        if (error === undefined) {
          resolve(new ViciConnection(socket, options));
        } else {
          socket.destroy();
          reject(error);
        }
      };
      const onError = (error: Error) => settle(new ViciClosedError(`cannot connect to ${path}: ${error.message}`, error));
      const onAbort = () => settle(new ViciAbortedError(`connect to ${path}`, options.signal?.reason));
      const timer = setTimeout(() => settle(new ViciTimeoutError(`connect to ${path}`, timeoutMs)), timeoutMs);
      socket.once('connect', () => settle(undefined));
      socket.on('error', onError);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private constructor(socket: Socket, options: ConnectOptions) {
    this.socket = socket;
    this.log = options.log;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.close(new ViciClosedError(`socket error: ${error.message}`, error)));
    socket.on('close', () => {
      const inFrame = this.frames.pending > 0 ? ' in the middle of a packet' : '';
      this.close(new ViciClosedError(`charon closed the connection${inFrame}`));
    });
  }

  get isClosed(): boolean {
    return this.closeReason !== undefined;
  }

  /** Runs one command; CMD_UNKNOWN rejects with ViciUnknownCommandError. The response is returned
   *  as is: judging `success` is the session's business. */
  request(command: string, message: ViciMessage = new Map(), options: CallOptions = {}): Promise<ViciMessage> {
    return this.enqueue(`command ${command}`, options, () => this.command(command, message));
  }

  /**
   * A streamed command (list-sas → list-sa, initiate → control-log): registers the event once,
   * sends the command and collects the events that arrive until the response. charon sends such
   * events only to the client whose command runs, so the registration is kept: the tunnel's
   * counter readings, several a second, then cost one exchange each instead of three. It holds
   * the queue throughout, so the collected events belong to this command only.
   */
  streamedRequest(command: string, event: string, message: ViciMessage = new Map(), options: CallOptions = {}): Promise<StreamResult> {
    return this.enqueue(`command ${command}`, options, async () => {
      if (!this.registered.has(event)) await this.register(event);
      const events: ViciMessage[] = [];
      this.collector = { event, events };
      try {
        const response = await this.command(command, message);
        return { response, events };
      } finally {
        this.collector = undefined;
      }
    });
  }

  /** Registers for an event; resolves with the function that ends this subscription. */
  async subscribe(event: string, subscriber: ViciSubscriber, options: CallOptions = {}): Promise<(options?: CallOptions) => Promise<void>> {
    await this.enqueue(`register ${event}`, options, async () => {
      if (!this.registered.has(event)) await this.register(event);
      let set = this.subscribers.get(event);
      if (!set) this.subscribers.set(event, (set = new Set()));
      set.add(subscriber);
    });
    return async (unsubscribeOptions = {}) => {
      // Off at once, so no event reaches the subscriber after this call; charon is told in turn.
      if (!this.subscribers.get(event)?.delete(subscriber) || this.isClosed) return;
      await this.enqueue(`unregister ${event}`, unsubscribeOptions, async () => {
        if (this.registered.has(event) && !this.subscribers.get(event)?.size) await this.unregister(event);
      });
    };
  }

  /** Ends the connection: pending calls reject, subscribers are told. Idempotent. */
  close(reason: Error = new ViciClosedError('connection closed by the client')): void {
    if (this.closeReason) return;
    this.closeReason = reason;
    this.socket.destroy();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(new ViciClosedError('connection closed while waiting for a reply', reason));
    for (const fail of [...this.active]) fail(new ViciClosedError('connection closed before the call completed', reason));
    for (const [event, set] of this.subscribers) {
      for (const subscriber of set) {
        try {
          subscriber.end(reason);
        } catch (error) {
          this.log.warn({ event, err: error }, 'vici subscriber end() threw');
        }
      }
    }
    this.subscribers.clear();
    this.registered.clear();
    this.resolveClosed(reason);
  }

  private enqueue<R>(what: string, options: CallOptions, body: () => Promise<R>): Promise<R> {
    if (this.closeReason) return Promise.reject(new ViciClosedError(`connection is closed, ${what} not sent`, this.closeReason));
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<R>((resolve, reject) => {
      let state: 'queued' | 'running' | 'settled' = 'queued';
      const finish = () => {
        state = 'settled';
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.active.delete(fail);
      };
      const fail = (error: Error) => {
        if (state === 'settled') return;
        const wasRunning = state === 'running';
        finish();
        reject(error);
        // Its reply may still come, and the reader would take it for the reply to the next
        // call: the stream is out of step, so the connection must go.
        if (wasRunning) this.close(error);
      };
      const onAbort = () => fail(new ViciAbortedError(what, options.signal?.reason));
      const timer = setTimeout(() => fail(new ViciTimeoutError(what, timeoutMs)), timeoutMs);
      this.active.add(fail);
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
      this.tail = this.tail.then(async () => {
        if (state !== 'queued') return;
        state = 'running';
        try {
          const result = await body();
          if (state === 'running') {
            finish();
            resolve(result);
          }
        } catch (error) {
          if (state === 'running') {
            finish();
            reject(error as Error);
          }
        }
      });
    });
  }

  private async command(command: string, message: ViciMessage): Promise<ViciMessage> {
    const reply = await this.exchange({ type: PacketType.CMD_REQUEST, name: command, message }, 'command');
    if (reply.type === PacketType.CMD_UNKNOWN) throw new ViciUnknownCommandError(command);
    if (reply.type !== PacketType.CMD_RESPONSE) throw new ViciProtocolError(`unexpected reply type ${reply.type} to ${command}`);
    return reply.message;
  }

  private async register(event: string): Promise<void> {
    const reply = await this.exchange({ type: PacketType.EVENT_REGISTER, name: event }, 'event');
    if (reply.type === PacketType.EVENT_UNKNOWN) throw new ViciUnknownEventError(event);
    this.registered.add(event);
  }

  private async unregister(event: string): Promise<void> {
    const reply = await this.exchange({ type: PacketType.EVENT_UNREGISTER, name: event }, 'event');
    if (reply.type === PacketType.EVENT_UNKNOWN) throw new ViciUnknownEventError(event);
    this.registered.delete(event);
  }

  /** Sends one packet and waits for its reply; the queue guarantees one exchange at a time. */
  private exchange(packet: ViciPacket, expect: Expect): Promise<ViciPacket> {
    if (this.closeReason) return Promise.reject(new ViciClosedError('connection is closed', this.closeReason));
    const frame = encodeFrame(packet);
    return new Promise((resolve, reject) => {
      this.waiting = { expect, resolve, reject };
      this.socket.write(frame);
    });
  }

  private receive(chunk: Buffer): void {
    try {
      for (const frame of this.frames.push(chunk)) {
        if (this.isClosed) return;
        this.dispatch(decodePacket(frame));
      }
    } catch (error) {
      this.close(error as Error);
    }
  }

  private dispatch(packet: ViciPacket): void {
    switch (packet.type) {
      case PacketType.EVENT:
        this.deliver(packet.name, packet.message);
        return;
      case PacketType.CMD_RESPONSE:
      case PacketType.CMD_UNKNOWN:
        return this.reply(packet, 'command');
      case PacketType.EVENT_CONFIRM:
      case PacketType.EVENT_UNKNOWN:
        return this.reply(packet, 'event');
      default:
        throw new ViciProtocolError(`charon sent packet type ${packet.type}, which only clients send`);
    }
  }

  private reply(packet: ViciPacket, kind: Expect): void {
    const waiting = this.waiting;
    if (!waiting) throw new ViciProtocolError(`reply type ${packet.type} arrived with no request in flight`);
    if (waiting.expect !== kind) throw new ViciProtocolError(`reply type ${packet.type} arrived for a ${waiting.expect} request`);
    this.waiting = undefined;
    waiting.resolve(packet);
  }

  private deliver(event: string, message: ViciMessage): void {
    let delivered = false;
    if (this.collector?.event === event) {
      this.collector.events.push(message);
      delivered = true;
    }
    for (const subscriber of [...(this.subscribers.get(event) ?? [])]) {
      delivered = true;
      try {
        subscriber.event(message, event);
      } catch (error) {
        this.log.warn({ event, err: error }, 'vici subscriber threw on an event');
      }
    }
    if (delivered) return;
    // Between an unsubscribe and charon's confirmation events may still come: expected.
    if (this.registered.has(event)) this.log.debug({ event }, 'vici event arrived while unregistering, dropped');
    else this.log.warn({ event }, 'vici event that was never registered, dropped');
  }
}
