// The human-readable function test: a table of verdict, check and measured value, each fix in
// the chosen language on its own line below its check, and the note where a check has one.
// Pure: the same result gives the same text.
import type { FunctionTestResult, Verdict } from '../check/result.ts';
import type { Lang } from './command.ts';
import { alignColumns } from './table.ts';

const VERDICTS: Record<Lang, Record<Verdict, string>> = {
  de: { pass: 'OK', warn: 'WARNUNG', fail: 'FEHLER', skipped: 'entfällt' },
  en: { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skipped: 'skipped' },
};

const LABELS: Record<Lang, { header: [string, string, string]; summary: (verdict: string, at: string, actor: string) => string; none: string }> = {
  de: {
    header: ['Ergebnis', 'Prüfung', 'Messwert'],
    summary: (verdict, at, actor) => `Funktionstest: ${verdict} (${at}, ${actor})`,
    none: 'Es wurde noch kein Funktionstest ausgeführt.',
  },
  en: {
    header: ['Verdict', 'Check', 'Value'],
    summary: (verdict, at, actor) => `Function test: ${verdict} (${at}, ${actor})`,
    none: 'No function test has been run yet.',
  },
};

export function formatCheck(result: FunctionTestResult | null, lang: Lang): string {
  const labels = LABELS[lang];
  if (!result) return `${labels.none}\n`;
  const verdicts = VERDICTS[lang];
  const rows = result.checks.map((c) => [verdicts[c.verdict], `${c.number} ${c.title[lang]}`, c.value]);
  const table = alignColumns([labels.header, ...rows]);
  const lines = [table[0] as string];
  result.checks.forEach((c, i) => {
    lines.push(table[i + 1] as string);
    if (c.fix) lines.push(`    -> ${c.fix[lang]}`);
    if (c.note) lines.push(`    ${c.note[lang]}`);
  });
  lines.push('', labels.summary(verdicts[result.verdict], result.finishedAt, result.actor));
  return `${lines.join('\n')}\n`;
}
