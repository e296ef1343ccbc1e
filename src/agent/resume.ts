// The first thing the agent's service does at start (resumeMain.ts), before the agent loads:
// bring the last working tunnel back (src/ipsec/tunnel/resume.ts) and lead the TI prefixes into
// it, so that after a boot or a restart the practice reaches the TI again while the agent is
// still loading. Loading the agent takes longer than the IKE exchange itself; this way it no
// longer delays the tunnel. It imports only what it needs (not the subsystems' index modules,
// which load rtnetlink and the rest), and whatever goes wrong here only means the controller
// builds the tunnel as usual.
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderRouteBatch } from '../firewall/routes/routeBatch.ts';
import { resumeTunnel, type ResumeOutcome } from '../ipsec/tunnel/resume.ts';
import { parseResumeState, resumePath, type ResumeState } from '../ipsec/tunnel/resumeState.ts';
import { ViciSession } from '../ipsec/vici/session.ts';
import type { Runner } from './runner.ts';
import { join } from 'node:path';

/** charon answers at once when it runs; a charon that does not is the controller's business. */
const CONNECT_WAIT_MS = 300;
/** Longer than an IKE exchange over a slow line; a gateway that needs more is left to the controller. */
const INITIATE_TIMEOUT_MS = 1_500;

export interface ResumeSummary {
  readonly outcome: ResumeOutcome;
  /** Whether the TI routes now lead into the resumed tunnel. */
  readonly routed: boolean;
  readonly ms: number;
  readonly error?: string;
}

export async function resumeBeforeStart(options: { dataDir: string; charonVici: string; runner: Runner }): Promise<ResumeSummary> {
  const started = performance.now();
  const done = (outcome: ResumeOutcome, routed: boolean, error?: string): ResumeSummary => ({
    outcome,
    routed,
    ms: Math.round(performance.now() - started),
    ...(error ? { error } : {}),
  });
  let state: ResumeState;
  try {
    state = parseResumeState(await readFile(resumePath(join(options.dataDir, 'state')), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return done({ result: 'nothing-saved' }, false);
    return done({ result: 'failed', reason: 'saved state unreadable' }, false, (error as Error).message);
  }
  // Quiet: the agent logs the summary once its logger is up.
  const session = new ViciSession({ socketPath: options.charonVici, log: { warn: () => undefined, debug: () => undefined }, defaultTimeoutMs: 1_000 });
  const abort = new AbortController();
  try {
    const connected = once(session, 'connected', { signal: abort.signal });
    session.start();
    await Promise.race([connected, sleep(CONNECT_WAIT_MS, undefined, { signal: abort.signal }).then(() => Promise.reject(new Error('charon not reachable')))]);
    const outcome = await resumeTunnel(session, state, INITIATE_TIMEOUT_MS);
    if (outcome.result !== 'resumed') return done(outcome, false);
    await options.runner.run('ip', ['-batch', '-'], { input: renderRouteBatch(state.routes), timeoutMs: 2_000 });
    return done(outcome, true);
  } catch (error) {
    return done({ result: 'failed', reason: (error as Error).message }, false, (error as Error).message);
  } finally {
    abort.abort();
    await session.stop();
  }
}
