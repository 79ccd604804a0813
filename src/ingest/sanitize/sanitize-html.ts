import sanitize from 'sanitize-html';
import { LINK_SCHEMES, WEB_SCHEMES, parseBaseUrl, safeUrl } from './url';

/**
 * Tags kept in stored HTML: text structure, links, images, tables and plain media. Everything
 * else is dropped with its text kept, except NON_TEXT_TAGS whose text is dropped too.
 */
const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'div', 'span', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'code',
  'em', 'strong', 'b', 'i', 'u', 's', 'strike', 'del', 'ins', 'sub', 'sup', 'small', 'big', 'mark',
  'q', 'cite', 'abbr', 'acronym', 'dfn', 'kbd', 'samp', 'var', 'time', 'bdi', 'bdo', 'wbr',
  'ruby', 'rb', 'rp', 'rt', 'rtc',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'figure', 'figcaption', 'picture',
  'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'colgroup', 'col',
  'details', 'summary', 'audio', 'video', 'source', 'address', 'article', 'section', 'aside',
  'header', 'footer', 'center',
];

/** Elements whose content is code, styling, form state or fallback markup rather than text. */
export const NON_TEXT_TAGS = [
  'script', 'style', 'textarea', 'option', 'xmp', 'noscript', 'template', 'title', 'iframe',
  'noembed', 'noframes', 'object', 'applet', 'embed', 'select', 'head', 'frameset', 'plaintext',
];

// `lang` and `dir` matter for multilingual text (right-to-left Arabic or Urdu inside a Bengali
// article); no `style` (CSS expressions, overlays), no `class`/`id`/`name` (DOM clobbering).
const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  '*': ['lang', 'dir', 'title'],
  a: ['href', 'rel', 'hreflang'],
  img: ['src', 'alt', 'width', 'height'],
  blockquote: ['cite'],
  q: ['cite'],
  del: ['cite', 'datetime'],
  ins: ['cite', 'datetime'],
  time: ['datetime'],
  abbr: ['title'],
  ol: ['start', 'reversed', 'type'],
  li: ['value'],
  td: ['colspan', 'rowspan', 'headers'],
  th: ['colspan', 'rowspan', 'headers', 'scope', 'abbr'],
  col: ['span'],
  colgroup: ['span'],
  audio: ['src', 'controls'],
  video: ['src', 'poster', 'controls', 'width', 'height'],
  source: ['src', 'type'],
  bdo: ['dir'],
};

const URL_ATTRIBUTES = ['href', 'src', 'cite', 'poster'];
const LINK_REL = 'noopener noreferrer nofollow';

// U+0338 composes with a preceding `<`, `=` or `>` under NFC (≮ ≠ ≯): text that starts with it
// right after a tag would fuse with the tag's `>` if the stored HTML were ever NFC-normalised as
// a whole, so it is written as a character reference.
const COMBINING_SOLIDUS = /\u0338/g;
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

function filterText(text: string): string {
  return text.normalize('NFC').replace(CONTROL_CHARS, '').replace(COMBINING_SOLIDUS, '&#x338;');
}

/**
 * HTML from a feed or page made safe to store and render: an allowlist of tags and attributes, no
 * script, style, frames, plugins, forms or event handlers, only http/https/mailto links and
 * http/https media (no `javascript:`, `vbscript:` or `data:`, images included), relative URLs
 * made absolute against baseUrl, and rel="noopener noreferrer nofollow" on every link.
 *
 * Entities are decoded once by the HTML parser and the text re-escaped on output, so plain text
 * such as `AT&amp;T` stays `AT&amp;T` and `&amp;lt;` is never turned into a tag. Text is NFC.
 */
export function sanitizeHtml(html: string, baseUrl?: string): string {
  if (!html) return '';
  const base = parseBaseUrl(baseUrl);
  return sanitize(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedSchemes: [...LINK_SCHEMES],
    allowedSchemesByTag: { img: [...WEB_SCHEMES], audio: [...WEB_SCHEMES], video: [...WEB_SCHEMES], source: [...WEB_SCHEMES] },
    allowedSchemesAppliedToAttributes: URL_ATTRIBUTES,
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: NON_TEXT_TAGS,
    parseStyleAttributes: false,
    allowVulnerableTags: false,
    transformTags: {
      '*': (tagName, attribs) => {
        const out: sanitize.Attributes = { ...attribs };
        const schemes = tagName === 'a' ? LINK_SCHEMES : WEB_SCHEMES;
        for (const name of URL_ATTRIBUTES) {
          if (!(name in out)) continue;
          const url = safeUrl(out[name], base, name === 'cite' ? WEB_SCHEMES : schemes);
          if (url === null) delete out[name];
          else out[name] = url;
        }
        if (tagName === 'a') out.rel = LINK_REL;
        return { tagName, attribs: out };
      },
    },
    textFilter: filterText,
    // An image whose only source was refused is an empty box (and a tracking pixel at worst).
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  });
}
