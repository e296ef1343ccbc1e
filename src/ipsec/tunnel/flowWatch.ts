// Judges whether traffic flows through the tunnel from the replies of the flow probe: flowing
// while a reply came within `stallAfterMs`, stalled after that. A fresh start (or reset after a
// repair) is undecided until the first reply or the first stall.

export type Flow = 'unknown' | 'flowing' | 'stalled';

export class FlowWatch {
  private readonly stallAfterMs: number;
  private readonly onChange: (flow: Flow) => void;
  private flow: Flow = 'unknown';
  private timer: NodeJS.Timeout | undefined;
  private lastReply = 0;

  constructor(stallAfterMs: number, onChange: (flow: Flow) => void) {
    this.stallAfterMs = stallAfterMs;
    this.onChange = onChange;
  }

  get current(): Flow {
    return this.flow;
  }

  /** Back to undecided, with a fresh deadline for the first reply (by default the stall time). */
  reset(deadlineMs = this.stallAfterMs): void {
    this.flow = 'unknown';
    this.arm(deadlineMs);
  }

  /** When the last echo came back through the tunnel (ms since the epoch), 0 before any. */
  get lastReplyAt(): number {
    return this.lastReply;
  }

  reply(): void {
    this.lastReply = Date.now();
    this.arm();
    this.set('flowing');
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flow = 'unknown';
  }

  private arm(deadlineMs = this.stallAfterMs): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.set('stalled'), deadlineMs);
  }

  private set(flow: Flow): void {
    if (flow === this.flow) return;
    this.flow = flow;
    this.onChange(flow);
  }
}
