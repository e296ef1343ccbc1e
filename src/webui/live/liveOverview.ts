// The overview kept current for every open page: one subscription to the agent's event stream
// (docs/control.md) for the whole process, a fresh read of the status and the devices on each
// change, and the new overview handed to every listener (the server-sent event streams) when it
// differs from the last. Traffic counters change without an event, so while anyone listens the
// overview is read again every REFRESH_MS as well. A lost stream is subscribed again after
// RETRY_MS; each new subscription reads once, so a change missed meanwhile is not lost. A factory
// reset (the stream's 'reset') is handed to its own listeners too: the app ends every session.
import type { AgentChange } from '../../control/protocol.ts';
import type { Logger } from '../../core/log.ts';
import type { Overview } from '../status/overview.ts';

export const REFRESH_MS = 10_000;
export const RETRY_MS = 1_000;

export interface LiveOverviewDeps {
  /** Follows the agent's changes until the stream ends (resolves) or fails (rejects). */
  watch: (onChange: (change: AgentChange) => void, signal: AbortSignal) => Promise<void>;
  /** Reads the overview from the agent; never rejects (an agent that does not answer is part of it). */
  read: () => Promise<Overview>;
  log: Logger;
  refreshMs?: number;
  retryMs?: number;
}

export type OverviewListener = (overview: Overview) => void;
export type ResetListener = () => void;

export class LiveOverview {
  private readonly deps: LiveOverviewDeps;
  private readonly listeners = new Set<OverviewListener>();
  private readonly resetListeners = new Set<ResetListener>();
  private latest: { overview: Overview; json: string } | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;

  constructor(deps: LiveOverviewDeps) {
    this.deps = deps;
  }

  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.follow(abort.signal).catch((error: unknown) => this.deps.log.error({ err: error }, 'following the agent failed'));
  }

  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Calls `listener` with the current overview at once (read if need be), then with each change. */
  subscribe(listener: OverviewListener): () => void {
    this.listeners.add(listener);
    if (this.latest) listener(this.latest.overview);
    else this.kick();
    if (!this.timer) this.timer = setInterval(() => this.kick(), this.deps.refreshMs ?? REFRESH_MS);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
        // Nobody sees it go stale: the next listener gets a fresh read.
        this.latest = undefined;
      }
    };
  }

  /** Calls `listener` each time the agent announces a factory reset, however it was asked for. */
  onReset(listener: ResetListener): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  /** One read at a time; a change during a read makes one more read after it. */
  refresh(): Promise<void> {
    if (this.listeners.size === 0) return Promise.resolve();
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        const overview = await this.deps.read();
        const json = JSON.stringify(overview);
        if (json === this.latest?.json || this.listeners.size === 0) continue;
        this.latest = { overview, json };
        for (const listener of [...this.listeners]) listener(overview);
      } while (this.readAgain);
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** Every reset listener, each on its own: one that throws is logged and the others still run. */
  private announceReset(): void {
    for (const listener of [...this.resetListeners]) {
      try {
        listener();
      } catch (error) {
        this.deps.log.error({ err: error }, 'a factory reset listener failed');
      }
    }
  }

  /** A refresh nobody waits for; a listener that throws is logged, not lost. */
  private kick(): void {
    this.refresh().catch((error: unknown) => this.deps.log.error({ err: error }, 'the overview was not sent'));
  }

  private async follow(signal: AbortSignal): Promise<void> {
    // Said once until the stream is back, not at every retry.
    let said = false;
    while (!signal.aborted) {
      try {
        await this.deps.watch((change) => {
          if (change === 'hello') said = false;
          if (change === 'reset') this.announceReset();
          this.kick();
        }, signal);
        if (!signal.aborted && !said) this.deps.log.warn("the agent's event stream ended; subscribing again");
      } catch (error) {
        if (!said) this.deps.log.warn({ err: error }, "the agent's event stream is not available; trying again");
      }
      said = true;
      // The agent restarting, or not there yet: read what there is (the overview says "not answering").
      this.kick();
      await new Promise((resolve) => setTimeout(resolve, this.deps.retryMs ?? RETRY_MS));
    }
  }
}
