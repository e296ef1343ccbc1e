// The practice's main time (Mon–Fri 06–22 h in Germany, national holidays excepted) as data, and
// the stretches of time outside it, when an install and its reboot disturb nobody.
import { addDays, nationalHolidayOn, type CalendarDay } from './holidays.ts';
import { instantOf, wallClockAt, type IsoWeekday } from './zonedTime.ts';

export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

export interface OpeningHours {
  /** The days the practice opens. */
  readonly days: readonly WeekdayName[];
  /** 'HH:MM', local time; `from` before `until`, and `until` may be '24:00'. */
  readonly from: string;
  readonly until: string;
  /** Whether the practice is closed on national holidays that fall on an opening day. */
  readonly closedOnHolidays: boolean;
  /** An IANA time zone; for a German practice 'Europe/Berlin'. */
  readonly timeZone: string;
}

/** A stretch of time from `start` (inclusive) to `end` (exclusive). */
export interface Stretch {
  readonly start: Date;
  readonly end: Date;
}

const TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$/;

/** Minutes since midnight of an 'HH:MM' time, or undefined for anything else. */
export function minutesOf(time: string): number | undefined {
  const m = TIME.exec(time);
  if (!m) return undefined;
  return m[1] === undefined ? 24 * 60 : Number(m[1]) * 60 + Number(m[2]);
}

function opensOn(day: CalendarDay & { weekday: IsoWeekday }, hours: OpeningHours): boolean {
  if (!hours.days.includes(WEEKDAY_NAMES[day.weekday - 1]!)) return false;
  return !(hours.closedOnHolidays && nationalHolidayOn(day) !== undefined);
}

function weekdayOf(day: CalendarDay): IsoWeekday {
  const sunday0 = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
  return (sunday0 === 0 ? 7 : sunday0) as IsoWeekday;
}

/** How far ahead the opening times are looked up: more than a week, so every weekly pattern repeats. */
const LOOKAHEAD_DAYS = 10;

/** The practice's open stretches from the local day before `instant` on, in order. */
function openStretches(instant: Date, hours: OpeningHours): Stretch[] {
  const from = minutesOf(hours.from);
  const until = minutesOf(hours.until);
  if (from === undefined || until === undefined || from >= until) throw new Error(`opening hours ${hours.from}–${hours.until} are not a span of one day`);
  const today = wallClockAt(instant, hours.timeZone);
  const stretches: Stretch[] = [];
  for (let offset = -1; offset <= LOOKAHEAD_DAYS; offset++) {
    const day = addDays(today, offset);
    if (!opensOn({ ...day, weekday: weekdayOf(day) }, hours)) continue;
    stretches.push({ start: instantOf(day, from, hours.timeZone), end: instantOf(day, until, hours.timeZone) });
  }
  return stretches;
}

/** Whether the practice is open at an instant. */
export function isOpen(instant: Date, hours: OpeningHours): boolean {
  const t = instant.getTime();
  return openStretches(instant, hours).some((s) => s.start.getTime() <= t && t < s.end.getTime());
}

/**
 * The closed time from `instant` on, or from the next closing if the practice is open then. Its
 * end is the next opening; where the practice does not open within the look-ahead, the look-ahead's end.
 */
export function closedStretchAt(instant: Date, hours: OpeningHours): Stretch {
  const t = instant.getTime();
  const open = openStretches(instant, hours);
  const current = open.find((s) => s.start.getTime() <= t && t < s.end.getTime());
  const start = current ? current.end : instant;
  const next = open.find((s) => s.start.getTime() > start.getTime());
  const lastDay = addDays(wallClockAt(instant, hours.timeZone), LOOKAHEAD_DAYS + 1);
  return { start, end: next ? next.start : instantOf(lastDay, 0, hours.timeZone) };
}
