/**
 * Terminal rendering for text in any script. A terminal gives each code point its own cells, so
 * widths are summed code point by code point, as the C library's wcswidth() does: East Asian wide
 * and fullwidth characters take two columns (Unicode's East Asian Width, from get-east-asian-width),
 * combining marks, format characters and the vowels and finals of a Hangul syllable none, every
 * other character one. A Bengali conjunct such as ন্ত is one grapheme cluster but two columns (ন, the
 * silent virama, ত), and a vowel sign such as the ি of কি takes a column of its own: counting
 * clusters, as this file once did, made Bengali lines wider than the terminal, which then broke
 * them mid-word. (string-width counts a cluster by its first letter and trailing spacing marks, so
 * it also gives ন্ত one column.) Emoji sequences are one two-column picture.
 *
 * Lines break at spaces, never inside a word, and inside a run of a script written without spaces
 * (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) between the words `Intl.Segmenter` finds. Only a
 * word wider than the whole line is cut, between grapheme clusters.
 */
// get-east-asian-width is an ES module. Node 20.19 and later require() it; TypeScript's "node16"
// module setting refuses the import statement in this CommonJS file, so it is required by hand.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an ES module, see above
const { eastAsianWidth } = require('get-east-asian-width') as { eastAsianWidth: (codePoint: number) => 1 | 2 };
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}\u1160-\u11FF\uD7B0-\uD7FF]/u;
// The `v` flag's sequence property (Node 20 has it; TypeScript's ES2022 target would refuse the literal).
const EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const WITHOUT_SPACES = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

function clusterWidth(cluster: string): number {
  if (EMOJI.test(cluster)) return 2;
  let width = 0;
  for (const character of cluster) if (!ZERO_WIDTH.test(character)) width += eastAsianWidth(character.codePointAt(0)!);
  return width;
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += clusterWidth(segment);
  return width;
}

/**
 * A space-separated word in the pieces a line may break between: one piece, unless it holds runs
 * of a script without spaces, which break between the words the segmenter finds there.
 * Punctuation stays with the piece before it (no line starts with 。 or a danda).
 */
function breakablePieces(word: string, segmenter: Intl.Segmenter): string[] {
  const pieces: string[] = [];
  for (const { segment } of segmenter.segment(word)) {
    const last = pieces.at(-1);
    if (last !== undefined && WITHOUT_SPACES.test(last.at(-1)!) && WITHOUT_SPACES.test(segment[0]!)) pieces.push(segment);
    else if (last !== undefined) pieces[pieces.length - 1] = last + segment;
    else pieces.push(segment);
  }
  return pieces;
}

export function wrap(text: string, width: number, locale?: string): string[] {
  const segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  const push = () => {
    if (line !== '') lines.push(line);
    line = '';
    lineWidth = 0;
  };
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    breakablePieces(word, segmenter).forEach((piece, i) => {
      const space = i === 0 && line !== '' ? ' ' : '';
      const pieceWidth = displayWidth(piece);
      if (lineWidth + space.length + pieceWidth <= width) {
        line += space + piece;
        lineWidth += space.length + pieceWidth;
        return;
      }
      push();
      if (pieceWidth <= width) {
        line = piece;
        lineWidth = pieceWidth;
        return;
      }
      // A word wider than the line (a long URL): cut between grapheme clusters.
      for (const { segment: cluster } of graphemes.segment(piece)) {
        const w = clusterWidth(cluster);
        if (lineWidth + w > width) push();
        line += cluster;
        lineWidth += w;
      }
    });
  }
  push();
  return lines;
}

/** A date as a reader of that language writes it: ৩ সেপ্টেম্বর, ২০২৫ in Bengali, 2025年9月3日 in Chinese. */
export function formatDate(iso: string, language: string | null | undefined): string {
  const date = new Date(iso);
  try {
    return new Intl.DateTimeFormat(language ?? 'en', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  } catch {
    return new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  }
}

export function indent(lines: string[], prefix: string): string {
  return lines.map((line) => prefix + line).join('\n');
}
