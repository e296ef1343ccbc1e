// The pure decisions about a pending network change, against a clock the test sets.
import { describe, expect, it } from 'vitest';
import { isNetworkPath, NETWORK_KEYS } from '../../../../src/agent/pending/networkKeys.ts';
import { admitChange, deadlineOf, pendingState, rollbackChange, summarize } from '../../../../src/agent/pending/pendingChange.ts';
import type { PendingChange } from '../../../../src/agent/store/index.ts';
import { CONFIG_SCHEMA } from '../../../../src/agent/store/index.ts';

const START = new Date('2026-12-07T08:00:00.000Z');
const at = (seconds: number) => new Date(START.getTime() + seconds * 1000);
const PENDING: PendingChange = {
  revision: 7,
  actor: 'local-cli',
  startedAt: START.toISOString(),
  deadline: deadlineOf(START, 90).toISOString(),
  paths: ['interfaces.lanFallback', 'box.name'],
  previous: { interfaces: { lanFallback: '169.254.77.1/16' }, box: { name: 'tibox' } },
};

describe('network keys', () => {
  it('name fields of the config schema, or groups of it', () => {
    const schema = CONFIG_SCHEMA as unknown as Record<string, Record<string, unknown>>;
    for (const key of NETWORK_KEYS) {
      const [group, field] = key.split('.') as [string, string | undefined];
      expect(field === undefined ? schema[group] : schema[group]?.[field], key).toBeDefined();
    }
  });

  it('match a field by its path, or any field of a group named whole', () => {
    expect(['interfaces.lanFallback', 'interfaces.terminals', 'interfaces.lan', 'interfaces.wan'].map((p) => isNetworkPath(p))).toEqual([true, true, true, true]);
    expect(['box.name', 'tunnel.enabled', 'log.level', 'interfaces.lanFallbackX'].map((p) => isNetworkPath(p))).toEqual([false, false, false, false]);
    // A group given whole, as a 'wan' group would be.
    expect(['wan.mode', 'wan.static.gateway', 'wanx.mode'].map((p) => isNetworkPath(p, ['wan']))).toEqual([true, true, false]);
  });
});

describe('admitChange', () => {
  it('takes a change without network keys at once, and one with any network key as pending', () => {
    expect(admitChange(undefined, ['box.name', 'ui.language'])).toEqual({ kind: 'immediate' });
    expect(admitChange(undefined, ['box.name', 'interfaces.terminals'])).toEqual({ kind: 'pending' });
    expect(admitChange(undefined, [])).toEqual({ kind: 'immediate' });
  });

  it('refuses another network change while one is pending, and a change to a field the pending one altered', () => {
    expect(admitChange(PENDING, ['interfaces.terminals'])).toEqual({ kind: 'refused', pending: PENDING });
    expect(admitChange(PENDING, ['box.name'])).toEqual({ kind: 'refused', pending: PENDING });
  });

  it('takes a change elsewhere at once while one is pending', () => {
    expect(admitChange(PENDING, ['ui.language', 'log.level'])).toEqual({ kind: 'immediate' });
  });
});

describe('pendingState', () => {
  it('runs until the deadline, with the time left', () => {
    expect(pendingState(PENDING, START)).toEqual({ kind: 'running', remainingMs: 90_000 });
    expect(pendingState(PENDING, at(89.999))).toEqual({ kind: 'running', remainingMs: 1 });
  });

  it('has expired at the deadline and after it', () => {
    expect(pendingState(PENDING, at(90))).toEqual({ kind: 'expired', why: 'deadline' });
    expect(pendingState(PENDING, at(86_400))).toEqual({ kind: 'expired', why: 'deadline' });
  });

  it('counts as expired when the clock reads earlier than the change was made', () => {
    expect(pendingState(PENDING, at(-1))).toEqual({ kind: 'expired', why: 'clock' });
  });
});

describe('summarize', () => {
  it('gives the time left in whole seconds, rounded up, and 0 once expired', () => {
    expect(summarize(PENDING, at(10.2))).toEqual({
      revision: 7, actor: 'local-cli', startedAt: PENDING.startedAt, deadline: '2026-12-07T08:01:30.000Z', paths: PENDING.paths, remainingS: 80,
    });
    expect(summarize(PENDING, at(95)).remainingS).toBe(0);
  });
});

describe('rollbackChange', () => {
  it('returns each altered field, and only those, to its value before, lists whole', () => {
    expect(rollbackChange([
      { path: 'interfaces.lanFallback', old: '169.254.77.1/16' },
      { path: 'interfaces.terminals', old: ['term0', 'term1'] },
      { path: 'box.name', old: 'tibox' },
    ])).toEqual({ interfaces: { lanFallback: '169.254.77.1/16', terminals: ['term0', 'term1'] }, box: { name: 'tibox' } });
    expect(rollbackChange([])).toEqual({});
  });
});
