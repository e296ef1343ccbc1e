// Carries out liveness.ts: reads the CHILD_SA's counters on a timer (over the VICI session the
// controller holds, no process per reading), runs the probe (ICMP echoes from the box's TI
// address to the profile's probe target, pingProbe.ts) only while the decision asks for it, and
// says when the verdict changes. The tunnel counts as flowing, stalled or undecided as with a
// probe that never stops, at a fraction of the packets.
import { IDLE_LIVENESS, judgeLiveness, type Counters, type Evidence, type Flow, type LivenessSeen, type LivenessState, type LivenessTimings } from './liveness.ts';
import { PingProbe, type StartProcess } from './pingProbe.ts';

export interface LivenessDeps {
  start: StartProcess;
  /** The counters of the CHILD_SA that carries the tunnel; undefined while there is none. */
  readCounters: () => Promise<Counters | undefined>;
  now: () => number;
  timings: LivenessTimings;
  /** Inbound evidence, told before the verdict it brings. */
  onInbound: () => void;
  onChange: (flow: Flow) => void;
}

export class LivenessWatch {
  private readonly deps: LivenessDeps;
  private state: LivenessState = IDLE_LIVENESS;
  private target: { address: string; source: string } | undefined;
  private probe: PingProbe | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading = false;

  constructor(deps: LivenessDeps) {
    this.deps = deps;
  }

  get active(): boolean {
    return this.target !== undefined;
  }

  get current(): Flow {
    return this.state.verdict;
  }

  /** The last inbound evidence (ms since the epoch), 0 before any. */
  get lastReplyAt(): number {
    return this.state.lastInAt;
  }

  /** What judged the verdict last, and when. */
  get evidence(): { kind: Evidence; at: number } | undefined {
    return this.state.evidence;
  }

  /** Starts watching, undecided until a probe or the traffic says. */
  run(target: { address: string; source: string }): void {
    if (this.target) return;
    this.target = target;
    this.reset();
  }

  /** Undecided again (a fresh SA, the WAN back): a probe decides within `deadlineMs`. */
  reset(deadlineMs = this.deps.timings.probeAnswerMs): void {
    if (this.target) this.step({ kind: 'fresh', now: this.deps.now(), deadlineMs });
  }

  stop(): void {
    this.target = undefined;
    clearTimeout(this.timer);
    this.stopProbe();
    // The line's round trip outlives the SA: the next tunnel's first probe on a slow line waits as long.
    const { lastInAt, roundTripMs } = this.state;
    this.state = { ...IDLE_LIVENESS, lastInAt, ...(roundTripMs === undefined ? {} : { roundTripMs }) };
  }

  private step(seen: LivenessSeen): void {
    const before = this.state;
    const step = judgeLiveness(before, seen, this.deps.timings);
    if (step.state.lastInAt > before.lastInAt) this.deps.onInbound();
    this.state = step.state;
    if (step.probing) this.startProbe();
    else this.stopProbe();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.read(), step.wakeInMs);
    if (step.state.verdict !== before.verdict) this.deps.onChange(step.state.verdict);
  }

  private read(): void {
    if (!this.target || this.reading) return;
    this.reading = true;
    const judge = (counters: Counters | undefined) => {
      this.reading = false;
      // Stopped while reading: nothing to judge.
      if (this.target) this.step({ kind: 'reading', now: this.deps.now(), counters });
    };
    // A reading that fails (charon restarting, say) has nothing to compare with: the next one
    // starts a baseline, and the probe decides meanwhile.
    this.deps.readCounters().then(judge, () => judge(undefined));
  }

  private startProbe(): void {
    const target = this.target;
    if (this.probe || !target) return;
    this.probe = new PingProbe(this.deps.start, {
      target: target.address,
      source: target.source,
      intervalMs: this.deps.timings.activeReadMs,
      onReply: (roundTripMs) => this.step({ kind: 'echo', now: this.deps.now(), roundTripMs }),
    });
    this.probe.run();
  }

  private stopProbe(): void {
    this.probe?.stop();
    this.probe = undefined;
  }
}
