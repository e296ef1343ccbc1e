// The function test as the control API offers it: `check.run` runs every check (runChecks.ts) and
// answers the result, `check.last` the last one. One runs at a time; a caller who asks while a
// run is under way joins it and gets its result, since a second run at once would only probe the
// same gateways twice. Each request is audited with who made it. The last result is kept in the
// state directory, on the data partition, for the installation protocol, and each finished run
// is announced on the event stream. The factory reset forgets the result (it names the practice's
// devices and addresses), and a run under way then keeps its result from the file.
import { join } from 'node:path';
import { StateFile, type ControlActions, type Logger } from '../../core/index.ts';
import type { RunnableCheck } from './check.ts';
import type { FunctionTestResult } from './result.ts';
import { runChecks } from './runChecks.ts';
import type { CheckSources } from './sources.ts';

/** The last result, in the state directory. */
export const FUNCTION_TEST_FILE = 'function-test.json';

export interface FunctionTestDeps {
  readonly checks: readonly RunnableCheck[];
  /** A fresh set of sources for each run. */
  readonly sources: () => CheckSources;
  readonly stateDir: string;
  readonly audit: (actor: string, action: string, detail: Record<string, unknown>) => void;
  readonly onFinished: (result: FunctionTestResult) => void;
  readonly log: Logger;
  readonly now: () => Date;
}

export class FunctionTest {
  private readonly deps: FunctionTestDeps;
  private readonly file: StateFile;
  private running: Promise<FunctionTestResult> | undefined;
  /** Counts forget() calls: a run begun before the last one does not save its result. */
  private forgotten = 0;

  constructor(deps: FunctionTestDeps) {
    this.deps = deps;
    this.file = new StateFile(join(deps.stateDir, FUNCTION_TEST_FILE));
  }

  registerActions(actions: ControlActions): void {
    actions.register('check.run', (_args, { actor }) => this.run(actor));
    actions.register('check.last', async () => (await this.last()) ?? null);
  }

  /** Runs the test, or joins the run under way. Never rejects: a check that fails says so in the result. */
  run(actor: string): Promise<FunctionTestResult> {
    const joined = this.running !== undefined;
    this.deps.audit(actor, 'check.run', joined ? { joined: true } : {});
    this.running ??= this.runNow(actor).finally(() => (this.running = undefined));
    return this.running;
  }

  /** The last result kept; undefined before the first run. */
  async last(): Promise<FunctionTestResult | undefined> {
    const text = await this.file.read();
    return text === undefined ? undefined : (JSON.parse(text) as FunctionTestResult);
  }

  /** Deletes the last result; a run under way answers its caller but saves nothing. */
  async forget(): Promise<void> {
    this.forgotten++;
    await this.file.remove();
  }

  private async runNow(actor: string): Promise<FunctionTestResult> {
    const { log } = this.deps;
    const begun = this.forgotten;
    const result = await runChecks(this.deps.checks, this.deps.sources(), { actor, now: this.deps.now });
    log.info({ actor, verdict: result.verdict, checks: Object.fromEntries(result.checks.map((c) => [c.id, c.verdict])) }, 'function test finished');
    if (begun !== this.forgotten) {
      log.info({ actor }, 'function test result not kept: the box was reset while it ran');
      return result;
    }
    // A result that cannot be kept is still the answer: the caller sees it, the log says why it is not kept.
    await this.file.save(`${JSON.stringify(result, null, 2)}\n`, log);
    this.deps.onFinished(result);
    return result;
  }
}
