// The health commit's decisions: what a boot finds, and the step after each round of checks.
import { describe, expect, it } from 'vitest';
import {
  MAX_COMMIT_BOOTS, outcomeOfBoot, parseInstalledThisBoot, parsePendingBoot, planCommit, renderInstalledThisBoot, renderPendingBoot, type PendingBoot,
} from '../../../../src/updater/index.ts';

const PENDING: PendingBoot = { slot: 'B', version: '2.0.0', previousSlot: 'A', previousVersion: '1.0.0', actionId: '7', boots: 0, committed: false };

describe('outcomeOfBoot', () => {
  it('finds nothing to judge without a pending boot', () => {
    expect(outcomeOfBoot(undefined, 'A')).toEqual({ kind: 'none' });
  });

  it('judges the new slot when it runs, counting the boot', () => {
    expect(outcomeOfBoot(PENDING, 'B')).toEqual({ kind: 'judge', pending: { ...PENDING, boots: 1 } });
  });

  it('finds the bootloader went back when the old slot runs, and says so in words', () => {
    expect(outcomeOfBoot({ ...PENDING, boots: 1 }, 'A')).toEqual({
      kind: 'fellBack', pending: { ...PENDING, boots: 1 }, reason: 'version 2.0.0 in slot B did not come up healthy; slot A with version 1.0.0 runs again',
    });
  });

  it(`judges the new slot bad at once after ${MAX_COMMIT_BOOTS} boots without a commit (power cuts during the commit)`, () => {
    expect(outcomeOfBoot({ ...PENDING, boots: MAX_COMMIT_BOOTS - 1 }, 'B')).toMatchObject({ kind: 'judge', pending: { boots: MAX_COMMIT_BOOTS } });
    expect(outcomeOfBoot({ ...PENDING, boots: MAX_COMMIT_BOOTS }, 'B')).toEqual({
      kind: 'tooManyBoots', pending: { ...PENDING, boots: MAX_COMMIT_BOOTS }, reason: `version 2.0.0 was started ${MAX_COMMIT_BOOTS} times without passing its health check`,
    });
  });

  it('finds the reboot still to come when the install was made in this boot, and keeps whether it was forced', () => {
    expect(outcomeOfBoot(PENDING, 'A', { slot: 'B', version: '2.0.0', forced: true })).toEqual({ kind: 'notRebooted', pending: PENDING, forced: true });
    expect(outcomeOfBoot(PENDING, 'A', { slot: 'B', version: '2.0.0', forced: false })).toEqual({ kind: 'notRebooted', pending: PENDING, forced: false });
  });

  it('takes a record of another install in this boot for none: the old slot runs again after a reboot', () => {
    expect(outcomeOfBoot(PENDING, 'A', { slot: 'B', version: '3.0.0', forced: false })).toMatchObject({ kind: 'fellBack' });
    expect(outcomeOfBoot({ ...PENDING, committed: true }, 'A', { slot: 'B', version: '2.0.0', forced: false })).toMatchObject({ kind: 'fellBack' });
    // The new slot runs: the record cannot be of this boot's install any more, the slot is judged.
    expect(outcomeOfBoot(PENDING, 'B', { slot: 'B', version: '2.0.0', forced: false })).toMatchObject({ kind: 'judge' });
  });

  it('judges a committed slot no more, whatever the boots', () => {
    expect(outcomeOfBoot({ ...PENDING, boots: 9, committed: true }, 'B')).toMatchObject({ kind: 'committed' });
  });
});

describe('planCommit', () => {
  it('marks good once every check passes, also before the deadline', () => {
    expect(planCommit({ agent: true, wan: true, tunnel: true }, 1_000)).toEqual({ kind: 'markGood' });
  });

  it('checks again while one fails before the deadline', () => {
    expect(planCommit({ agent: true, wan: true, tunnel: 'no answer' }, 299_999)).toEqual({ kind: 'checkAgain' });
  });

  it('marks bad at the deadline (5 minutes by default), naming each failing check', () => {
    expect(planCommit({ agent: true, wan: 'no lease', tunnel: 'no answer' }, 300_000)).toEqual({
      kind: 'markBad', reason: 'not healthy within 300 s (wan: no lease; tunnel: no answer)',
    });
  });

  it('never marks good on no checks at all', () => {
    expect(planCommit({}, 0)).toEqual({ kind: 'checkAgain' });
    expect(planCommit({}, 60_000, 60_000)).toEqual({ kind: 'markBad', reason: 'not healthy within 60 s (no check ran)' });
  });
});

describe('the record of an install made in this boot', () => {
  it('round-trips, and reads anything else as none', () => {
    expect(parseInstalledThisBoot(renderInstalledThisBoot({ slot: 'B', version: '2.0.0', forced: true }))).toEqual({ slot: 'B', version: '2.0.0', forced: true });
    for (const text of ['', 'null', '[]', '{"slot":"B","version":"2.0.0"}', '{"slot":"B","version":2,"forced":false}']) expect(parseInstalledThisBoot(text)).toBeUndefined();
  });
});

describe('the pending boot file', () => {
  it('round-trips, the action id too when there is none', () => {
    expect(parsePendingBoot(renderPendingBoot(PENDING))).toEqual(PENDING);
    expect(parsePendingBoot(renderPendingBoot({ ...PENDING, actionId: undefined }))).toEqual({ ...PENDING, actionId: undefined });
  });

  it.each([
    ['not JSON', '{'], ['no slot', JSON.stringify({ ...PENDING, slot: 1 })], ['negative boots', JSON.stringify({ ...PENDING, boots: -1 })],
    ['no committed flag', JSON.stringify({ ...PENDING, committed: 'yes' })], ['a list', '[]'],
  ])('reads %s as no pending boot', (_name, text) => {
    expect(parsePendingBoot(text)).toBeUndefined();
  });
});
