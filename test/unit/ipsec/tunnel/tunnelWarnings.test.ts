// Which health warning each tunnel state raises, when, and when it goes: states fed by hand in fake
// time, the health list read back as `code: detail` lines.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Health, type HealthWarning } from '../../../../src/core/health.ts';
import type { TunnelState } from '../../../../src/ipsec/tunnel/status.ts';
import { TI_DOWN_GRACE_MS, TunnelWarnings, type TunnelWords } from '../../../../src/ipsec/tunnel/tunnelWarnings.ts';

const text = (w: HealthWarning) => (w.detail === undefined ? w.code : `${w.code}: ${w.detail}`);

let health: Health;
let changes: string[][];
let warnings: TunnelWarnings;

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2025-05-02T08:00:00.000Z') });
  changes = [];
  health = new Health((list) => changes.push(list.map(text)));
  warnings = new TunnelWarnings(health);
});

afterEach(() => {
  warnings.stop();
  vi.useRealTimers();
});

const shown = () => health.list().map(text);
const wait = (ms: number) => vi.advanceTimersByTime(ms);

describe('TunnelWarnings', () => {
  it.each<[TunnelState, TunnelWords, string[], string[]]>([
    ['up', {}, [], []],
    ['no-profile', {}, [], ['tunnel.noProfile']],
    ['disabled', {}, ['tunnel.disabled'], ['tunnel.disabled']],
    ['connecting', {}, [], ['tunnel.down']],
    ['connecting', { reason: 'tunnel not passing traffic' }, [], ['tunnel.down: tunnel not passing traffic']],
    ['connecting', { reason: 'tunnel rebuilt', lastError: 'gateway unreachable' }, [], ['tunnel.down: gateway unreachable']],
    ['backoff', { reason: 'authentication failed', lastError: 'authentication failed' }, [], ['tunnel.down: authentication failed']],
    ['charon-down', { reason: 'charon not running', lastError: 'no proposal chosen' }, [], ['tunnel.down: charon not running']],
    ['wan-down', { reason: 'gateway unreachable', lastError: 'gateway unreachable' }, [], ['wan.down']],
  ])('%s %j: %j before the grace, %j after it', (state, words, before, after) => {
    warnings.update(state, words);
    wait(TI_DOWN_GRACE_MS - 1);
    expect(shown()).toEqual(before);
    wait(1);
    expect(shown()).toEqual(after);
  });

  it('lets a spell without a tunnel that ends within the grace pass unseen, however often the state changes in it', () => {
    warnings.update('up');
    warnings.update('connecting', { reason: 'tunnel not passing traffic' });
    wait(3_000);
    warnings.update('wan-down');
    wait(3_000);
    warnings.update('connecting', { lastError: 'gateway unreachable' });
    wait(3_999);
    warnings.update('up');
    wait(60_000);
    expect(changes).toEqual([]);
  });

  it('counts the grace from the first state without a tunnel, not from the latest', () => {
    warnings.update('connecting');
    wait(6_000);
    warnings.update('backoff', { lastError: 'no proposal chosen' });
    wait(3_999);
    expect(shown()).toEqual([]);
    wait(1);
    expect(shown()).toEqual(['tunnel.down: no proposal chosen']);
  });

  it('follows the state once shown, keeps WAN down through an attempt, and clears everything when the tunnel is up', () => {
    warnings.update('wan-down');
    wait(TI_DOWN_GRACE_MS);
    // An attempt under way while the WAN is down is no tunnel fault.
    warnings.update('connecting', { lastError: 'gateway unreachable' });
    warnings.update('wan-down');
    // The datacenter answers and refuses: the WAN is up, the tunnel is not.
    warnings.update('backoff', { lastError: 'authentication failed' });
    warnings.update('backoff', { lastError: 'gateway certificate not trusted' });
    warnings.update('connecting', { lastError: 'gateway certificate not trusted' });
    warnings.update('up');
    expect(changes).toEqual([
      ['wan.down'],
      [],
      ['tunnel.down: authentication failed'],
      ['tunnel.down: gateway certificate not trusted'],
      [],
    ]);
  });

  it('starts the grace afresh when the box starts trying after a spell without a profile', () => {
    warnings.update('no-profile');
    wait(3_600_000);
    expect(shown()).toEqual(['tunnel.noProfile']);
    warnings.update('connecting');
    expect(shown()).toEqual([]);
    wait(TI_DOWN_GRACE_MS - 1);
    expect(shown()).toEqual([]);
    wait(1);
    expect(shown()).toEqual(['tunnel.down']);
  });

  it('shows switched off at once, whatever was shown before, and nothing of it once switched on again', () => {
    warnings.update('backoff', { lastError: 'authentication failed' });
    wait(TI_DOWN_GRACE_MS);
    warnings.update('disabled');
    expect(shown()).toEqual(['tunnel.disabled']);
    warnings.update('connecting');
    expect(shown()).toEqual([]);
    wait(TI_DOWN_GRACE_MS);
    expect(shown()).toEqual(['tunnel.down']);
  });

  it('leaves what it raised when stopped, as the state it describes stays', () => {
    warnings.update('wan-down');
    wait(TI_DOWN_GRACE_MS);
    warnings.stop();
    expect(shown()).toEqual(['wan.down']);
  });

  it('raises nothing once stopped, though a grace was running', () => {
    warnings.update('no-profile');
    warnings.stop();
    wait(2 * TI_DOWN_GRACE_MS);
    expect(changes).toEqual([]);
  });
});
