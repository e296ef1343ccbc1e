// The web UI writes dates itself instead of asking Intl (whose locale data costs memory): its
// text must be Intl's medium style of de-DE and en-GB, to the character, in the box's time zone,
// across both of Germany's clock changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTime } from '../../../src/webui/i18n/index.ts';

describe('formatTime', () => {
  const zone = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'Europe/Berlin';
  });
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('writes every month, day and hour as Intl does for de-DE and en-GB', () => {
    const instants = [
      '2026-03-29T00:59:59Z', '2026-03-29T01:00:00Z', '2026-10-25T00:59:59Z', '2026-10-25T01:00:00Z',
      '2027-12-31T22:59:59Z', '2027-12-31T23:00:00Z', '2026-01-05T08:04:09Z',
      ...Array.from({ length: 400 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 22 * 3_600_000 + i * 61_007).toISOString()),
    ];
    for (const iso of instants) {
      for (const [language, locale] of [['de', 'de-DE'], ['en', 'en-GB']] as const) {
        expect(formatTime(language, iso), `${language} ${iso}`).toBe(new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(iso)));
      }
    }
  });

  it('shows the local time of the box', () => {
    expect(formatTime('de', '2026-07-01T10:00:00Z')).toBe('01.07.2026, 12:00:00');
    expect(formatTime('en', '2026-09-25T21:14:09Z')).toBe('25 Sept 2026, 23:14:09');
  });

  it('gives back text that is not a date as it came', () => {
    expect(formatTime('de', 'not a date')).toBe('not a date');
  });
});
