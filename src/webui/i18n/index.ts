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
  // Written out rather than asked of Intl, for the same reason as formatTime below.
  const number = value.toFixed(digits);
  return `${language === 'de' ? number.replace('.', ',') : number} ${units[unit] ?? ''}`;
}

/** The months as en-GB abbreviates them. */
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'] as const;

/**
 * Dates as the practice reads them: day, month, year and time of day in the box's time zone,
 * exactly as Intl.DateTimeFormat's medium styles of de-DE and en-GB write them. Written out here
 * rather than asked of Intl, whose locale data would add some 8 MB to the web UI's resident memory
 * from its first page on.
 */
export function formatTime(language: Language, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  return language === 'de'
    ? `${two(date.getDate())}.${two(date.getMonth() + 1)}.${date.getFullYear()}, ${time}`
    : `${date.getDate()} ${EN_MONTHS[date.getMonth()] ?? ''} ${date.getFullYear()}, ${time}`;
}

/**
 * The catalogue's words for `key`, a name another part sent (an error code, a failure reason, a
 * route table), or undefined where the catalogue has none: only the catalogue's own keys count,
 * never one every object inherits, such as 'constructor'.
 */
export function wordFor<K extends string>(texts: Readonly<Record<K, string>>, key: string): string | undefined {
  return Object.hasOwn(texts, key) ? texts[key as K] : undefined;
}
