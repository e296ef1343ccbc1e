// The VICI session the tunnel controller uses: typed commands, typed event subscriptions, and
// a connection kept alive across charon restarts. charon is not our child (ARCHITECTURE.md §3):
// when it restarts the socket goes away and comes back, so the session reconnects with a
// backoff (50 ms doubling to 2 s, for as long as it runs), registers its event subscriptions
// again, and only then emits 'connected'; a fresh charon knows nothing, so on 'connected' the
// controller loads credentials and connections again. Commands while disconnected fail at once
// with ViciClosedError rather than wait: the controller learns of the state, not a hang.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { ViciConnection, type CallOptions, type ViciLogger } from './connection.ts';
import { ViciClosedError, ViciCommandError, ViciProtocolError } from './errors.ts';
import { eventParsers, parseLogLine, type ViciEventMap, type ViciEventName } from './events.ts';
import { getList, getSection, getString, sectionsOf, viciMessage, type ViciInit, type ViciMessage } from './message.ts';

export interface ViciSessionOptions {
  /** Path of charon's VICI unix socket. */
  socketPath: string;
  log: ViciLogger;
  /** Timeout of a command that gives none. Default 10 s. */
  defaultTimeoutMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export interface ViciSessionEvents {
  /** A connection is up and every subscription is registered on it. */
  connected: [];
  /** The connection went down while the session runs; reconnecting has begun. */
  disconnected: [reason: Error];
}

export interface ViciVersion {
  daemon: string;
  version: string;
  sysname: string;
  release: string;
  machine: string;
}

export interface ViciStats {
  /** charon's start time, as charon prints it. */
  since: string;
  ikeSas: number;
  halfOpenIkeSas: number;
  plugins: string[];
}

/** A named entry of a streamed listing: the connection or IKE_SA name and its section. */
export interface Named {
  name: string;
  section: ViciMessage;
}

export interface ControlResult {
  /** control-log lines charon streamed during the command, as `[GROUP] text`. */
  log: string[];
}

type Listener<K extends ViciEventName> = (payload: ViciEventMap[K]) => void;
type Unsubscribe = () => Promise<void>;

/** Extra time a call waits beyond the timeout it hands to charon, for charon's own answer. */
const CHARON_TIMEOUT_MARGIN_MS = 2_000;

export class ViciSession extends EventEmitter<ViciSessionEvents> {
  private readonly options: ViciSessionOptions;
  private readonly eventListeners = new Map<ViciEventName, Set<Listener<never>>>();
  private connection: ViciConnection | undefined;
  /** Registrations on the current connection, by event; a promise so concurrent callers share one. */
  private registrations = new Map<ViciEventName, Promise<Unsubscribe>>();
  private running: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(options: ViciSessionOptions) {
    super();
    this.options = options;
  }

  get isConnected(): boolean {
    return this.connection !== undefined;
  }

  /** Starts connecting in the background; 'connected' tells when commands can be sent. */
  start(): void {
    if (this.running) return;
    const running = new AbortController();
    this.running = running;
    this.loop = this.keepConnected(running.signal);
  }

  /** Closes the connection and stops reconnecting. Subscriptions are kept for a later start(). */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.abort();
    await this.loop;
  }

  /** Subscribes to a charon event; resolves once charon has confirmed (or at once when offline). */
  async subscribe<K extends ViciEventName>(event: K, listener: Listener<K>): Promise<Unsubscribe> {
    let set = this.eventListeners.get(event);
    if (!set) this.eventListeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    const connection = this.connection;
    if (connection) {
      try {
        await this.register(connection, event);
      } catch (error) {
        // Lost with the connection: the next connection registers it, as for all the others.
        if (!(error instanceof ViciClosedError)) {
          this.dropListener(event, listener as Listener<never>);
          throw error;
        }
      }
    }
    return async () => {
      const unregister = this.dropListener(event, listener as Listener<never>);
      await unregister?.();
    };
  }

  async version(options?: CallOptions): Promise<ViciVersion> {
    const r = await this.command('version', {}, options);
    const field = (key: string) => getString(r, key) ?? '';
    return { daemon: field('daemon'), version: field('version'), sysname: field('sysname'), release: field('release'), machine: field('machine') };
  }

  async stats(options?: CallOptions): Promise<ViciStats> {
    const r = await this.command('stats', {}, options);
    const ikesas = getSection(r, 'ikesas') ?? new Map();
    return {
      since: getString(getSection(r, 'uptime') ?? new Map(), 'since') ?? '',
      ikeSas: Number(getString(ikesas, 'total') ?? 0),
      halfOpenIkeSas: Number(getString(ikesas, 'half-open') ?? 0),
      plugins: getList(r, 'plugins') ?? [],
    };
  }

  /** Loads or replaces one connection; `config` is its swanctl.conf-style section. */
  async loadConn(name: string, config: ViciMessage, options?: CallOptions): Promise<void> {
    await this.command('load-conn', new Map([[name, config]]), options);
  }

  async unloadConn(name: string, options?: CallOptions): Promise<void> {
    await this.command('unload-conn', { name }, options);
  }

  /** Names of the connections loaded over VICI. */
  async getConns(options?: CallOptions): Promise<string[]> {
    return getList(await this.command('get-conns', {}, options), 'conns') ?? [];
  }

  async listConns(filter: { ike?: string } = {}, options?: CallOptions): Promise<Named[]> {
    return this.listing('list-conns', 'list-conn', { ike: filter.ike }, options);
  }

  /** Active IKE_SAs with their CHILD_SAs. `noblock` answers even while charon holds SAs busy. */
  async listSas(filter: { ike?: string; noblock?: boolean } = {}, options?: CallOptions): Promise<Named[]> {
    return this.listing('list-sas', 'list-sa', { ike: filter.ike, noblock: filter.noblock ? 'yes' : undefined }, options);
  }

  /** `data` is PEM text or DER bytes. */
  async loadCert(cert: { type: 'X509' | 'X509_CRL'; flag?: 'NONE' | 'CA'; data: string | Uint8Array }, options?: CallOptions): Promise<void> {
    await this.command('load-cert', { type: cert.type, flag: cert.flag, data: cert.data }, options);
  }

  /** `type` as charon names it (`ecdsa`, `rsa`, `any`); `data` is PEM text or DER bytes. */
  async loadKey(key: { type: 'ecdsa' | 'rsa' | 'any'; data: string | Uint8Array }, options?: CallOptions): Promise<void> {
    await this.command('load-key', { type: key.type, data: key.data }, options);
  }

  async loadShared(secret: { type: 'IKE'; data: string | Uint8Array; owners: string[] }, options?: CallOptions): Promise<void> {
    await this.command('load-shared', { type: secret.type, data: secret.data, owners: secret.owners }, options);
  }

  /** Drops every credential loaded over VICI (and the credential cache): the start of a reload. */
  async clearCreds(options?: CallOptions): Promise<void> {
    await this.command('clear-creds', {}, options);
  }

  /** Initiates a CHILD_SA (and its IKE_SA); charon waits up to timeoutMs for the outcome. */
  async initiate(target: { child: string; ike?: string; timeoutMs: number; loglevel?: number }, options: Omit<CallOptions, 'timeoutMs'> = {}): Promise<ControlResult> {
    return this.control('initiate', target.timeoutMs, { child: target.child, ike: target.ike, loglevel: target.loglevel }, options);
  }

  /**
   * Terminates by config name, or one IKE_SA by its unique id (`ikeId`, the `uniqueid` of
   * list-sas) when several SAs share a name; `force` skips waiting for the peer's DELETE answer.
   */
  async terminate(target: { ike?: string; ikeId?: number; child?: string; force?: boolean; timeoutMs: number }, options: Omit<CallOptions, 'timeoutMs'> = {}): Promise<ControlResult> {
    return this.control('terminate', target.timeoutMs, {
      ike: target.ike,
      'ike-id': target.ikeId,
      child: target.child,
      force: target.force ? 'yes' : undefined,
    }, options);
  }

  /** Starts a rekey (or reauthentication) of the named SA; resolves with how many SAs matched. */
  async rekey(target: { ike?: string; child?: string; reauth?: boolean }, options?: CallOptions): Promise<{ matches: number }> {
    const r = await this.command('rekey', { ike: target.ike, child: target.child, reauth: target.reauth ? 'yes' : undefined }, options);
    return { matches: Number(getString(r, 'matches') ?? 0) };
  }

  private current(what: string): ViciConnection {
    if (!this.connection) throw new ViciClosedError(`not connected to charon, ${what} not sent`);
    return this.connection;
  }

  /** Sends a command and turns `success = no` into ViciCommandError with charon's errmsg. */
  private async command(name: string, args: ViciInit | ViciMessage, options?: CallOptions): Promise<ViciMessage> {
    const response = await this.current(name).request(name, viciMessage(args), options);
    checkSuccess(name, response, []);
    return response;
  }

  private async listing(command: string, event: string, args: ViciInit, options?: CallOptions): Promise<Named[]> {
    const { events } = await this.current(command).streamedRequest(command, event, viciMessage(args), options);
    return events.flatMap((m) => sectionsOf(m).map(([name, section]) => ({ name, section })));
  }

  private async control(command: string, timeoutMs: number, args: ViciInit, options: CallOptions): Promise<ControlResult> {
    const message = viciMessage({ ...args, timeout: timeoutMs });
    const callOptions = { ...options, timeoutMs: timeoutMs + CHARON_TIMEOUT_MARGIN_MS };
    const { response, events } = await this.current(command).streamedRequest(command, 'control-log', message, callOptions);
    const log = events.map((m) => {
      const line = parseLogLine(m);
      return `[${line.group}] ${line.msg}`;
    });
    checkSuccess(command, response, log);
    return { log };
  }

  private register(connection: ViciConnection, event: ViciEventName): Promise<Unsubscribe> {
    let registration = this.registrations.get(event);
    if (!registration) {
      const parse = eventParsers[event];
      registration = connection.subscribe(event, {
        event: (message) => {
          const payload = parse(message);
          for (const listener of [...(this.eventListeners.get(event) ?? [])]) (listener as Listener<typeof event>)(payload as never);
        },
        // The end of the connection reaches listeners as 'disconnected', once for all.
        end: () => undefined,
      });
      this.registrations.set(event, registration);
      registration.catch(() => {
        if (this.registrations.get(event) === registration) this.registrations.delete(event);
      });
    }
    return registration;
  }

  /** Removes a listener; when it was the event's last, returns what unregisters it from charon. */
  private dropListener(event: ViciEventName, listener: Listener<never>): Unsubscribe | undefined {
    const set = this.eventListeners.get(event);
    if (!set?.delete(listener) || set.size > 0) return undefined;
    this.eventListeners.delete(event);
    const registration = this.registrations.get(event);
    this.registrations.delete(event);
    return registration && (async () => (await registration)());
  }

  private async keepConnected(signal: AbortSignal): Promise<void> {
    const { socketPath, log } = this.options;
    const min = this.options.reconnectMinMs ?? 50;
    const max = this.options.reconnectMaxMs ?? 2_000;
    let delay = min;
    let failures = 0;
    while (!signal.aborted) {
      let connection: ViciConnection | undefined;
      const onStop = () => connection?.close(new ViciClosedError('session stopped'));
      try {
        connection = await ViciConnection.connect(socketPath, { log, defaultTimeoutMs: this.options.defaultTimeoutMs, signal });
        signal.addEventListener('abort', onStop, { once: true });
        this.registrations = new Map();
        // A subscribe() during this loop adds to the live map and is picked up here.
        for (const event of this.eventListeners.keys()) await this.register(connection, event);
      } catch (error) {
        signal.removeEventListener('abort', onStop);
        connection?.close(error as Error);
        if (signal.aborted) break;
        if (failures++ === 0) log.warn({ err: error, socketPath }, 'vici: cannot connect to charon, retrying');
        await sleep(delay, undefined, { signal }).catch(() => undefined);
        delay = Math.min(delay * 2, max);
        continue;
      }
      this.connection = connection;
      failures = 0;
      delay = min;
      this.emitSafely('connected');
      const reason = await connection.closed;
      signal.removeEventListener('abort', onStop);
      this.connection = undefined;
      this.registrations = new Map();
      if (signal.aborted) break;
      log.warn({ err: reason, socketPath }, 'vici: connection to charon lost, reconnecting');
      this.emitSafely('disconnected', reason);
    }
  }

  private emitSafely(...args: [event: 'connected'] | [event: 'disconnected', reason: Error]): void {
    try {
      if (args[0] === 'connected') this.emit('connected');
      else this.emit('disconnected', args[1]);
    } catch (error) {
      this.options.log.warn({ err: error, event: args[0] }, 'vici: session listener threw');
    }
  }
}

function checkSuccess(command: string, response: ViciMessage, log: string[]): void {
  const success = getString(response, 'success');
  if (success === undefined || success === 'yes') return;
  if (success !== 'no') throw new ViciProtocolError(`${command} answered success = ${JSON.stringify(success)}`);
  throw new ViciCommandError(command, getString(response, 'errmsg') ?? '', log);
}
