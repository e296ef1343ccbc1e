// A config field's label and help in the page's language, from the agent's schema (config.describe):
// the labels the command line and the config docs use too.
import type { Language } from '../../i18n/index.ts';
import type { FieldTextView } from '../../wizard/views.ts';

export type FieldTexts = ReadonlyMap<string, FieldTextView>;

export function fieldTexts(fields: readonly FieldTextView[]): FieldTexts {
  return new Map(fields.map((f) => [f.path, f]));
}

/** The label and help of `path`; the path itself where the schema does not know it. */
export function textOf(texts: FieldTexts, path: string, language: Language): { label: string; help: string } {
  const field = texts.get(path);
  return field ? { label: field.label[language], help: field.help[language] } : { label: path, help: '' };
}
