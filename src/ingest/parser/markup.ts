import { normalizeOptionalLine, normalizeText } from '../../text/normalize';
import { isElement, type XmlElement, type XmlNode, attr, hasElementChildren, textContent } from './xml';
import { html4Entity } from './xml-prolog';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

/** Plain text as HTML that shows the same text, line breaks kept. */
export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r\n?|\n/g, '<br>');
}

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'poster', 'background', 'longdesc', 'action', 'data']);

function resolveAgainst(value: string, base: string | null): string {
  if (!base) return value;
  try {
    return new URL(value.trim(), base).href;
  } catch {
    return value;
  }
}

/**
 * Inline XHTML (Atom type="xhtml", markup written straight into an RSS description) serialised
 * as HTML. Each URL attribute is resolved against the xml:base in effect on its own element,
 * which only this tree knows; filtering is left to the sanitiser.
 */
export function serializeNodes(nodes: readonly XmlNode[]): string {
  let html = '';
  for (const node of nodes) {
    if (!isElement(node)) {
      html += escapeHtml(node);
      continue;
    }
    html += `<${node.name}`;
    for (const a of node.attrs) {
      let name: string;
      if (a.ns === '') name = a.name;
      else if (a.ns === 'xml' && a.name === 'lang') name = 'lang';
      else continue;
      const value = URL_ATTRIBUTES.has(name) ? resolveAgainst(a.value, node.base) : a.value;
      html += ` ${name}="${escapeAttribute(value)}"`;
    }
    html += '>';
    if (VOID_ELEMENTS.has(node.name)) continue;
    html += `${serializeNodes(node.children)}</${node.name}>`;
  }
  return html;
}

/**
 * The HTML an element carries in RSS: its text, which is escaped HTML or CDATA, or, when a
 * producer wrote the markup unescaped, that markup serialised back.
 */
export function elementHtml(element: XmlElement): string {
  return hasElementChildren(element) ? serializeNodes(element.children) : textContent(element);
}

type TextKind = 'text' | 'html' | 'xhtml' | 'base64-text' | 'base64-html' | 'unsupported';

/** How an Atom text construct or content element is encoded (Atom 1.0 `type`, Atom 0.3 `mode`). */
function textConstructKind(element: XmlElement): TextKind {
  const type = (attr(element, 'type') ?? '').trim().toLowerCase();
  const mode = (attr(element, 'mode') ?? '').trim().toLowerCase();
  let kind: 'text' | 'html' | 'xhtml' | 'unsupported';
  if (type === '' || type === 'text' || type === 'text/plain') kind = 'text';
  else if (type === 'html' || type === 'text/html') kind = 'html';
  else if (type === 'xhtml' || type === 'application/xhtml+xml') kind = 'xhtml';
  else if (type.startsWith('text/')) kind = 'text';
  else if (type.endsWith('+xml') || type.endsWith('/xml')) kind = 'xhtml';
  else kind = 'unsupported';
  if (mode === 'base64') return kind === 'html' || kind === 'xhtml' ? 'base64-html' : kind === 'text' ? 'base64-text' : 'unsupported';
  if (mode === 'escaped' && kind === 'xhtml') return 'html';
  if (mode === 'xml' && kind === 'html') return 'xhtml';
  // Atom 0.3 feeds mark escaped HTML as text/plain + escaped only when it is text; a text
  // construct holding child elements is markup whatever its label says.
  if (kind === 'text' && hasElementChildren(element)) return 'xhtml';
  return kind;
}

function decodeBase64(element: XmlElement): string {
  return Buffer.from(textContent(element).replace(/\s+/g, ''), 'base64').toString('utf8');
}

function xhtmlChildren(element: XmlElement): readonly XmlNode[] {
  // Atom wraps xhtml content in one xhtml:div that is not part of the content.
  const significant = element.children.filter((node) => isElement(node) || node.trim() !== '');
  if (significant.length === 1 && isElement(significant[0]) && significant[0].name === 'div' && significant[0].ns === 'xhtml') {
    return significant[0].children;
  }
  return element.children;
}

/** An Atom text construct as HTML (text is escaped), or null when it is empty or binary. */
export function textConstructHtml(element: XmlElement): string | null {
  let html: string;
  switch (textConstructKind(element)) {
    case 'text': html = textToHtml(textContent(element)); break;
    case 'html': html = elementHtml(element); break;
    case 'xhtml': html = serializeNodes(xhtmlChildren(element)); break;
    case 'base64-text': html = textToHtml(decodeBase64(element)); break;
    case 'base64-html': html = decodeBase64(element); break;
    default: return null;
  }
  const trimmed = html.trim();
  return trimmed === '' ? null : trimmed;
}

/** An Atom text construct (a title, a name) as one line of plain text (plainTextLine). */
export function textConstructText(element: XmlElement): string | null {
  switch (textConstructKind(element)) {
    case 'text': return plainTextLine(textContent(element));
    case 'base64-text': return plainTextLine(decodeBase64(element));
    case 'unsupported': return null;
    default: return plainTextLine(textConstructHtml(element), 'html');
  }
}

const HTML_TAG = /<\/?(?:a|abbr|acronym|b|big|blockquote|br|cite|code|del|dfn|div|em|font|h[1-6]|hr|i|img|ins|kbd|li|mark|ol|p|pre|q|s|samp|small|span|strike|strong|sub|sup|table|td|th|tr|tt|u|ul|var)\b[^<>]*>/i;
const ENTITY_REFERENCE = /&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);/;

/**
 * RSS never says whether a title is text or HTML; in practice it is often escaped HTML
 * (`&lt;b&gt;`, `&amp;amp;`). Text with known tags or entity references is read as HTML, the way
 * Universal Feed Parser guesses; `a < b` or `Tom & Jerry` stays text.
 */
export function looksLikeHtml(text: string): boolean {
  return HTML_TAG.test(text) || ENTITY_REFERENCE.test(text);
}

/** Character references in HTML text decoded once (HTML 4 names; unknown names kept). */
function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{0,31});/g, (all, ref: string) => {
    if (ref[0] !== '#') {
      if (ref === 'apos') return "'";
      return html4Entity(ref) ?? all;
    }
    const hex = ref[1] === 'x' || ref[1] === 'X';
    const cp = Number.parseInt(ref.slice(hex ? 2 : 1), hex ? 16 : 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '';
  });
}

const BREAKING_TAG = /^<\/?(?:br|p|div|li|h[1-6]|blockquote|tr|td|th|hr|ul|ol|table)\b/i;

/**
 * Script, style and template bodies and comments removed, scanning with indexOf: a lazy regex
 * would go quadratic on many unterminated `<script` in a hostile title.
 */
function dropNonText(html: string): string {
  const lower = html.toLowerCase();
  const opener = /<(script|style|template)\b|<!--/g;
  let out = '';
  let copied = 0;
  for (let match = opener.exec(lower); match !== null; match = opener.exec(lower)) {
    const terminator = match[1] ? `</${match[1]}` : '-->';
    const close = lower.indexOf(terminator, match.index + match[0].length);
    out += html.slice(copied, match.index) + ' ';
    if (close === -1) return out;
    const end = match[1] ? lower.indexOf('>', close) : close + 2;
    if (end === -1) return out;
    copied = end + 1;
    opener.lastIndex = copied;
  }
  return out + html.slice(copied);
}

/** A short piece of HTML as one line: tags dropped (block tags become spaces), entities decoded once. */
function htmlToLine(html: string): string {
  return decodeHtmlEntities(dropNonText(html).replace(/<\/?[A-Za-z][^<>]*>/g, (tag) => (BREAKING_TAG.test(tag) ? ' ' : '')));
}

/**
 * The one way a title, a headline, a person's or an outlet's name or a byline becomes text, from
 * every format: RSS 2.0 and 1.0, Atom, JSON Feed and article pages (and feed discovery) all call
 * it, so the same markup gives the same stored text whichever format carried it.
 *
 * - `markup: 'html'`: the value is HTML (Atom `type="html"` or xhtml): tags are dropped and
 *   character references decoded, once.
 * - `markup: 'text'` (the default): the value is meant as text but feeds do not keep to that
 *   (RSS titles are often escaped HTML, JSON Feed authors arrive as `<b onmouseover=…>Eve</b>`):
 *   text holding known tags or entity references is read as HTML, the way Universal Feed Parser
 *   guesses; `a < b` or `Tom & Jerry` stays as it is.
 *
 * Then normalizeLine (src/text): NFC, controls and bidi overrides removed, whitespace folded.
 * The result is text, never markup, so a tag-stripping pass is enough here; body HTML goes through
 * sanitize/ instead. Null when nothing is left.
 */
export function plainTextLine(raw: string | null | undefined, markup: 'html' | 'text' = 'text'): string | null {
  if (raw == null) return null;
  return normalizeOptionalLine(markup === 'html' || looksLikeHtml(raw) ? htmlToLine(raw) : raw);
}

export function normalizeOrNull(value: string | null | undefined): string | null {
  if (value == null) return null;
  const text = normalizeText(value);
  return text === '' ? null : text;
}
