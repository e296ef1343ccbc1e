// Turns what charon said about a failed attempt into one plain-words reason for the status, the
// web UI and support: the first matching rule wins, most specific first. The reasons are core's
// list, which the web UI words.
import type { FailureReason } from '../../core/index.ts';

export type { FailureReason };

const RULES: readonly [RegExp, FailureReason][] = [
  [/NO_PROPOSAL_CHOSEN|no acceptable proposal|no proposal/i, 'no proposal chosen'],
  [/certificate .*expired|expired certificate|validity .*expired/i, 'certificate expired'],
  [/not valid until|not yet valid/i, 'certificate not yet valid'],
  [/no trusted .*(?:certificate|public key) found|issuer .*not trusted|no issuer certificate found|constraint check failed|signature validation failed|verification of .*failed/i, 'gateway certificate not trusted'],
  [/AUTHENTICATION_FAILED|authentication .*failed|peer authentication failed/i, 'authentication failed'],
  // "not established after Nms": charon's answer to an initiate that got no reply in time.
  [/giving up after \d+ retransmits|retransmit \d+ of request|not established after|timeout|timed out|unreachable|no route/i, 'gateway unreachable'],
];

/** charon's words for a certificate outside its validity: "certificate invalid (valid from %T to %T)". */
const VALIDITY = /certificate invalid \(valid from (.+?) to (.+?)\)/;

export function classifyFailure(lines: readonly string[], now: Date = new Date()): FailureReason {
  for (const line of lines) {
    const validity = VALIDITY.exec(line);
    if (!validity) continue;
    const notBefore = Date.parse(validity[1] as string);
    if (Number.isFinite(notBefore) && now.getTime() < notBefore) return 'certificate not yet valid';
    return 'certificate expired';
  }
  for (const [pattern, reason] of RULES) {
    if (lines.some((line) => pattern.test(line))) return reason;
  }
  return 'attempt failed';
}

/** A certificate's validity judged by an unsynchronised clock says more about the clock. */
export function blameClock(reason: FailureReason, clockSynchronised: boolean | undefined): FailureReason {
  const validity = reason === 'certificate expired' || reason === 'certificate not yet valid';
  return validity && clockSynchronised === false ? 'clock not synchronised' : reason;
}

/**
 * The reason for a failed initiate, from charon's log lines and error message. A certificate
 * outside its validity may be the box's clock: asked now, not as of a minute ago.
 */
export async function reasonOfFailedAttempt(error: unknown, now: Date, clockSynchronised?: () => Promise<boolean | undefined>): Promise<FailureReason> {
  const log = (error as { log?: string[] }).log ?? [];
  const reason = classifyFailure([...log, String((error as Error).message)], now);
  if (reason !== 'certificate expired' && reason !== 'certificate not yet valid') return reason;
  return blameClock(reason, await clockSynchronised?.());
}
