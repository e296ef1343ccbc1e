// Picks the language of a request: the one the visitor chose (a cookie), else German.
import { de } from './de.ts';
import { en } from './en.ts';
import { LANGUAGES, type Language, type Messages } from './messages.ts';

export { DEFAULT_LANGUAGE, LANGUAGES, type Language, type LinkName, type InputProblem, type LinkReason, type Messages } from './messages.ts';

const CATALOGUE: Record<Language, Messages> = { de, en };

export function messagesFor(language: Language): Messages {
  return CATALOGUE[language];
}

/** A language code as sent by a form or kept in a cookie; undefined for anything else. */
export function parseLanguage(value: unknown): Language | undefined {
  return LANGUAGES.find((language) => language === value);
}

/** A count of bytes in the language's number format, in B, kB, MB or GB (powers of 1000). */
export function formatBytes(language: Language, bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 ? 0 : value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${new Intl.NumberFormat(language === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${units[unit] ?? ''}`;
}

/** Dates as the practice reads them: day, month, year and time of day in the box's time zone. */
export function formatTime(language: Language, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}
