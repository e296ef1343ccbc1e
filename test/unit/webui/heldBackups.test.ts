// The backups the web UI holds between a check and its restore: one per session, the newest
// replacing the one before, each gone after ten minutes of the clock or once dropped.
import { describe, expect, it } from 'vitest';
import { HeldBackups, HOLD_MS } from '../../../src/webui/routes/heldBackups.ts';

const PREVIEW = { createdAt: '2026-12-07T09:00:00.000Z', box: { serial: 'TBX-00012345', name: 'Empfang' }, changes: [], devices: { added: [], removed: [], changed: [] } };
const backup = (text: string) => ({ file: Buffer.from(text), passphrase: 'Sommer im Wartezimmer 2026', preview: PREVIEW });

describe('HeldBackups', () => {
  it('holds one backup per session, the newest, until its time is up or it is dropped', () => {
    let now = new Date('2026-12-07T10:00:00.000Z');
    const held = new HeldBackups(() => now);
    held.hold('a', backup('first'));
    held.hold('a', backup('second'));
    held.hold('b', backup('other'));
    expect(held.get('a')?.file.toString()).toBe('second');
    held.drop('b');
    expect(held.get('b')).toBeUndefined();
    now = new Date(now.getTime() + HOLD_MS - 1);
    expect(held.get('a')?.file.toString()).toBe('second');
    now = new Date(now.getTime() + 1);
    expect(held.get('a')).toBeUndefined();
  });
});
