// Text tables for the CLI's human output: columns padded to their widest cell in terminal
// columns (textWidth.ts), two blanks apart, no trailing blanks.
import { columns, padColumns } from './textWidth.ts';

export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, columns(cell))));
  return rows.map((row) => row.map((cell, i) => padColumns(cell, widths[i] ?? 0)).join('  ').trimEnd());
}
