// The practice's opening hours in the lab (updateLab.ts): a deployment that is not forced, whose
// server window is open, meets the practice open. The box downloads it, tells the server in a
// `scheduled` feedback that it waits because the practice is open, installs nothing while it is,
// and installs and reboots once it closes. The hours are the box's configuration, set as the
// installer would, relative to the real clock: the practice opens every day and closes a few
// minutes from now, German local time, so the test runs the same on any day and at any hour.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN } from '../lab/topology.ts';
import { UpdateLab } from './updateLab.ts';
import { waitFor } from './waitFor.ts';

const COMMIT_SECONDS = 60;
const DAY_MINUTES = 24 * 60;
/** Minutes from now until the practice closes: enough for the download while it is open. */
const OPEN_FOR_MINUTES = 3;

const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
/** The minute of the day in Germany now. */
function berlinMinute(): number {
  const [hours, minutes] = berlin.format(new Date()).split(':').map(Number);
  return (hours as number) * 60 + (minutes as number);
}
const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

let u: UpdateLab;

beforeAll(async () => {
  u = await UpdateLab.create(COMMIT_SECONDS);
}, 180_000);

afterAll(async () => {
  await u?.destroy();
});

describe("the practice's opening hours, in the lab", () => {
  it('waits while the practice is open and says why, installs once it closes, and the new system reports success', async () => {
    // The hours are a span within one day: a closing time past midnight cannot be set, so wait for the new day.
    while (berlinMinute() > DAY_MINUTES - OPEN_FOR_MINUTES - 1) await sleep(5_000);
    const now = berlinMinute();
    const closesAt = now + OPEN_FOR_MINUTES;
    await u.configSet(
      'updates.openingDays=mon,tue,wed,thu,fri,sat,sun', `updates.openingFrom=${hhmm(Math.max(0, now - 60))}`, `updates.openingUntil=${hhmm(closesAt)}`,
      'updates.closedOnHolidays=false', 'updates.installMinutes=5',
    );
    const file = await u.bundle('2.0.0');
    const id = await u.admin.assign({
      controllerId: PLAN.boxId, update: 'attempt', maintenanceWindow: 'available',
      chunks: [{ part: 'os', version: '2.0.0', name: 'tibox', artifacts: [{ filename: 'tibox.raucb', path: file }] }],
    });
    await waitFor(async () => expect(await u.feedback(id)).toContain('scheduled/none: downloaded; the install waits: the practice is open'), 90_000, 500);
    expect(berlinMinute()).toBeLessThan(closesAt);

    // While the practice is open the update waits, and RAUC writes nothing.
    while (!u.reboots.pending()) {
      const status = await u.updateStatus();
      const bootloader = u.rauc.bootloaderState();
      // Read after both: they were read while the practice was open.
      const minute = berlinMinute();
      if (minute < closesAt) {
        expect(status).toMatchObject({ action: { id, phase: 'waiting', detail: 'the practice is open' } });
        expect(bootloader).toBe('primary A; A good; B good');
      }
      if (minute > closesAt + 2) throw new Error(`no reboot two minutes after the practice closed at ${hhmm(closesAt)}: ${JSON.stringify(status)}`);
      await sleep(1_000);
    }
    await u.reboots.next(1_000);
    expect(berlinMinute()).toBeGreaterThanOrEqual(closesAt);
    expect(u.rauc.bootloaderState()).toBe('primary B; A good; B good');
    expect(await u.feedback(id)).toEqual(expect.arrayContaining([
      'proceeding/none: installing: the practice is closed long enough for the install and the reboot',
      expect.stringMatching(/^proceeding\/none: version 2\.0\.0 installed into slot B .* \| rebooting into version 2\.0\.0/),
    ]));

    expect(await u.reboot()).toBe('B');
    await waitFor(async () => expect((await u.admin.action(id)).state).toBe('finished'), 90_000, 500);
    expect((await u.feedback(id)).at(-1)).toBe('closed/success: version 2.0.0 runs in slot B, passed its health check and is marked good');
  }, 600_000);
});
