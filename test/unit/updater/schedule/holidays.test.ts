// German national holidays, from the year alone.
import { describe, expect, it } from 'vitest';
import { easterSunday, nationalHolidayOn, nationalHolidays } from '../../../../src/updater/index.ts';

describe('easterSunday', () => {
  // Published Easter dates, including the earliest (22 March) and latest (25 April) possible.
  it.each([
    [2008, 3, 23], [2011, 4, 24], [2019, 4, 21], [2024, 3, 31], [2025, 4, 20], [2026, 4, 5], [2027, 3, 28],
    [2038, 4, 25], [1818, 3, 22], [2285, 3, 22], [2000, 4, 23],
  ])('%i: %i/%i', (year, month, day) => {
    expect(easterSunday(year)).toEqual({ year, month, day });
  });
});

describe('nationalHolidays', () => {
  it('lists the nine national holidays of 2026 with the dates that follow Easter', () => {
    expect(nationalHolidays(2026).map((h) => `${h.month}-${h.day} ${h.name}`)).toEqual([
      '1-1 Neujahr', '4-3 Karfreitag', '4-6 Ostermontag', '5-1 Tag der Arbeit', '5-14 Christi Himmelfahrt',
      '5-25 Pfingstmontag', '10-3 Tag der Deutschen Einheit', '12-25 1. Weihnachtstag', '12-26 2. Weihnachtstag',
    ]);
  });

  it('moves Good Friday into March and Ascension into April in a year of early Easter', () => {
    const names = (y: number) => Object.fromEntries(nationalHolidays(y).map((h) => [h.name, `${h.month}-${h.day}`]));
    expect(names(2008)).toMatchObject({ Karfreitag: '3-21', Ostermontag: '3-24', 'Christi Himmelfahrt': '5-1', Pfingstmontag: '5-12' });
  });

  it('has the Reformation day of 2017 only', () => {
    expect(nationalHolidayOn({ year: 2017, month: 10, day: 31 })?.name).toBe('Reformationstag');
    expect(nationalHolidayOn({ year: 2026, month: 10, day: 31 })).toBeUndefined();
  });

  it('knows no regional holiday (Epiphany, Corpus Christi, All Saints)', () => {
    expect(nationalHolidayOn({ year: 2026, month: 1, day: 6 })).toBeUndefined();
    expect(nationalHolidayOn({ year: 2026, month: 6, day: 4 })).toBeUndefined();
    expect(nationalHolidayOn({ year: 2026, month: 11, day: 1 })).toBeUndefined();
  });
});
