// Picks the language of a request: the one the visitor chose (a cookie), else German.
import { de } from './de.ts';
import { en } from './en.ts';
import { LANGUAGES, type Language, type Messages } from './messages.ts';

export { DEFAULT_LANGUAGE, LANGUAGES, type Language, type LinkName, type LinkReason, type Messages } from './messages.ts';

const CATALOGUE: Record<Language, Messages> = { de, en };

export function messagesFor(language: Language): Messages {
  return CATALOGUE[language];
}

/** A language code as sent by a form or kept in a cookie; undefined for anything else. */
export function parseLanguage(value: unknown): Language | undefined {
  return LANGUAGES.find((language) => language === value);
}

/** Dates as the practice reads them: day, month, year and time of day in the box's time zone. */
export function formatTime(language: Language, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}
