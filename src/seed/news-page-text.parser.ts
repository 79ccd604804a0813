/**
 * Reads a news page saved as plain text (one block of the page per line) into its parts: title,
 * body paragraphs, byline, the article date and the sidebar of latest headlines.
 *
 * The layout this expects, in any language and script:
 *
 *   title
 *   body paragraphs, one per line, usually with blank lines between them
 *   an optional byline of initials (`এসএস/এসএন`, `AB/CD`)
 *   page furniture (`Share this news on:`), dropped wherever it appears
 *   an optional sidebar: a heading, then headlines each ending with a date, each optionally
 *   preceded by an image marker line (`img`) where the page showed a picture
 *
 * Paragraphs are lines, not blank-line separated blocks. The text extractor writes each block of
 * the page on its own line and usually, but not always, a blank line after it: in the sample one
 * paragraph ending in a closing quote (`…চাই।”`) is followed directly by the next speaker's
 * paragraph (`শরিফ বলেন…`) on the next line. Joining the two would merge two statements by
 * different speakers; a line break inside a paragraph is not something the extractor produces.
 *
 * Nothing here knows the sample's strings: headings, furniture and image markers are data lists,
 * and the sidebar and byline are also recognised by their shape.
 */
import { findDatesInText, isValidCalendarDate, type CalendarDate, type FoundDate } from '../text/dates';
import { normalizeMultiline, normalizeText } from '../text/normalize';
import { isBylineShaped, isPageFurniture, labelKey } from '../text/page-lines';

interface LatestItem {
  headline: string;
  publishedOn: CalendarDate | null;
  /** 1-based, in page order. */
  position: number;
  /** Whether the page showed an image with this headline (an image marker line preceded it). */
  showedImage: boolean;
}

export interface ParsedNewsPage {
  title: string;
  paragraphs: string[];
  byline: string | null;
  publishedOn: CalendarDate | null;
  latestHeading: string | null;
  latest: LatestItem[];
}

/** Lines a text extractor leaves where the page showed an image. */
const IMAGE_MARKERS: readonly string[] = ['img', 'image', 'photo', 'picture', 'ছবি', 'صورة', '图片', 'фото', 'Bild'];

/**
 * Headings pages put above a list of other headlines. Known ones are recognised even where their
 * shape alone would not be enough; others are found structurally (see isHeadingShaped).
 */
const LATEST_HEADINGS: readonly string[] = [
  'সর্বশেষ', 'সর্বশেষ খবর', 'সর্বশেষ সংবাদ', 'আরও পড়ুন', 'আরও খবর', 'সর্বাধিক পঠিত',
  'Latest', 'Latest news', 'Latest stories', 'Most read', 'Related', 'Related news', 'Read more',
  'الأحدث', 'آخر الأخبار', 'الأكثر قراءة', 'تازہ ترین', 'ताज़ा ख़बरें', 'ताजा खबरें',
  '最新', '最新消息', '最新新闻', '最新ニュース', '최신 뉴스', 'Последние новости', 'Son dakika',
  'Dernières nouvelles', 'À lire aussi', 'Últimas noticias', 'Neueste Nachrichten',
];

// A sidebar heading is a label: a few words, no sentence.
const HEADING_MAX_WORDS = 4;
const HEADING_MAX_LENGTH = 40;
const ENDS_WITH_SENTENCE_TERMINAL = /\p{Sentence_Terminal}[\p{Pf}\p{Pe}"']*$/u;
// What may sit between a headline and its date, or after the date.
const HEADLINE_DATE_SEPARATOR = /[\s|·•,\-–—([]+$/u;
const AFTER_TRAILING_DATE = /^[\s\p{P}]*$/u;

const IMAGE_MARKER_KEYS = new Set(IMAGE_MARKERS.map(labelKey));
const HEADING_KEYS = new Set(LATEST_HEADINGS.map(labelKey));

type LineKind = 'image' | 'furniture' | 'text';

interface Line {
  text: string;
  kind: LineKind;
  /** The date the line ends with, when the text before it can be a headline. */
  trailingDate: FoundDate | null;
}

function trailingDate(text: string): FoundDate | null {
  const dates = findDatesInText(text);
  const last = dates[dates.length - 1];
  if (!last || last.index === 0) return null;
  if (!AFTER_TRAILING_DATE.test(text.slice(last.index + last.text.length))) return null;
  if (text.slice(0, last.index).replace(HEADLINE_DATE_SEPARATOR, '') === '') return null;
  return last;
}

function classify(text: string): Line {
  const key = labelKey(text);
  if (IMAGE_MARKER_KEYS.has(key)) return { text, kind: 'image', trailingDate: null };
  if (isPageFurniture(text)) return { text, kind: 'furniture', trailingDate: null };
  return { text, kind: 'text', trailingDate: trailingDate(text) };
}

function isHeadingShaped(text: string): boolean {
  const words = text.split(' ').filter(Boolean);
  return (
    words.length <= HEADING_MAX_WORDS &&
    [...text].length <= HEADING_MAX_LENGTH &&
    !ENDS_WITH_SENTENCE_TERMINAL.test(text) &&
    !isBylineShaped(text)
  );
}

interface Sidebar {
  /** Index of the first line that belongs to the sidebar (its heading, if any). */
  start: number;
  heading: string | null;
  items: LatestItem[];
}

/**
 * The sidebar is the run of dated headlines (and image markers) at the end of the page. The line
 * before the run is its heading when it is a known heading or shaped like one. Without a heading,
 * a single dated line is more likely the article's own last line than a sidebar, so at least two
 * headlines are required then.
 */
function findSidebar(lines: Line[], titleIndex: number): Sidebar | null {
  let index = lines.length - 1;
  let headlines = 0;
  while (index > titleIndex) {
    const line = lines[index]!;
    if (line.kind === 'text' && !line.trailingDate) break;
    if (line.trailingDate) headlines += 1;
    index -= 1;
  }
  if (headlines === 0) return null;

  const before = index > titleIndex ? lines[index]! : null;
  const hasHeading =
    before !== null && (HEADING_KEYS.has(labelKey(before.text)) || isHeadingShaped(before.text));
  if (!hasHeading && headlines < 2) return null;

  const items: LatestItem[] = [];
  let imagePending = false;
  for (const line of lines.slice(index + 1)) {
    if (line.kind === 'image') imagePending = true;
    if (!line.trailingDate) continue;
    const headline = normalizeText(line.text.slice(0, line.trailingDate.index).replace(HEADLINE_DATE_SEPARATOR, ''));
    items.push({ headline, publishedOn: line.trailingDate.date, position: items.length + 1, showedImage: imagePending });
    imagePending = false;
  }
  return hasHeading
    ? { start: index, heading: normalizeText(before!.text), items }
    : { start: index + 1, heading: null, items };
}

function dayNumber(date: CalendarDate): number {
  return Date.UTC(date.year, date.month - 1, date.day) / 86_400_000;
}

/** The newest date among the sidebar's headlines: the best clue to when the page was rendered. */
function newestDate(items: LatestItem[]): CalendarDate | undefined {
  let newest: CalendarDate | undefined;
  for (const { publishedOn } of items) {
    if (publishedOn && isValidCalendarDate(publishedOn) && (!newest || dayNumber(publishedOn) > dayNumber(newest))) {
      newest = publishedOn;
    }
  }
  return newest;
}

/**
 * Parses the text of a news page. Throws when the text has no line that could be a title.
 * Every string returned is NFC with whitespace folded (normalizeText).
 */
export function parseNewsPageText(raw: string): ParsedNewsPage {
  const lines = normalizeMultiline(raw.replace(/^\uFEFF/, ''))
    .split('\n')
    .filter((text) => text !== '')
    .map(classify);

  const titleIndex = lines.findIndex((line) => line.kind === 'text');
  if (titleIndex === -1) throw new Error('News page text has no title line');

  const sidebar = findSidebar(lines, titleIndex);
  const articleLines = lines
    .slice(titleIndex + 1, sidebar ? sidebar.start : lines.length)
    .filter((line) => line.kind === 'text')
    .map((line) => normalizeText(line.text));

  let byline: string | null = null;
  const last = articleLines[articleLines.length - 1];
  if (last !== undefined && isBylineShaped(last)) {
    byline = last;
    articleLines.pop();
  }

  const latest = sidebar?.items ?? [];
  // A body date often has no year (`বুধবার (৩ সেপ্টেম্বর)`): the sidebar's dates supply it.
  const referenceDate = newestDate(latest);
  let publishedOn: CalendarDate | null = null;
  for (const paragraph of articleLines) {
    const [first] = findDatesInText(paragraph, { referenceDate });
    if (first) {
      publishedOn = first.date;
      break;
    }
  }

  return {
    title: normalizeText(lines[titleIndex]!.text),
    paragraphs: articleLines,
    byline,
    publishedOn,
    latestHeading: sidebar?.heading ?? null,
    latest,
  };
}
