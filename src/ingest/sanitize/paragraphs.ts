import sanitize from 'sanitize-html';
import { normalizeText } from '../../text/normalize';
import { NON_TEXT_TAGS } from './sanitize-html';

/** Elements that end one paragraph and start the next. */
const BLOCK_TAGS = new Set([
  'p', 'div', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'hr',
  'section', 'article', 'header', 'footer', 'aside', 'nav', 'main', 'figure', 'figcaption',
  'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'dl', 'dt', 'dd', 'address', 'details',
  'summary', 'center', 'fieldset', 'legend', 'form', 'hgroup', 'menu', 'dir', 'body', 'html',
  'video', 'audio', 'picture',
]);
/** Inline elements that separate words where the source relies on layout (table cells, images). */
const SPACING_TAGS = new Set(['td', 'th', 'img', 'wbr', 'input', 'button', 'label']);

const HAS_MARKUP = /<[a-zA-Z!/?]/;
const BLANK_LINE = /\r?\n[ \t\f\v\u00A0]*\r?\n/;

/** sanitize-html hands text over escaped with exactly these three entities. */
function unescapeText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function extractParagraphs(html: string, paragraphs: string[]): void {
  let current = '';
  let afterBr = false;
  const flush = (): void => {
    const text = normalizeText(current);
    if (text !== '') paragraphs.push(text);
    current = '';
    afterBr = false;
  };
  // sanitize-html is used as a tokenizer here (the same htmlparser2 settings as sanitizeHtml, so
  // both see the same text): every tag is dropped, the hooks mark where paragraphs break.
  sanitize(html, {
    allowedTags: [],
    allowedAttributes: {},
    disallowedTagsMode: 'discard',
    nonTextTags: NON_TEXT_TAGS,
    parseStyleAttributes: false,
    onOpenTag: (name) => {
      if (name === 'br') {
        // One <br> is a line break inside the paragraph; two in a row are the poor man's <p>.
        if (afterBr) flush();
        else {
          current += ' ';
          afterBr = true;
        }
      } else if (BLOCK_TAGS.has(name)) flush();
      else if (SPACING_TAGS.has(name)) current += ' ';
    },
    onCloseTag: (name) => {
      if (BLOCK_TAGS.has(name)) flush();
      else if (SPACING_TAGS.has(name)) current += ' ';
    },
    textFilter: (text) => {
      const plain = unescapeText(text);
      if (/\S/.test(plain)) afterBr = false;
      current += plain;
      return '';
    },
  });
  flush();
}

/**
 * Body HTML as ordered plain-text paragraphs: block elements and double <br> break paragraphs,
 * script/style/frames contribute nothing, entities are decoded once, each paragraph goes through
 * normalizeText (NFC, controls removed, whitespace folded) and empty ones are dropped.
 *
 * Text without any markup is split on blank lines instead, which is how plain-text descriptions
 * mark paragraphs. baseUrl is accepted for symmetry with sanitizeHtml: plain text keeps no URLs.
 */
export function sanitizeHtmlToParagraphs(html: string, _baseUrl?: string): string[] {
  if (!html) return [];
  const paragraphs: string[] = [];
  if (HAS_MARKUP.test(html)) extractParagraphs(html, paragraphs);
  else for (const chunk of html.split(BLANK_LINE)) extractParagraphs(chunk, paragraphs);
  return paragraphs;
}

/** HTML as one line of plain text (for titles and names). */
export function htmlToText(html: string): string {
  return sanitizeHtmlToParagraphs(html).join(' ');
}
