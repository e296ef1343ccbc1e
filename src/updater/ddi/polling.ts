// The poll interval. The server sets it in every controller base answer (`config.polling.sleep`,
// "HH:mm:ss"); hawkBit's defaults are 5 min, at least 30 s, at most 23:59:59, and it shortens the
// interval near a maintenance window. The box never polls sooner than the server said: jitter
// only adds, up to a tenth, so boxes that came up together drift apart instead of polling in
// step, and the server's load stays within what it asked for.

export const DEFAULT_POLL_MS = 5 * 60_000;
/** hawkBit's own minimum; a server asking for less is taken at this, protecting box and fleet alike. */
export const MIN_POLL_MS = 30_000;
export const MAX_POLL_MS = 24 * 3600_000;
export const POLL_JITTER = 0.1;

const SLEEP_PATTERN = /^(\d{2}):([0-5]\d):([0-5]\d)$/;

/** "HH:mm:ss" in milliseconds, or undefined when the text is not in that form. */
export function parseSleep(text: string): number | undefined {
  const match = SLEEP_PATTERN.exec(text);
  if (!match) return undefined;
  const [hours, minutes, seconds] = match.slice(1).map(Number) as [number, number, number];
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

export function formatSleep(ms: number): string {
  const total = Math.floor(ms / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(total / 3600))}:${two(Math.floor(total / 60) % 60)}:${two(total % 60)}`;
}

/** The server's interval within the bounds above. */
export function boundedPollMs(sleepMs: number | undefined): number {
  return Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, sleepMs ?? DEFAULT_POLL_MS));
}

/** Milliseconds until the next poll after a good one. `random` returns [0, 1) (injected for tests). */
export function nextPollDelayMs(sleepMs: number | undefined, random: () => number = Math.random): number {
  const interval = boundedPollMs(sleepMs);
  return Math.round(interval + interval * POLL_JITTER * random());
}
