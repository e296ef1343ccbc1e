// A charon behind VICI, in memory, for the tunnel controller's tests: it holds loaded
// connections and IKE_SAs, answers initiate per gateway as the test scripted it, and keeps a
// transcript of the commands as text lines. It fails the way the real session does: commands
// while disconnected throw ViciClosedError, a refused initiate throws ViciCommandError with the
// control-log lines charon streamed, and a terminate of an unknown SA is refused.
import { EventEmitter } from 'node:events';
import type { TunnelVici } from '../../../../src/ipsec/tunnel/ports.ts';
import {
  ViciClosedError, ViciCommandError, getList, viciMessage,
  type Named, type ViciEventMap, type ViciEventName, type ViciMessage, type ViciSessionEvents,
} from '../../../../src/ipsec/vici/index.ts';

/** What an initiate towards one gateway does. */
export type Outcome =
  /** IKE_SA established, CHILD_SA `ti` installed. */
  | { kind: 'succeed' }
  /** Refused at once (the gateway answered), with charon's control-log lines. */
  | { kind: 'fail'; log: string[]; errmsg?: string }
  /** No answer: charon gives up after the initiate's timeout and leaves a half-open IKE_SA behind. */
  | { kind: 'timeout'; log?: string[] };

export const SUCCEED: Outcome = { kind: 'succeed' };
export const AUTH_FAILED: Outcome = { kind: 'fail', log: ['[IKE] received AUTHENTICATION_FAILED notify error'], errmsg: "establishing CHILD_SA 'ti' failed" };
export const TIMEOUT: Outcome = { kind: 'timeout', log: ['[IKE] retransmit 1 of request with message ID 0', '[IKE] retransmit 2 of request with message ID 0'] };

interface FakeSa {
  ikeId: number;
  connection: string;
  remoteHost: string;
  state: 'ESTABLISHED' | 'CONNECTING';
  establishedAt: number;
  childId?: number;
  /** The CHILD_SA's packet counters. */
  packetsIn: number;
  packetsOut: number;
}

type AnyListener = (payload: never) => void;

/** The identity every fake gateway authenticates with unless a test says otherwise. */
export const GATEWAY_ID = 'gw.dc.example';

export class FakeCharon extends EventEmitter<ViciSessionEvents> implements TunnelVici {
  /** Gateway address → identity it authenticates with, where not GATEWAY_ID. */
  readonly identities = new Map<string, string>();
  /** Commands as text, oldest first; list-sas is counted in `listings` instead (every pass asks). */
  readonly transcript: string[] = [];
  /** When each transcript line was sent (Date.now(), faked in tests). */
  readonly sentAt: number[] = [];
  /** A guard against a controller that retries without pause: past this many initiates charon goes away. */
  initiateLimit = 500;
  listings = 0;
  /** Initiate outcome by gateway address; a gateway not named succeeds. */
  readonly outcomes = new Map<string, Outcome>();
  readonly conns = new Map<string, ViciMessage>();
  readonly creds: string[] = [];
  private readonly sas = new Map<number, FakeSa>();
  private readonly subscribers = new Map<ViciEventName, Set<AnyListener>>();
  private connected = true;
  private nextIkeId = 1;
  private nextChildId = 1;

  get isConnected(): boolean {
    return this.connected;
  }

  /** Our view of charon as sorted text: loaded connections, then IKE_SAs. */
  dump(): string {
    const conns = [...this.conns].map(([name, c]) => `conn ${name} ${(getList(c, 'remote_addrs') ?? []).join(',')}`).sort();
    const sas = [...this.sas.values()]
      .sort((a, b) => a.ikeId - b.ikeId)
      .map((sa) => `sa ${sa.ikeId} ${sa.connection} ${sa.remoteHost} ${sa.state}${sa.childId ? ' ti INSTALLED' : ''}`);
    return [...conns, ...sas].join('\n');
  }

  /** The IKE_SAs as `ikeId connection` lines. */
  saList(): string[] {
    return [...this.sas.values()].map((sa) => `${sa.ikeId} ${sa.connection}`);
  }

  /** Transcript lines of one command (`initiate`, `terminate`, ...), from line `from` on. */
  calls(command: string, from = 0): string[] {
    return this.transcript.slice(from).filter((line) => line === command || line.startsWith(`${command} `));
  }

  /** When the lines of one command were sent, from line `from` on. */
  times(command: string, from = 0): number[] {
    return this.sentAt.slice(from).filter((_, i) => {
      const line = this.transcript[from + i] ?? '';
      return line === command || line.startsWith(`${command} `);
    });
  }

  /** An SA appearing outside any command of ours (another tool, an old agent, the resume at boot). */
  addSa(connection: string, remoteHost: string, state: 'ESTABLISHED' | 'CONNECTING' = 'ESTABLISHED'): number {
    const ikeId = this.nextIkeId++;
    this.sas.set(ikeId, { ikeId, connection, remoteHost, state: 'CONNECTING', establishedAt: 0, packetsIn: 12, packetsOut: 34 });
    if (state === 'ESTABLISHED') this.establish(ikeId);
    return ikeId;
  }

  /** An SA that was connecting is up, with its CHILD_SA. */
  establish(ikeId: number): void {
    const sa = this.sas.get(ikeId);
    if (!sa) throw new Error(`no IKE_SA ${ikeId}`);
    this.sas.set(ikeId, { ...sa, state: 'ESTABLISHED', establishedAt: Date.now(), childId: this.nextChildId++ });
  }

  /** charon deletes an SA on its own (the gateway sent DELETE, or a rekey failed). */
  dropSa(ikeId: number): void {
    if (!this.sas.delete(ikeId)) throw new Error(`no IKE_SA ${ikeId}`);
  }

  /** charon stops (or restarts): the socket goes away and a fresh charon knows nothing. */
  disconnect(): void {
    this.connected = false;
    this.conns.clear();
    this.sas.clear();
    this.creds.length = 0;
    this.emit('disconnected', new ViciClosedError('charon went away'));
  }

  reconnect(): void {
    this.connected = true;
    this.emit('connected');
  }

  /** Delivers a charon event to the subscribed listeners. */
  fire<K extends ViciEventName>(event: K, payload: ViciEventMap[K]): void {
    for (const listener of [...(this.subscribers.get(event) ?? [])]) (listener as (p: ViciEventMap[K]) => void)(payload);
  }

  subscriberCount(event: ViciEventName): number {
    return this.subscribers.get(event)?.size ?? 0;
  }

  async subscribe<K extends ViciEventName>(event: K, listener: (payload: ViciEventMap[K]) => void): Promise<() => Promise<void>> {
    let set = this.subscribers.get(event);
    if (!set) this.subscribers.set(event, (set = new Set()));
    if (set.has(listener as AnyListener)) throw new Error(`duplicate subscription to ${event}`);
    set.add(listener as AnyListener);
    return async () => {
      set.delete(listener as AnyListener);
    };
  }

  async clearCreds(): Promise<void> {
    this.command('clear-creds');
    this.creds.length = 0;
  }

  async loadKey(key: { type: 'ecdsa' | 'rsa' | 'any'; data: string | Uint8Array }): Promise<void> {
    this.command(`load-key ${key.type}`);
    this.creds.push(`key ${key.type}`);
  }

  async loadCert(cert: { type: 'X509' | 'X509_CRL'; flag?: 'NONE' | 'CA'; data: string | Uint8Array }): Promise<void> {
    this.command(`load-cert ${cert.type} ${cert.flag ?? 'NONE'}`);
    this.creds.push(`cert ${cert.flag ?? 'NONE'} ${String(cert.data)}`);
  }

  async loadConn(name: string, config: ViciMessage): Promise<void> {
    this.command(`load-conn ${name}`);
    this.conns.set(name, config);
  }

  async unloadConn(name: string): Promise<void> {
    this.command(`unload-conn ${name}`);
    if (!this.conns.delete(name)) throw new ViciCommandError('unload-conn', `connection '${name}' not found`);
  }

  async getConns(): Promise<string[]> {
    this.command('get-conns');
    return [...this.conns.keys()];
  }

  async listSas(): Promise<Named[]> {
    if (!this.connected) throw new ViciClosedError('not connected to charon, list-sas not sent');
    this.listings += 1;
    return [...this.sas.values()].map((sa) => ({ name: sa.connection, section: this.section(sa) }));
  }

  /** The practice's traffic for a moment: a packet into every installed CHILD_SA, and one back out of each where `inbound`. */
  carry(inbound: boolean): void {
    for (const sa of this.sas.values()) {
      if (!sa.childId) continue;
      sa.packetsOut += 1;
      if (inbound) sa.packetsIn += 1;
    }
  }

  async initiate(target: { child: string; ike?: string; timeoutMs: number }): Promise<{ log: string[] }> {
    this.command(`initiate ${target.ike ?? ''}`.trim());
    if (this.calls('initiate').length > this.initiateLimit) {
      this.disconnect();
      throw new ViciClosedError('initiate storm: the fake charon gave up');
    }
    if (target.child !== 'ti') throw new Error(`unexpected child ${target.child}`);
    const config = this.conns.get(target.ike ?? '');
    if (!config) throw new ViciCommandError('initiate', `CHILD_SA config '${target.child}' not found`);
    const gateway = (getList(config, 'remote_addrs') ?? [])[0] ?? '';
    const outcome = this.outcomes.get(gateway) ?? SUCCEED;
    const ikeId = this.nextIkeId++;
    const sa: FakeSa = { ikeId, connection: target.ike ?? '', remoteHost: gateway, state: 'CONNECTING', establishedAt: 0, packetsIn: 12, packetsOut: 34 };
    switch (outcome.kind) {
      case 'succeed':
        this.sas.set(ikeId, { ...sa, state: 'ESTABLISHED', establishedAt: Date.now(), childId: this.nextChildId++ });
        return { log: [`[IKE] IKE_SA ${sa.connection}[${ikeId}] established`] };
      case 'fail':
        throw new ViciCommandError('initiate', outcome.errmsg ?? 'initiating failed', outcome.log);
      case 'timeout':
        this.sas.set(ikeId, sa);
        await new Promise((resolve) => setTimeout(resolve, target.timeoutMs));
        throw new ViciCommandError('initiate', `CHILD_SA '${target.child}' not established after ${target.timeoutMs}ms`, outcome.log ?? []);
    }
  }

  async terminate(target: { ike?: string; ikeId?: number; force?: boolean; timeoutMs: number }): Promise<{ log: string[] }> {
    this.command(`terminate ${target.ikeId ?? target.ike ?? ''}`);
    if (target.ikeId === undefined || !this.sas.delete(target.ikeId)) throw new ViciCommandError('terminate', 'no matching SAs to terminate found');
    return { log: [] };
  }

  private command(line: string): void {
    if (!this.connected) throw new ViciClosedError(`not connected to charon, ${line.split(' ')[0]} not sent`);
    this.transcript.push(line);
    this.sentAt.push(Date.now());
  }

  private section(sa: FakeSa): ViciMessage {
    const established = sa.state === 'ESTABLISHED' ? Math.floor((Date.now() - sa.establishedAt) / 1000) : undefined;
    return viciMessage({
      uniqueid: sa.ikeId,
      version: 2,
      state: sa.state,
      'local-host': '203.0.113.5',
      'remote-host': sa.remoteHost,
      // The lab's gateways present one identity; a test may make one present another.
      'remote-id': this.identities.get(sa.remoteHost) ?? GATEWAY_ID,
      established,
      'child-sas': sa.childId
        ? { [`ti-${sa.childId}`]: { name: 'ti', uniqueid: sa.childId, state: 'INSTALLED', 'bytes-in': 1200, 'bytes-out': 3400, 'packets-in': sa.packetsIn, 'packets-out': sa.packetsOut } }
        : {},
    });
  }
}
