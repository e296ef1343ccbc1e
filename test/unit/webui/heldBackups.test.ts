// The backups the web UI holds between a check and its restore: one per session, the newest
// replacing the one before, each gone when its ten minutes are up (its own timer, not the next
// use, so nothing stays in memory), once dropped, or all at once at a factory reset.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeldBackups, HOLD_MS } from '../../../src/webui/routes/heldBackups.ts';

const PREVIEW = { createdAt: '2026-12-07T09:00:00.000Z', box: { serial: 'TBX-00012345', name: 'Empfang' }, changes: [], devices: { added: [], removed: [], changed: [] } };
const backup = (text: string) => ({ file: Buffer.from(text), passphrase: 'Sommer im Wartezimmer 2026', preview: PREVIEW });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('HeldBackups', () => {
  it('holds one backup per session, the newest, until its time is up or it is dropped', () => {
    const held = new HeldBackups();
    held.hold('a', backup('first'));
    vi.advanceTimersByTime(HOLD_MS / 2);
    held.hold('a', backup('second'));
    held.hold('b', backup('other'));
    expect(held.get('a')?.file.toString()).toBe('second');
    held.drop('b');
    expect(held.get('b')).toBeUndefined();
    // The replaced backup's timer does not cut the newer one short.
    vi.advanceTimersByTime(HOLD_MS - 1);
    expect(held.get('a')?.file.toString()).toBe('second');
    vi.advanceTimersByTime(1);
    expect(held.get('a')).toBeUndefined();
  });

  it('lets go of a backup nobody asks for again when its time is up, and of all at once when told', () => {
    const held = new HeldBackups();
    held.hold('a', backup('first'));
    vi.advanceTimersByTime(HOLD_MS);
    expect(held.count()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    held.hold('a', backup('first'));
    held.hold('b', backup('other'));
    held.dropAll();
    expect(held.count()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
