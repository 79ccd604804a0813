import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SEEDS_DIR } from '../../src/seed/seed';

/**
 * What the bundled sample page holds, read from the file itself independently of the seed's
 * parser (the tests check the parser's work against it): the title is its first line, the body
 * every non-empty line up to the byline, the sidebar every headline line after the `সর্বশেষ`
 * heading, in page order, without its `img` markers and dates.
 */
const SAMPLE_FILE = path.join(SEEDS_DIR, '000_e5d4a965580395ad.txt');
export const SAMPLE_BYLINE = 'এসএস/এসএন';
/** The date each sidebar line ends with. */
export const SAMPLE_SIDEBAR_DATE = / ?Sep 03, 2025$/;

export function sampleFromFile(): { title: string; paragraphs: string[]; headlines: string[] } {
  const lines = readFileSync(SAMPLE_FILE, 'utf8')
    .normalize('NFC')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const bylineAt = lines.indexOf(SAMPLE_BYLINE);
  const headingAt = lines.indexOf('সর্বশেষ');
  return {
    title: lines[0]!,
    paragraphs: lines.slice(1, bylineAt),
    headlines: lines
      .slice(headingAt + 1)
      .filter((line) => line !== 'img')
      .map((line) => line.replace(SAMPLE_SIDEBAR_DATE, '')),
  };
}
