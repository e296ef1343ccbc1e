// The function test started from the web UI: the agent's check.run answers only when every check
// is done (up to some 30 s), longer than a page should take to load. So the page's button starts
// the run here and the page shows "running" until it is done; the agent keeps the result
// (check.last). One run at a time, as in the agent, which a second caller would only join.
import type { Logger } from '../../core/log.ts';
import type { CheckResultView } from '../status/checkView.ts';

export interface CheckRunsDeps {
  /** check.run asked for `user`; resolves with the result, rejects as the control client does. */
  run: (user: string) => Promise<CheckResultView>;
  log: Logger;
}

export class CheckRuns {
  private readonly deps: CheckRunsDeps;
  private current: Promise<CheckResultView> | undefined;
  /** Why the last run gave no result, until the next run starts. */
  private lastError: unknown;

  constructor(deps: CheckRunsDeps) {
    this.deps = deps;
  }

  /** Starts a run for `user`, or hands back the one under way; it never rejects unhandled. */
  start(user: string): Promise<CheckResultView> {
    if (this.current) return this.current;
    this.lastError = undefined;
    const run = this.deps.run(user).finally(() => (this.current = undefined));
    this.current = run;
    run.catch((error: unknown) => {
      this.lastError = error;
      this.deps.log.warn({ err: error, user }, 'function test not run');
    });
    return run;
  }

  running(): boolean {
    return this.current !== undefined;
  }

  /** The error of the last run that gave no result; undefined after one that did. */
  failure(): unknown {
    return this.lastError;
  }
}
