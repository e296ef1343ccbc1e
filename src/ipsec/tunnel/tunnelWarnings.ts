// The health warnings the tunnel's state stands for: `tunnel.noProfile`, `tunnel.disabled`,
// `tunnel.down` (with the last error's reason as its detail) and `wan.down`, at most one at a
// time, raised and cleared as the controller's state changes. A spell without a tunnel shows only
// once it has lasted TI_DOWN_GRACE_MS: a warning that comes and goes with every failover teaches
// the practice to ignore the list. Switched off by hand shows at once: nobody waits for that to heal.
import type { Health, HealthCode } from '../../core/index.ts';
import type { FailureReason } from './failure.ts';
import type { TunnelState } from './status.ts';

/**
 * How long the TI must have been out of reach before a warning says so. A failover fits well
 * inside (a stall shows within 250 ms, the WAN probe's verdict follows in half a second, an
 * initiate that goes unanswered gives up after 3 s and the next gateway is tried at once), and so
 * does a start, where the stored profile reaches the tunnel moments after it began; an outage the
 * practice notices does not.
 */
export const TI_DOWN_GRACE_MS = 10_000;

type TunnelHealthCode = Extract<HealthCode, 'tunnel.noProfile' | 'tunnel.disabled' | 'tunnel.down' | 'wan.down'>;

const CODES: readonly TunnelHealthCode[] = ['tunnel.noProfile', 'tunnel.disabled', 'tunnel.down', 'wan.down'];

interface TunnelVerdict {
  code: TunnelHealthCode;
  detail?: string;
}

/** What the controller knows of why the tunnel is not up, at a state change. */
export interface TunnelWords {
  /** The reason given with the state, as the history records it ('charon not running'). */
  reason?: string | undefined;
  /** The reason of the last failed attempt, while it stands. */
  lastError?: FailureReason | undefined;
}

/** The warning a state is evidence of; none while the tunnel is up. */
function verdictOf(state: TunnelState, words: TunnelWords): TunnelVerdict | undefined {
  switch (state) {
    case 'up':
      return undefined;
    case 'no-profile':
      return { code: 'tunnel.noProfile' };
    case 'disabled':
      return { code: 'tunnel.disabled' };
    case 'wan-down':
      return { code: 'wan.down' };
    // Its own words: an attempt's error from before charon went away says nothing about it.
    case 'charon-down':
      return withDetail('tunnel.down', words.reason);
    case 'connecting':
    case 'backoff':
      return withDetail('tunnel.down', words.lastError ?? words.reason);
  }
}

function withDetail(code: TunnelHealthCode, detail: string | undefined): TunnelVerdict {
  return detail === undefined ? { code } : { code, detail };
}

/** Spells of one kind share a grace: the TI stays out of reach while the box goes from try to try. */
type SpellKind = 'no-profile' | 'disabled' | 'trying';

export class TunnelWarnings {
  private readonly health: Pick<Health, 'raise' | 'clear'>;
  private spell: { kind: SpellKind; verdict: TunnelVerdict | undefined; graceOver: boolean } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(health: Pick<Health, 'raise' | 'clear'>) {
    this.health = health;
  }

  /** The controller's state, at each change and whenever it is set again (the error may be new). */
  update(state: TunnelState, words: TunnelWords = {}): void {
    if (state === 'up') {
      this.end();
      return;
    }
    const kind: SpellKind = state === 'no-profile' || state === 'disabled' ? state : 'trying';
    if (this.spell?.kind !== kind) {
      // A new kind of spell: the other's warning no longer holds, and this one's grace starts now.
      this.end();
      const spell = { kind, verdict: undefined, graceOver: kind === 'disabled' };
      this.spell = spell;
      if (!spell.graceOver) {
        this.timer = setTimeout(() => {
          spell.graceOver = true;
          this.show();
        }, TI_DOWN_GRACE_MS);
      }
    }
    // An attempt under way is no new evidence: a WAN outage, tried through now and then, must
    // not turn into a tunnel fault for the seconds each try takes.
    if (state !== 'connecting' || this.spell.verdict === undefined) this.spell.verdict = verdictOf(state, words);
    this.show();
  }

  /** Stops the grace timer; the warnings raised stay, as the state they describe does. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.spell = undefined;
  }

  private show(): void {
    const verdict = this.spell?.graceOver ? this.spell.verdict : undefined;
    if (verdict === undefined) return;
    for (const code of CODES) if (code !== verdict.code) this.health.clear(code);
    this.health.raise(verdict.code, verdict.detail);
  }

  private end(): void {
    this.stop();
    for (const code of CODES) this.health.clear(code);
  }
}
