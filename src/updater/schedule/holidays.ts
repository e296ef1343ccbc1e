// German national holidays (those of every federal state), computed from the year alone so the
// box needs no calendar service and no look-up: fixed dates plus those that follow Easter.

/** A calendar day, month 1–12. */
export interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface Holiday extends CalendarDay {
  readonly name: string;
}

/** Easter Sunday of the Gregorian calendar (the anonymous algorithm of Meeus/Jones/Butcher). */
export function easterSunday(year: number): CalendarDay {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

/** The day `days` after (or before, when negative) a calendar day. */
export function addDays(day: CalendarDay, days: number): CalendarDay {
  const t = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** The national holidays of a year, in calendar order. */
export function nationalHolidays(year: number): Holiday[] {
  const easter = easterSunday(year);
  const after = (days: number, name: string): Holiday => ({ ...addDays(easter, days), name });
  const fixed = (month: number, day: number, name: string): Holiday => ({ year, month, day, name });
  const list = [
    fixed(1, 1, 'Neujahr'),
    after(-2, 'Karfreitag'),
    after(1, 'Ostermontag'),
    fixed(5, 1, 'Tag der Arbeit'),
    after(39, 'Christi Himmelfahrt'),
    after(50, 'Pfingstmontag'),
    fixed(10, 3, 'Tag der Deutschen Einheit'),
    fixed(12, 25, '1. Weihnachtstag'),
    fixed(12, 26, '2. Weihnachtstag'),
  ];
  // The 500th anniversary of the Reformation was a holiday in every state once.
  if (year === 2017) list.push(fixed(10, 31, 'Reformationstag'));
  return list.sort((x, y) => x.month - y.month || x.day - y.day);
}

/** The national holiday on a day, if it is one. */
export function nationalHolidayOn(day: CalendarDay): Holiday | undefined {
  return nationalHolidays(day.year).find((h) => h.month === day.month && h.day === day.day);
}
