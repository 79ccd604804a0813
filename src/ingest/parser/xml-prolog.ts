/**
 * What happens to an XML document's text before it is parsed: its prolog read (the DOCTYPE and
 * the entities it declares, with caps on their number and size), and every reference outside
 * CDATA sections and comments resolved to a character or one of the five predefined ones.
 */
import { FeedParseError } from './errors';
import { HTML4_ENTITIES } from './html-entities';

// Limits for the entities a DOCTYPE may declare. Only flat text values are honoured, so there is
// no nesting to bound; these caps stop a flat entity from being repeated into a huge document.
const MAX_DECLARED_ENTITIES = 256;
const MAX_ENTITY_VALUE_LENGTH = 4096;
const MAX_TOTAL_ENTITY_EXPANSION = 1_000_000;

const XML_PREDEFINED = { amp: true, lt: true, gt: true, quot: true, apos: true };

/**
 * Numeric references to C1 controls almost always mean the windows-1252 character of that byte
 * (`&#146;` for a right single quote); HTML parsers read them that way, and so do we.
 */
const WINDOWS_1252_C1: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
  0x88: 0x02c6, 0x89: 0x2030, 0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018,
  0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc,
  0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a, 0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * A numeric character reference as text the XML parser reads back as that one character:
 * markup characters stay references (so `&#60;` never becomes a tag), everything else is written
 * out, and code points XML forbids are dropped.
 */
function numericReference(body: string): string {
  const hex = body[1] === 'x' || body[1] === 'X';
  let cp = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
  if (!Number.isFinite(cp)) return '';
  cp = WINDOWS_1252_C1[cp] ?? cp;
  if (!isXmlChar(cp)) return '';
  switch (cp) {
    case 0x26: return '&amp;';
    case 0x3c: return '&lt;';
    case 0x3e: return '&gt;';
    case 0x22: return '&quot;';
    case 0x27: return '&apos;';
    default: return String.fromCodePoint(cp);
  }
}

/** The value of an HTML 4 entity, or undefined (own properties only: `constructor` is no entity). */
export function html4Entity(name: string): string | undefined {
  return Object.hasOwn(HTML4_ENTITIES, name) ? String.fromCodePoint(HTML4_ENTITIES[name]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The prolog and its DOCTYPE.

interface Doctype {
  start: number;
  end: number;
  internalSubset: string;
}

/** Index after the quoted literal starting at i (or -1 when unterminated). */
function skipQuoted(text: string, i: number): number {
  const close = text.indexOf(text[i], i + 1);
  return close === -1 ? -1 : close + 1;
}

function readDoctype(text: string, start: number): Doctype {
  let i = start + '<!DOCTYPE'.length;
  let subsetStart = -1;
  let subsetEnd = -1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipQuoted(text, i);
      if (i === -1) break;
      continue;
    }
    if (subsetStart !== -1 && subsetEnd === -1) {
      if (text.startsWith('<!--', i)) {
        const close = text.indexOf('-->', i + 4);
        if (close === -1) break;
        i = close + 3;
        continue;
      }
      if (c === ']') subsetEnd = i;
      i++;
      continue;
    }
    if (c === '[') subsetStart = i + 1;
    else if (c === '>') {
      const internalSubset = subsetStart === -1 ? '' : text.slice(subsetStart, subsetEnd === -1 ? i : subsetEnd);
      return { start, end: i + 1, internalSubset };
    }
    i++;
  }
  throw new FeedParseError('MALFORMED', 'Unterminated DOCTYPE declaration');
}

interface Prolog {
  doctype: Doctype | null;
  /** XML declarations found after the first character: an error producers make, dropped. */
  misplacedDeclarations: { start: number; end: number }[];
  rootStart: number;
}

/** Where the root element starts, the DOCTYPE if the prolog has one, and misplaced declarations. */
export function scanProlog(text: string): Prolog {
  let i = 0;
  let doctype: Doctype | null = null;
  const misplacedDeclarations: { start: number; end: number }[] = [];
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('<?', i)) {
      const close = text.indexOf('?>', i + 2);
      if (close === -1) throw new FeedParseError('MALFORMED', 'Unterminated processing instruction');
      if (i > 0 && /^<\?xml\s/i.test(text.slice(i, i + 6))) misplacedDeclarations.push({ start: i, end: close + 2 });
      i = close + 2;
    } else if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      if (close === -1) throw new FeedParseError('MALFORMED', 'Unterminated comment');
      i = close + 3;
    } else if (text.slice(i, i + 9).toUpperCase() === '<!DOCTYPE') {
      if (doctype) throw new FeedParseError('MALFORMED', 'Two DOCTYPE declarations');
      doctype = readDoctype(text, i);
      i = doctype.end;
    } else {
      return { doctype, misplacedDeclarations, rootStart: i };
    }
  }
}

/** The `<!...>` declarations of an internal subset, comments skipped, each without `<!` and `>`. */
function* declarations(subset: string): Generator<string> {
  let i = 0;
  while ((i = subset.indexOf('<!', i)) !== -1) {
    if (subset.startsWith('<!--', i)) {
      const close = subset.indexOf('-->', i + 4);
      if (close === -1) return;
      i = close + 3;
      continue;
    }
    let j = i + 2;
    while (j < subset.length && subset[j] !== '>') {
      if (subset[j] === '"' || subset[j] === "'") {
        j = skipQuoted(subset, j);
        if (j === -1) return;
      } else j++;
    }
    yield subset.slice(i + 2, j);
    i = j + 1;
  }
}

/**
 * The general entities of an internal subset that are safe to substitute: flat text, possibly
 * with character references. Anything that could make the parser fetch something (SYSTEM or
 * PUBLIC) or expand recursively (a value referring to another entity: billion laughs) is
 * refused outright. Parameter entities only shape the DTD, which is never processed, so they
 * are ignored, which is also what happens to references to external DTDs like Netscape's.
 */
export function declaredEntities(subset: string): Map<string, string> {
  const entities = new Map<string, string>();
  for (const declaration of declarations(subset)) {
    if (!/^ENTITY\s/.test(declaration)) continue;
    const tokens: string[] = declaration.slice(7).match(/"[^"]*"|'[^']*'|[^\s"']+/g) ?? [];
    if (tokens.length < 2 || tokens[0] === '%') continue;
    const [name, definition] = tokens;
    const rest = tokens.slice(2);
    // An unparsed (NDATA) entity can only be named by an attribute, never expanded into text.
    if (rest.includes('NDATA')) continue;
    if (definition === 'SYSTEM' || definition === 'PUBLIC') {
      throw new FeedParseError('FORBIDDEN_DTD', `The DOCTYPE declares an external entity "${name}"; external entities are never loaded`);
    }
    if (!/^["']/.test(definition) || rest.length > 0) continue;
    const value = definition.slice(1, -1);
    if (/&(?!#[0-9]+;|#x[0-9a-fA-F]+;|(?:amp|lt|gt|quot|apos);)/.test(value) || value.includes('%')) {
      throw new FeedParseError('FORBIDDEN_DTD', `The DOCTYPE entity "${name}" refers to other entities; nested entity expansion is refused`);
    }
    if (value.length > MAX_ENTITY_VALUE_LENGTH) {
      throw new FeedParseError('FORBIDDEN_DTD', `The DOCTYPE entity "${name}" is longer than ${MAX_ENTITY_VALUE_LENGTH} characters`);
    }
    // The first declaration wins (XML 1.0, 4.2). Inside the document the value is text: its
    // markup characters are escaped, its character references resolved.
    if (!entities.has(name)) entities.set(name, escapeEntityValue(value));
    if (entities.size > MAX_DECLARED_ENTITIES) {
      throw new FeedParseError('FORBIDDEN_DTD', `The DOCTYPE declares more than ${MAX_DECLARED_ENTITIES} entities`);
    }
  }
  return entities;
}

const MARKUP_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeEntityValue(value: string): string {
  return value.replace(/&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);|[&<>"']/g, (all, ref: string | undefined) => {
    if (ref !== undefined) return ref.startsWith('#') ? numericReference(ref) : all;
    return MARKUP_ESCAPES[all];
  });
}

// ---------------------------------------------------------------------------------------------
// One pass over the text outside CDATA sections and comments: every `&` ends up either one of the
// five predefined references, which fast-xml-parser decodes, or the character it stood for.

const SPECIAL = /&|<!\[CDATA\[|<!--|<!DOCTYPE/gi;
const REFERENCE = /&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z_][\w.-]{0,63});/y;

// Written as a scan with indexOf rather than one regular expression with lazy `[\s\S]*?`
// sections: many unterminated `<![CDATA[` would make such a regex quadratic.
export function resolveReferences(text: string, entities: Map<string, string>): string {
  let out = '';
  let copied = 0;
  let expanded = 0;
  SPECIAL.lastIndex = 0;
  for (let match = SPECIAL.exec(text); match !== null; match = SPECIAL.exec(text)) {
    const at = match.index;
    const token = match[0];
    if (token !== '&') {
      if (token.length === 9 && token.toUpperCase() === '<!DOCTYPE') {
        throw new FeedParseError('MALFORMED', 'A DOCTYPE declaration after the start of the document');
      }
      const terminator = token === '<!--' ? '-->' : ']]>';
      const close = text.indexOf(terminator, at + token.length);
      // Unterminated: left for the validator to report.
      if (close === -1) break;
      SPECIAL.lastIndex = close + terminator.length;
      continue;
    }
    REFERENCE.lastIndex = at;
    const ref = REFERENCE.exec(text);
    let replacement: string;
    if (ref === null) {
      // A bare ampersand (AT&T, unescaped query strings) is the commonest error in real feeds.
      replacement = '&amp;';
    } else {
      const body = ref[1];
      SPECIAL.lastIndex = at + ref[0].length;
      const declared = entities.get(body);
      if (body[0] === '#') replacement = numericReference(body);
      else if (Object.hasOwn(XML_PREDEFINED, body)) continue;
      else if (declared !== undefined) {
        expanded += declared.length;
        if (expanded > MAX_TOTAL_ENTITY_EXPANSION) {
          throw new FeedParseError('FORBIDDEN_DTD', 'DOCTYPE entities expand to more than 1,000,000 characters');
        }
        replacement = declared;
      } else {
        // An unknown entity stays visible as text rather than failing the whole feed.
        replacement = html4Entity(body) ?? `&amp;${body};`;
      }
    }
    out += text.slice(copied, at) + replacement;
    copied = ref === null ? at + 1 : at + ref[0].length;
  }
  return out + text.slice(copied);
}

