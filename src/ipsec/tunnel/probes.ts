// The tunnel's two probes and what they tell: the liveness watch (the CHILD_SA's own traffic, and
// echoes through the tunnel from the box's TI address to the profile's probe target only when
// they decide something, livenessWatch.ts) judges whether traffic flows; the light
// WAN probe (echoes to the gateways' public addresses, and TCP knocks at the management
// endpoint where it is reached over the internet, only while the tunnel is not known to flow)
// judges whether anything beyond the practice router answers. The controller asks; the probes
// tell it when there is news.
import { KnockProbe, type Knock } from './knockProbe.ts';
import { LIVENESS_TIMINGS, type Counters } from './liveness.ts';
import { LivenessWatch } from './livenessWatch.ts';
import { PingProbe, type StartProcess } from './pingProbe.ts';
import type { TunnelProfile } from './tunnelProfile.ts';

export interface ProbeTimings {
  flowIntervalMs: number;
  stallAfterMs: number;
  wanProbesPerSecond: number;
  wanFreshMs: number;
}

/**
 * An outage longer than this may have cost the SA at the gateway, even if it still carries when
 * the line is back. A gateway (strongSwan) begins DPD once nothing came from the box for its
 * dpd_delay (10 s in the lab), retransmits after waits of 4, 7, 13, 23 and 42 s (strongSwan's
 * defaults) and deletes the SA 76 s after the last, 165 s after it began, whatever comes
 * meanwhile: only a retransmission that reaches the box after the outage saves it. The last goes
 * 89.5 s plus dpd_delay after our last echo, so an outage under 90 s leaves one to answer whatever
 * the gateway's dpd_delay (charon's own give-up, 79 s, charonConf.ts, lies below too). Replacing
 * an SA that survived costs a make-before-break, not a packet; keeping one that did not, a second
 * gap.
 */
const LONG_OUTAGE_MS = 90_000;

export interface ProbeEvents {
  /** The flow changed, or the WAN answered for the first time since a stall: look again. */
  news(): void;
  /** The WAN answered after a real outage: whatever waited for it may go now. */
  wanBack(): void;
}

export class TunnelProbes {
  readonly flow: LivenessWatch;
  private readonly start: StartProcess;
  private readonly timings: ProbeTimings;
  private readonly now: () => number;
  private readonly events: ProbeEvents;
  private wanProbes: (PingProbe | KnockProbe)[] = [];
  private readonly knock: Knock | undefined;
  private managementEndpoint: { address: string; port: number } | undefined;
  private lastWanAnswer = 0;
  private wanProbeSince = 0;
  /** The SA under watch carried nothing through a long outage; until the watch starts afresh. */
  private outageTooLong = false;

  /** `readCounters`: the packet counters of the CHILD_SA that carries the tunnel, read over VICI. */
  constructor(start: StartProcess, timings: ProbeTimings, now: () => number, events: ProbeEvents, readCounters: () => Promise<Counters | undefined>, knock?: Knock) {
    this.start = start;
    this.knock = knock;
    this.timings = timings;
    this.now = now;
    this.events = events;
    this.flow = new LivenessWatch({
      start,
      readCounters,
      now,
      timings: { ...LIVENESS_TIMINGS, activeReadMs: timings.flowIntervalMs, probeAnswerMs: timings.stallAfterMs },
      onInbound: () => this.lineAnswered(),
      onChange: () => events.news(),
    });
  }

  runFlow(profile: TunnelProfile): void {
    if (this.flow.active) return;
    this.outageTooLong = false;
    this.flow.run({ address: profile.probeAddress, source: profile.localTiAddress });
  }

  /** A fresh SA carries the tunnel: undecided until its first echo, and no outage behind it. */
  resetFlow(): void {
    this.flow.reset();
    this.outageTooLong = false;
  }

  stopFlow(): void {
    this.flow.stop();
    this.outageTooLong = false;
  }

  /** Whether the liveness watch runs: one started now is undecided, with no outage behind it. */
  get watchingFlow(): boolean {
    return this.flow.active;
  }

  /**
   * Whether the SA under watch lived through an outage longer than a gateway's DPD survives: its
   * echoes may be back, the gateway may delete it all the same. Until endLongOutage() or a fresh watch.
   */
  get longOutage(): boolean {
    return this.outageTooLong;
  }

  endLongOutage(): void {
    this.outageTooLong = false;
  }

  /** A few small packets per second in all, spread over the gateways and the management endpoint. */
  runWan(profile: TunnelProfile): void {
    if (this.wanProbes.length > 0) return;
    const management = this.knock ? this.managementEndpoint : undefined;
    const perTargetMs = (1000 * (profile.gateways.length + (management ? 1 : 0))) / this.timings.wanProbesPerSecond;
    const onAnswer = () => this.wanAnswered();
    this.wanProbes = profile.gateways.map((target) => new PingProbe(this.start, { target, intervalMs: perTargetMs, onReply: onAnswer }));
    if (management && this.knock) this.wanProbes.push(new KnockProbe(this.knock, { ...management, intervalMs: perTargetMs, onAnswer }));
    this.wanProbeSince = this.now();
    // Each target at its own moment of the interval: the WAN's return is seen within one
    // interval divided by the targets, not within a whole interval.
    this.wanProbes.forEach((probe, i) => probe.run(Math.round((i * perTargetMs) / this.wanProbes.length)));
  }

  /** The management endpoint's internet address, knocked at by the WAN probe from its next start. */
  setManagementEndpoint(endpoint: { address: string; port: number } | undefined): void {
    this.managementEndpoint = endpoint;
  }

  stopWan(): void {
    for (const probe of this.wanProbes) probe.stop();
    this.wanProbes = [];
  }

  stopAll(): void {
    this.stopFlow();
    this.stopWan();
  }

  /** Other evidence that something beyond the practice router answers (a gateway's IKE reply). */
  noteWanUp(): void {
    this.lineAnswered();
    this.lastWanAnswer = this.now();
  }

  wanUp(): boolean {
    return this.now() - this.lastWanAnswer < this.timings.wanFreshMs;
  }

  /** Only an answer after the last echo through the tunnel says the WAN is up since a stall began. */
  wanUpSinceLastEcho(): boolean {
    return this.lastWanAnswer > this.flow.lastReplyAt && this.wanUp();
  }

  /** When the WAN probe started, while it runs (ms since the epoch). */
  get wanProbingSince(): number | undefined {
    return this.wanProbes.length > 0 ? this.wanProbeSince : undefined;
  }

  /**
   * Something beyond the practice router answered: an echo through the tunnel, the WAN probe, an
   * IKE reply. The first answer of any kind ends an outage (a stall without WAN answers), and its
   * length counts from our last echo, as the gateway's DPD counts from the last packet it had.
   */
  private lineAnswered(): void {
    const outageEnds = this.flow.current === 'stalled' && !this.wanUp();
    if (outageEnds && this.now() - this.flow.lastReplyAt > LONG_OUTAGE_MS) this.outageTooLong = true;
  }

  private wanAnswered(): void {
    const now = this.now();
    const wasDown = !this.wanUp();
    // The first answer since a stall began is the news a stalled tunnel waits for.
    const firstSinceStall = this.flow.current === 'stalled' && this.lastWanAnswer <= this.flow.lastReplyAt;
    this.lineAnswered();
    this.lastWanAnswer = now;
    if (!wasDown) {
      if (firstSinceStall) this.events.news();
      return;
    }
    // The WAN is back after a real outage: SAs that survived it carry traffic again at once,
    // so the probe gets a few echoes' time before anything is replaced; after a long one
    // the stalled SA is replaced at once.
    if (now - this.wanProbeSince > this.timings.wanFreshMs && this.flow.current !== 'unknown' && !this.outageTooLong) {
      this.flow.reset(this.timings.flowIntervalMs * 3);
    }
    this.events.wanBack();
  }
}
