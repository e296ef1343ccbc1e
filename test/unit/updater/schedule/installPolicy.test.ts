// When an update is installed and the box rebooted: the server's window, the practice's hours,
// national holidays, forced deployments, and the days the clocks change.
import { describe, expect, it } from 'vitest';
import { closedStretchAt, decideInstall, decideReboot, isOpen, openingHoursOf, updateTimesProblems, type UpdateTimes } from '../../../../src/updater/index.ts';

const TIMES: UpdateTimes = { openingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], openingFrom: '06:00', openingUntil: '22:00', closedOnHolidays: true, installMinutes: 30 };
const HOURS = openingHoursOf(TIMES);
const at = (iso: string) => new Date(iso);
const attempt = (iso: string, times: UpdateTimes = TIMES) => decideInstall({ now: at(iso), update: 'attempt', maintenanceWindow: undefined, times });

describe('isOpen', () => {
  it.each([
    ['Monday 05:59 local (winter)', '2026-01-05T04:59:00Z', false],
    ['Monday 06:00 local', '2026-01-05T05:00:00Z', true],
    ['Friday 21:59 local (summer)', '2026-07-10T19:59:00Z', true],
    ['Friday 22:00 local', '2026-07-10T20:00:00Z', false],
    ['Saturday noon', '2026-07-11T10:00:00Z', false],
    ['Good Friday noon', '2026-04-03T10:00:00Z', false],
    ['Whit Monday noon', '2026-05-25T10:00:00Z', false],
    ['Christmas Eve noon (no national holiday)', '2026-12-24T11:00:00Z', true],
  ])('%s: %s', (_name, iso, open) => {
    expect(isOpen(at(iso), HOURS)).toBe(open);
  });

  it('keeps a holiday open when the practice says it opens on holidays', () => {
    expect(isOpen(at('2026-04-03T10:00:00Z'), openingHoursOf({ ...TIMES, closedOnHolidays: false }))).toBe(true);
  });

  it('follows local time across the change to summer time: Monday 30 March opens at 04:00 UTC, the Friday before at 05:00 UTC', () => {
    expect(isOpen(at('2026-03-27T04:30:00Z'), HOURS)).toBe(false);
    expect(isOpen(at('2026-03-30T04:30:00Z'), HOURS)).toBe(true);
  });
});

describe('closedStretchAt', () => {
  it('runs over the weekend from Friday 22:00 to Monday 06:00 local', () => {
    const s = closedStretchAt(at('2026-07-10T12:00:00Z'), HOURS);
    expect([s.start.toISOString(), s.end.toISOString()]).toEqual(['2026-07-10T20:00:00.000Z', '2026-07-13T04:00:00.000Z']);
  });

  it('runs over Easter from Thursday 22:00 to Tuesday 06:00, and across the change to summer time', () => {
    const s = closedStretchAt(at('2027-03-25T12:00:00Z'), HOURS);
    // Easter 2027 is 28 March, the night the clocks go forward.
    expect([s.start.toISOString(), s.end.toISOString()]).toEqual(['2027-03-25T21:00:00.000Z', '2027-03-30T04:00:00.000Z']);
  });

  it('starts at the instant asked when the practice is already closed', () => {
    const s = closedStretchAt(at('2026-10-24T12:00:00Z'), HOURS);
    // The night the clocks go back is an hour longer: Monday opens at 05:00 UTC.
    expect([s.start.toISOString(), s.end.toISOString()]).toEqual(['2026-10-24T12:00:00.000Z', '2026-10-26T05:00:00.000Z']);
  });
});

describe('decideInstall', () => {
  it('installs at once at night and at the weekend', () => {
    expect(attempt('2026-07-08T01:00:00Z')).toMatchObject({ install: true });
    expect(attempt('2026-07-11T10:00:00Z')).toMatchObject({ install: true });
  });

  it('waits during opening hours until the practice closes', () => {
    expect(attempt('2026-07-08T10:00:00Z')).toEqual({ install: false, reason: 'the practice is open', retryAt: at('2026-07-08T20:00:00Z') });
  });

  it('does not start when the practice opens before the install could be done, and waits for the evening', () => {
    expect(attempt('2026-07-08T03:45:00Z')).toEqual({
      install: false, reason: 'the practice opens before the install and the reboot could be done', retryAt: at('2026-07-08T20:00:00Z'),
    });
    expect(attempt('2026-07-08T03:30:00Z')).toMatchObject({ install: true });
  });

  it('installs on a national holiday that falls on a weekday (Day of German Unity 2025, a Friday)', () => {
    expect(attempt('2025-10-03T10:00:00Z')).toMatchObject({ install: true });
  });

  it('installs a forced deployment at once, also in opening hours', () => {
    expect(decideInstall({ now: at('2026-07-08T10:00:00Z'), update: 'forced', maintenanceWindow: undefined, times: TIMES })).toEqual({ install: true, reason: 'the deployment is forced' });
  });

  it("waits for the server's maintenance window, forced or not, with no time of its own: the server says when", () => {
    for (const update of ['attempt', 'forced'] as const) {
      expect(decideInstall({ now: at('2026-07-11T10:00:00Z'), update, maintenanceWindow: 'unavailable', times: TIMES })).toEqual({ install: false, reason: "the server's maintenance window is closed" });
    }
    expect(decideInstall({ now: at('2026-07-11T10:00:00Z'), update: 'attempt', maintenanceWindow: 'available', times: TIMES })).toMatchObject({ install: true });
  });

  it("never installs a deployment whose update is 'skip'", () => {
    expect(decideInstall({ now: at('2026-07-11T10:00:00Z'), update: 'skip', maintenanceWindow: 'available', times: TIMES })).toMatchObject({ install: false });
  });

  it('skips a night too short for the install and takes the next long enough', () => {
    const times: UpdateTimes = { ...TIMES, openingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], openingFrom: '00:30', openingUntil: '24:00', installMinutes: 30 };
    // Nights of 30 minutes: at 00:10 local on 8 July only 20 are left; the next night starts at midnight of the 9th.
    expect(attempt('2026-07-07T22:10:00Z', times)).toEqual({ install: false, reason: 'the practice opens before the install and the reboot could be done', retryAt: at('2026-07-08T22:00:00Z') });
  });
});

describe('decideReboot', () => {
  it('reboots when the practice is closed or the deployment is forced, else waits for the closing', () => {
    expect(decideReboot({ now: at('2026-07-08T21:00:00Z'), forced: false, times: TIMES })).toEqual({ reboot: true });
    expect(decideReboot({ now: at('2026-07-08T10:00:00Z'), forced: true, times: TIMES })).toEqual({ reboot: true });
    expect(decideReboot({ now: at('2026-07-08T10:00:00Z'), forced: false, times: TIMES })).toEqual({ reboot: false, retryAt: at('2026-07-08T20:00:00Z') });
  });
});

describe('updateTimesProblems', () => {
  it('accepts the defaults and a practice open every day with an hour closed', () => {
    expect(updateTimesProblems(TIMES)).toEqual([]);
    expect(updateTimesProblems({ ...TIMES, openingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], openingFrom: '01:00', openingUntil: '24:00' })).toEqual([]);
  });

  it.each([
    ['an end before the start', { openingFrom: '22:00', openingUntil: '06:00' }, 'updates.openingUntil', 'must be after the opening time 22:00: the hours are a span within one day'],
    ['24:00 as a start', { openingFrom: '24:00' }, 'updates.openingFrom', 'must be before midnight: 24:00 is an end, not a start'],
    ['a time that is none', { openingFrom: '6:00' }, 'updates.openingFrom', 'must be a time of day HH:MM such as 06:00, not "6:00"'],
    [
      'a practice open around the clock', { openingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, openingFrom: '00:10', openingUntil: '24:00' },
      'updates.openingUntil', 'leaves at most 10 minutes in a row outside the opening hours, less than the 30 minutes an install and its reboot are given (updates.installMinutes)',
    ],
  ])('refuses %s, in words', (_name, change, field, reason) => {
    expect(updateTimesProblems({ ...TIMES, ...change })).toEqual([{ field, reason }]);
  });
});
