import { describe, expect, it } from 'vitest';
import { columns, padColumns } from '../../../src/agent/cli/textWidth.ts';
import { alignColumns } from '../../../src/agent/cli/table.ts';

describe('columns', () => {
  it.each([
    ['', 0],
    ['Empfang-PC', 10],
    ['Müller', 6], // precomposed ü
    ['Mu\u0308ller', 6], // u and a combining diaeresis
    ['受付-PC', 7],
    ['한국', 4],
    ['か\u3099', 2], // kana and a combining voiced sound mark
    ['ＡＢ', 4], // fullwidth Latin
    ['ｱｲ', 2], // halfwidth Katakana
    ['Ελλάδα', 6], // ambiguous width counts one
    ['\u{1F468}\u200D\u{1F469}\u200D\u{1F467}', 2], // one family emoji joined by ZWJ
    ['\u{1F1E9}\u{1F1EA}', 2], // a flag: two regional indicators
    ['\u2764', 1], // text heart
    ['\u2764\uFE0F', 2], // the same heart asked for as emoji
    ['a\u00ADb', 2], // a soft hyphen takes no column
  ])('%j takes %i columns', (text, expected) => {
    expect(columns(text)).toBe(expected);
  });

  it('pads by columns, not by UTF-16 units', () => {
    expect(padColumns('受付', 6)).toBe('受付  ');
    expect(padColumns('Mu\u0308ller', 8)).toBe('Mu\u0308ller  ');
    expect(padColumns('too long', 3)).toBe('too long');
  });
});

describe('alignColumns', () => {
  it('lines up columns after wide and combining characters', () => {
    const lines = alignColumns([
      ['NAME', 'ADDRESS'],
      ['受付-PC', '10.77.12.10'],
      ['Mu\u0308ller KT', '10.77.12.40'],
    ]);
    expect(lines).toEqual(['NAME       ADDRESS', '受付-PC    10.77.12.10', 'Mu\u0308ller KT  10.77.12.40']);
    // The second column starts at the same terminal column on every line.
    expect(lines.map((line) => columns(line.slice(0, line.search(/ \S+$/) + 1)))).toEqual([11, 11, 11]);
  });
});
