// When a downloaded update may be installed and the box rebooted into it: hawkBit's maintenance
// window decides first (the operator's schedule for the deployment), then the practice's hours,
// which a forced deployment overrides. Pure: the time comes in, a decision goes out.
import type { Handling, MaintenanceWindow } from '../ddi/index.ts';
import { closedStretchAt, isOpen, minutesOf, WEEKDAY_NAMES, type OpeningHours, type WeekdayName } from './openingHours.ts';

/** The updates' config group as the policy reads it (docs/config.md). */
export interface UpdateTimes {
  readonly openingDays: readonly WeekdayName[];
  readonly openingFrom: string;
  readonly openingUntil: string;
  readonly closedOnHolidays: boolean;
  /** How long an install and its reboot may take: an install starts only with this much closed time left. */
  readonly installMinutes: number;
}

export const PRACTICE_TIME_ZONE = 'Europe/Berlin';

export function openingHoursOf(times: UpdateTimes, timeZone = PRACTICE_TIME_ZONE): OpeningHours {
  return { days: times.openingDays, from: times.openingFrom, until: times.openingUntil, closedOnHolidays: times.closedOnHolidays, timeZone };
}

export type InstallDecision =
  | { readonly install: true; readonly reason: string }
  /** `retryAt` when the practice's hours decide; none where the server does (ask it again at the next poll). */
  | { readonly install: false; readonly reason: string; readonly retryAt?: Date };

export interface InstallQuestion {
  readonly now: Date;
  readonly update: Handling;
  readonly maintenanceWindow: MaintenanceWindow | undefined;
  readonly times: UpdateTimes;
  readonly timeZone?: string;
}

/** How many closed stretches are looked at for one long enough; a valid config finds one in the first two. */
const MAX_STRETCHES = 16;

/** Whether to install now, and if not, why and when to ask again. */
export function decideInstall(q: InstallQuestion): InstallDecision {
  if (q.update === 'skip') return { install: false, reason: 'the deployment says not to install it (update: skip)' };
  if (q.maintenanceWindow === 'unavailable') return { install: false, reason: "the server's maintenance window is closed" };
  if (q.update === 'forced') return { install: true, reason: 'the deployment is forced' };
  const hours = openingHoursOf(q.times, q.timeZone);
  const needMs = q.times.installMinutes * 60_000;
  let at = q.now;
  for (let i = 0; i < MAX_STRETCHES; i++) {
    const stretch = closedStretchAt(at, hours);
    const start = Math.max(stretch.start.getTime(), q.now.getTime());
    if (stretch.end.getTime() - start >= needMs) {
      if (start === q.now.getTime()) return { install: true, reason: 'the practice is closed long enough for the install and the reboot' };
      const why = isOpen(q.now, hours) ? 'the practice is open' : 'the practice opens before the install and the reboot could be done';
      return { install: false, reason: why, retryAt: new Date(start) };
    }
    at = stretch.end;
  }
  return { install: false, reason: `the practice is never closed for ${q.times.installMinutes} minutes in a row` };
}

/**
 * The same for a deployment that interrupts nothing (a profile renewal, switched make-before-break):
 * the server's word alone decides, since the practice's hours guard against a reboot it has none of.
 */
export function decideLiveInstall(q: Pick<InstallQuestion, 'update' | 'maintenanceWindow'>): InstallDecision {
  if (q.update === 'skip') return { install: false, reason: 'the deployment says not to install it (update: skip)' };
  if (q.maintenanceWindow === 'unavailable') return { install: false, reason: "the server's maintenance window is closed" };
  return { install: true, reason: 'it interrupts nothing, so it need not wait for the practice to close' };
}

/** Whether the box may reboot into an installed update now, and if not, when it may. */
export function decideReboot(q: { now: Date; forced: boolean; times: UpdateTimes; timeZone?: string }): { reboot: true } | { reboot: false; retryAt: Date } {
  const hours = openingHoursOf(q.times, q.timeZone);
  if (q.forced || !isOpen(q.now, hours)) return { reboot: true };
  return { reboot: false, retryAt: closedStretchAt(q.now, hours).start };
}

/** The problems of the config group taken as a whole (each field is valid alone), one per field. */
export function updateTimesProblems(times: UpdateTimes, group = 'updates'): { field: string; reason: string }[] {
  const from = minutesOf(times.openingFrom);
  const until = minutesOf(times.openingUntil);
  if (from === undefined) return [{ field: `${group}.openingFrom`, reason: `must be a time of day HH:MM such as 06:00, not ${JSON.stringify(times.openingFrom)}` }];
  if (until === undefined) return [{ field: `${group}.openingUntil`, reason: `must be a time of day HH:MM such as 22:00 (24:00 for midnight), not ${JSON.stringify(times.openingUntil)}` }];
  if (from === 24 * 60) return [{ field: `${group}.openingFrom`, reason: 'must be before midnight: 24:00 is an end, not a start' }];
  if (from >= until) return [{ field: `${group}.openingUntil`, reason: `must be after the opening time ${times.openingFrom}: the hours are a span within one day` }];
  // The longest closed stretch: a whole day where the practice closes one, else the night.
  const closedMinutes = times.openingDays.length < WEEKDAY_NAMES.length ? 24 * 60 : 24 * 60 - (until - from);
  if (closedMinutes < times.installMinutes) {
    return [{ field: `${group}.openingUntil`, reason: `leaves at most ${closedMinutes} minutes in a row outside the opening hours, less than the ${times.installMinutes} minutes an install and its reboot are given (${group}.installMinutes)` }];
  }
  return [];
}
