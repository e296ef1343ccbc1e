// Every text in every language: the web UI's catalogues (the wizard's, the agent's errors and the
// tunnel's failures among them) have the same keys in German and English, each a text or a
// function of the same parameters, none empty; the texts the agent itself carries in both
// languages (health warnings, the config schema's labels and help) have both. The type checker
// finds most of this already; this also finds an empty text and a key a map gained in one
// language only.
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA } from '../../../src/agent/store/configSchema.ts';
import { FAILURE_REASONS, HEALTH_CATALOGUE } from '../../../src/core/index.ts';
import { WORDED_AGENT_ERRORS } from '../../../src/webui/i18n/agentErrors.ts';
import { LANGUAGES, messagesFor, wordFor, type Language } from '../../../src/webui/i18n/index.ts';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Where two languages' catalogues differ in shape, by the path of the key, each in words. */
function differences(left: unknown, right: unknown, names: readonly [string, string], path = ''): string[] {
  const at = path === '' ? '(top)' : path;
  if (typeof left === 'string' || typeof right === 'string') {
    if (typeof left !== 'string' || typeof right !== 'string') return [`${at}: a text in ${typeof left === 'string' ? names[0] : names[1]} only`];
    return [left, right].flatMap((text, i) => (text.trim() === '' ? [`${at}: empty in ${names[i] ?? ''}`] : []));
  }
  if (typeof left === 'function' || typeof right === 'function') {
    if (typeof left !== 'function' || typeof right !== 'function') return [`${at}: a function in ${typeof left === 'function' ? names[0] : names[1]} only`];
    return left.length === right.length ? [] : [`${at}: takes ${left.length} parameters in ${names[0]}, ${right.length} in ${names[1]}`];
  }
  if (!isObject(left) || !isObject(right)) return [`${at}: neither text nor function nor group`];
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.flatMap((key) => {
    const inner = path === '' ? key : `${path}.${key}`;
    if (!Object.hasOwn(right, key)) return [`${inner}: in ${names[0]} only`];
    if (!Object.hasOwn(left, key)) return [`${inner}: in ${names[1]} only`];
    return differences(left[key], right[key], names, inner);
  });
}

/** The texts given per language ({ de, en } objects) anywhere in `value` that miss a language or are empty. */
function missingLanguages(value: unknown, path = ''): string[] {
  if (!isObject(value)) return [];
  const own = LANGUAGES.some((language) => Object.hasOwn(value, language))
    ? LANGUAGES.flatMap((language) => {
        const text = value[language];
        return typeof text === 'string' && text.trim() !== '' ? [] : [`${path}: no ${language} text`];
      })
    : [];
  const inner = Object.entries(value).flatMap(([key, child]) => ((LANGUAGES as readonly string[]).includes(key) ? [] : missingLanguages(child, path === '' ? key : `${path}.${key}`)));
  return [...own, ...inner];
}

describe('the catalogues in every language', () => {
  it('finds a text in one language only, an empty text and a function of other parameters, each by its path', () => {
    const de = { title: 'Titel', nav: { back: 'Zurück', next: 'Weiter' }, count: (n: number) => `${n}`, empty: 'x' };
    const en = { title: 'Title', nav: { back: 'Back' }, count: (n: number, of: number) => `${n}/${of}`, empty: ' ', extra: 'Extra' };
    expect(differences(de, en, ['de', 'en'])).toEqual(['count: takes 1 parameters in de, 2 in en', 'empty: empty in en', 'extra: in en only', 'nav.next: in de only']);
    expect(missingLanguages({ a: { label: { de: 'A', en: '' } }, b: { text: { de: 'B' } } })).toEqual(['a.label: no en text', 'b.text: no en text']);
  });

  it.each(LANGUAGES.filter((language) => language !== 'de'))('has every text of German in %s too, and none more', (language) => {
    expect(differences(messagesFor('de'), messagesFor(language), ['de', language])).toEqual([]);
  });

  it.each(LANGUAGES)('words in %s exactly the agent errors of the one list and every failure reason of the tunnel', (language: Language) => {
    const m = messagesFor(language);
    expect(Object.keys(m.agentErrors).sort()).toEqual([...WORDED_AGENT_ERRORS].sort());
    expect(Object.keys(m.failures).sort()).toEqual([...FAILURE_REASONS].sort());
  });

  it('has the health warnings and the config schema in every language', () => {
    expect(missingLanguages(HEALTH_CATALOGUE)).toEqual([]);
    expect(missingLanguages(CONFIG_SCHEMA)).toEqual([]);
  });

  it('words only a key of the catalogue itself: a code it does not know, or an inherited name, stays unworded', () => {
    const m = messagesFor('de');
    expect(wordFor(m.failures, 'gateway unreachable')).toBe(m.failures['gateway unreachable']);
    for (const key of ['constructor', 'toString', '__proto__', 'TIBOX_NOT_A_CODE']) {
      expect(wordFor(m.agentErrors, key), key).toBeUndefined();
      expect(wordFor(m.failures, key), key).toBeUndefined();
    }
  });
});
