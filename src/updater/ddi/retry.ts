// What to do after an answer that is not a success, and how long to wait. hawkBit answers 409
// when the action changed under the request and 429 when the box asked too often ("wait another
// second"); a 5xx or a lost connection is the datacenter's trouble. All of those are tried again,
// never sooner than a Retry-After header says.
//
// A failed poll waits at least the poll interval (the box never polls faster than the server
// allows) and at most an interval that doubles with each failure up to 30 min, drawn uniformly in
// between: after an outage the fleet's polls are spread over that whole window, not bunched at
// the moment the datacenter returns. Requests inside an action (feedback, the deployment, a
// download) are retried a few times within seconds, with the same kind of spread.
import { boundedPollMs } from './polling.ts';

export type StatusClass = 'ok' | 'retry' | 'gone' | 'refused';

/** 410 Gone: the action is no longer active on the server (canceled or closed there). */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409 || status === 429 || status === 408 || (status >= 500 && status < 600)) return 'retry';
  if (status === 410) return 'gone';
  return 'refused';
}

export const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/** Retry-After as seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d{1,9}$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000);
  // An HTTP date names a weekday and GMT; a bare number that Date.parse would take as a year is not one.
  if (!/GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
}

export const MAX_POLL_BACKOFF_MS = 30 * 60_000;

/** The window a poll after `failures` (≥ 1) consecutive failures is drawn from, in ms. */
export function pollRetryWindowMs(failures: number, sleepMs: number | undefined): { min: number; max: number } {
  const interval = boundedPollMs(sleepMs);
  const max = Math.max(interval, Math.min(MAX_POLL_BACKOFF_MS, interval * 2 ** Math.min(failures, 32)));
  return { min: interval, max };
}

/** Milliseconds until the next poll after `failures` (≥ 1) consecutive failed polls. */
export function pollRetryDelayMs(failures: number, sleepMs: number | undefined, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const { min, max } = pollRetryWindowMs(failures, sleepMs);
  return Math.max(retryAfterMs ?? 0, Math.round(min + (max - min) * random()));
}

export const MAX_REQUEST_ATTEMPTS = 5;
const FIRST_REQUEST_RETRY_MS = 1_000;
const MAX_REQUEST_RETRY_MS = 60_000;

/**
 * Milliseconds before attempt `attempt + 1` of a request inside an action (attempt ≥ 1 failed so
 * far): half to all of 1 s, 2 s, 4 s … 60 s, and never less than Retry-After or, after a 429
 * without one, the second hawkBit asks for.
 */
export function requestRetryDelayMs(attempt: number, status: number | undefined, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_REQUEST_RETRY_MS, FIRST_REQUEST_RETRY_MS * 2 ** Math.min(attempt - 1, 32));
  const floor = retryAfterMs ?? (status === 429 ? 1_000 : 0);
  return Math.max(floor, Math.round(ceiling / 2 + (ceiling / 2) * random()));
}
