// The firewall's drop reasons and the web UI's words for them: one list of codes (core), which
// the firewall's ruleset and both languages of the web UI's catalogue follow, so a reason added to
// the firewall without its text in German or English fails here (and in the type checker).
import { describe, expect, it } from 'vitest';
import { DROP_REASON_CODES, isDropReason } from '../../../src/core/index.ts';
import { DROP_REASONS } from '../../../src/firewall/index.ts';
import { LANGUAGES, messagesFor } from '../../../src/webui/i18n/index.ts';

describe('drop reasons in the web UI', () => {
  it('has the firewall drop by the codes of the one list, no more and no fewer', () => {
    expect(Object.keys(DROP_REASONS).sort()).toEqual([...DROP_REASON_CODES].sort());
  });

  it.each(LANGUAGES)('says every reason the firewall drops for in words in %s, and nothing for a code it does not have', (language) => {
    const texts = messagesFor(language).devices.dropReasons;
    for (const code of Object.keys(DROP_REASONS)) {
      const text = (texts as Record<string, string | undefined>)[code];
      expect(typeof text === 'string' && text.trim().length > 0, `${language}: no text for the drop reason ${code}`).toBe(true);
      expect(text, `${language}: the code ${code} is no text`).not.toBe(code);
    }
    expect(Object.keys(texts).sort()).toEqual(Object.keys(DROP_REASONS).sort());
  });

  it('tells a reason of the list from a code it does not know, as a newer agent might send', () => {
    expect(DROP_REASON_CODES.every(isDropReason)).toBe(true);
    for (const code of ['wan_udp', '', 'toString', 'constructor', 'CLEARTEXT']) expect(isDropReason(code), code).toBe(false);
  });
});
