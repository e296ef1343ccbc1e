// When to try again after failed attempts (gemSpec_Kon TIP1-A_4779). Attempts go in rounds over
// the gateways in turn: within a round a failure is followed at once by the next gateway (a fault
// at one gateway costs no wait), and before each further round the box waits 1 s, 2 s, 4 s … up
// to 5 minutes, each spread by ±25 % jitter so a fleet that lost its datacenter does not come
// back in lockstep. The caller counts one failure per attempt (one initiate to one gateway), and
// only those while the WAN was up; it resets the count once the tunnel carries traffic.

export const MAX_BACKOFF_MS = 5 * 60_000;
const FIRST_WAIT_MS = 1_000;
const JITTER = 0.25;

/**
 * Milliseconds to wait before the next attempt after `failures` consecutive failures with
 * `gateways` gateways to try. `random` returns [0, 1) (injected for tests).
 */
export function backoffDelayMs(failures: number, gateways: number, random: () => number = Math.random): number {
  const rounds = Math.floor(failures / Math.max(1, gateways));
  if (failures === 0 || failures % Math.max(1, gateways) !== 0) return 0;
  const base = Math.min(MAX_BACKOFF_MS, FIRST_WAIT_MS * 2 ** (rounds - 1));
  const spread = base * JITTER * (2 * random() - 1);
  return Math.min(MAX_BACKOFF_MS, Math.max(0, Math.round(base + spread)));
}
