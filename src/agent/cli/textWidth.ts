// How many terminal columns a text takes, so tables and the help stay aligned when a device is
// named "受付-PC" or "Müller" with a combining diaeresis. Counted per grapheme cluster (what a
// terminal draws as one character): East Asian Wide and Fullwidth characters and emoji take two
// columns, combining marks and format characters none, everything else one. Ambiguous-width
// characters (Greek, Cyrillic, box drawing) count as one, as in a terminal outside a CJK locale.

/** East Asian Width W and F outside the emoji (UAX #11); unassigned gaps inside a block are kept in it. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo leading consonants
  [0x2329, 0x232a], // angle brackets
  [0x2e80, 0x303e], // CJK radicals, Kangxi radicals, CJK symbols and punctuation, ideographic space
  [0x3041, 0x3247], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, enclosed CJK
  [0x3250, 0x4dbf], // enclosed CJK, CJK compatibility, CJK extension A
  [0x4e00, 0xa4cf], // CJK unified ideographs, Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth ASCII
  [0xffe0, 0xffe6], // fullwidth signs
  [0x16fe0, 0x16fff], // ideographic symbols
  [0x17000, 0x18d08], // Tangut, Khitan
  [0x1aff0, 0x1b2ff], // Kana supplement and extensions, Nushu
  [0x1f200, 0x1f2ff], // enclosed ideographic supplement
  [0x20000, 0x3fffd], // CJK extensions B and later
];

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
// Emoji drawn as pictures: by default, or asked for by variation selector 16.
const EMOJI = /\p{Emoji_Presentation}|\uFE0F/u;
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

function codePointColumns(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  const code = char.codePointAt(0) ?? 0;
  return WIDE.some(([first, last]) => code >= first && code <= last) ? 2 : 1;
}

function clusterColumns(cluster: string): number {
  if (EMOJI.test(cluster)) return 2;
  // A base and its combining marks: the base's width.
  return Math.max(...Array.from(cluster, codePointColumns));
}

export function columns(text: string): number {
  let total = 0;
  for (const { segment } of graphemes.segment(text)) total += clusterColumns(segment);
  return total;
}

/** `text` padded with blanks to `width` columns (String.padEnd counts UTF-16 units instead). */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - columns(text)));
}
