// Wall-clock time in a time zone and back, with Node's own time-zone data (Intl): the practice's
// hours are local time, the box's clock and timers are UTC instants.
import type { CalendarDay } from './holidays.ts';

/** Monday 1 … Sunday 7 (ISO 8601). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface WallClock extends CalendarDay {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: IsoWeekday;
}

const WEEKDAYS: Readonly<Record<string, IsoWeekday>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** What a clock on the wall in `timeZone` shows at an instant. */
export function wallClockAt(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  const weekday = WEEKDAYS[parts.weekday ?? ''];
  if (weekday === undefined) throw new Error(`no weekday in the time of ${instant.toISOString()} in ${timeZone}`);
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day),
    hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second), weekday,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (whole seconds). */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClockAt(new Date(ms), timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

const HALF_DAY_MS = 12 * 3600_000;

/**
 * The instant a wall clock in `timeZone` shows a given day and time (minutes may run to 24:00,
 * which is midnight of the next day). A time shown twice (clocks turned back) gives the earlier
 * instant; a time never shown (clocks turned forward) gives the instant the gap's length later,
 * which is when the clock has passed it.
 */
export function instantOf(day: CalendarDay, minutesOfDay: number, timeZone: string): Date {
  const asUtc = Date.UTC(day.year, day.month - 1, day.day, 0, minutesOfDay);
  // The offsets half a day either side are the only two a day with one transition can have.
  const candidates = [asUtc - offsetAt(asUtc - HALF_DAY_MS, timeZone), asUtc - offsetAt(asUtc + HALF_DAY_MS, timeZone)];
  const shows = (ms: number): boolean => {
    const w = wallClockAt(new Date(ms), timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) === asUtc;
  };
  const valid = candidates.filter(shows);
  return new Date(valid.length > 0 ? Math.min(...valid) : Math.max(...candidates));
}
