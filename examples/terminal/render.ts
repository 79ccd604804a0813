/**
 * Terminal rendering for text in any script: widths are counted in grapheme clusters (a Bengali
 * consonant with its vowel sign is one), East Asian wide characters take two columns, and lines
 * break between words where the script has spaces and between graphemes where it has none
 * (Chinese, Japanese, Thai), never inside a cluster.
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += WIDE.test(segment) ? 2 : 1;
  return width;
}

export function wrap(text: string, width: number, locale?: string): string[] {
  const words = new Intl.Segmenter(locale, { granularity: 'word' });
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  const push = () => {
    if (line.trim() !== '') lines.push(line.trimEnd());
    line = '';
    lineWidth = 0;
  };
  for (const { segment } of words.segment(text.replace(/\s+/g, ' '))) {
    const segmentWidth = displayWidth(segment);
    if (lineWidth + segmentWidth <= width) {
      line += lineWidth === 0 ? segment.trimStart() : segment;
      lineWidth = displayWidth(line);
      continue;
    }
    if (segmentWidth <= width) {
      push();
      line = segment.trimStart();
      lineWidth = displayWidth(line);
      continue;
    }
    // A "word" wider than the line (a long URL, an unspaced run): break it between graphemes.
    for (const { segment: grapheme } of graphemes.segment(segment)) {
      const w = displayWidth(grapheme);
      if (lineWidth + w > width) push();
      line += grapheme;
      lineWidth += w;
    }
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
