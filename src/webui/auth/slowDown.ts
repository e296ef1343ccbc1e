// Failed logins slow down the next ones, per source address and per account (SECURITY.md,
// TR.D.11): from the fourth failure within 15 minutes each answer waits a second longer, up to
// 20 s; a successful login resets the count. No hard lockout, which any host on the LAN could use
// to keep the installer out.
import type { Request } from 'express';
import { slowDown } from 'express-slow-down';

const WINDOW_MS = 15 * 60_000;
const FREE_ATTEMPTS = 3;
const STEP_MS = 1_000;
const MAX_DELAY_MS = 20_000;

function limiter(key: (req: Request) => string) {
  return slowDown({
    windowMs: WINDOW_MS,
    delayAfter: FREE_ATTEMPTS,
    delayMs: (used) => (used - FREE_ATTEMPTS) * STEP_MS,
    maxDelayMs: MAX_DELAY_MS,
    skipSuccessfulRequests: true,
    keyGenerator: key,
    validate: { ip: false, keyGeneratorIpFallback: false },
  });
}

/** The two slow-downs for POST /login: by source address, then by the account named. */
export function loginSlowDown() {
  return [
    limiter((req) => `source ${req.socket.remoteAddress ?? ''}`),
    limiter((req) => {
      const user = (req.body as Record<string, unknown> | undefined)?.user;
      return `account ${typeof user === 'string' ? user.slice(0, 64).toLowerCase() : ''}`;
    }),
  ];
}
