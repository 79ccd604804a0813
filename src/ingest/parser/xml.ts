import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FeedParseError } from './errors';
import { namespaceKey, undeclaredPrefixKey } from './namespaces';
import { declaredEntities, resolveReferences, scanProlog } from './xml-prolog';

interface XmlAttribute {
  /** Namespace key (see namespaces.ts); '' for an unprefixed attribute. */
  readonly ns: string;
  /** Local name, lower-cased. */
  readonly name: string;
  readonly value: string;
}

export interface XmlElement {
  /** Namespace key (see namespaces.ts): '' for none, 'atom', 'dc', ... or the URI itself. */
  readonly ns: string;
  /** Local name, lower-cased: real feeds write pubdate, pubDate and PubDate alike. */
  readonly name: string;
  readonly attrs: readonly XmlAttribute[];
  readonly children: readonly XmlNode[];
  /** The base URL in effect here (xml:base resolved through the ancestors onto the document URL). */
  readonly base: string | null;
  /** Whether an xml:base on this element or an ancestor contributed to `base`. */
  readonly hasXmlBase: boolean;
  /** The xml:lang in effect here, or null. */
  readonly lang: string | null;
  /** Whether this element itself carries xml:lang. */
  readonly hasOwnLang: boolean;
}

export type XmlNode = XmlElement | string;

// XML 1.0 forbids these characters even as text; a single one in a feed would otherwise be fatal.
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Every value stays a string: GUIDs 00123 and 123 stay different, 1e3 stays 1e3.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  allowBooleanAttributes: false,
  removeNSPrefix: false,
  commentPropName: false,
  cdataPropName: false,
});

type FxpNode = Record<string, unknown>;

/**
 * A feed document as a namespace-resolved element tree.
 *
 * The DOCTYPE never reaches fast-xml-parser: it is cut out first, after reading the entity
 * declarations it may hold (see declaredEntities), so nothing is ever fetched and no entity
 * expands into another. Then bare ampersands are escaped, character references and HTML 4 named
 * entities decoded, forbidden control characters dropped, and the result must be well-formed
 * XML: a truncated or mismatched document is a FeedParseError('MALFORMED').
 */
export function parseXmlDocument(input: string, documentUrl: string | null): XmlElement {
  let text = input.replace(/^\uFEFF/, '').replace(FORBIDDEN_CHARS, '');
  const { doctype, misplacedDeclarations, rootStart } = scanProlog(text);
  const entities = doctype ? declaredEntities(doctype.internalSubset) : new Map<string, string>();
  // The prolog is rebuilt without the DOCTYPE and without declarations that are not first (the
  // charset has been read already); whitespace before the declaration is a common slip too.
  const cuts = [...misplacedDeclarations, ...(doctype ? [doctype] : [])].sort((a, b) => a.start - b.start);
  let prolog = '';
  let from = 0;
  for (const cut of cuts) {
    prolog += text.slice(from, cut.start);
    from = cut.end;
  }
  prolog += text.slice(from, rootStart);
  if (rootStart >= text.length) throw new FeedParseError('MALFORMED', 'Empty document: no root element');
  text = prolog.trimStart() + text.slice(rootStart);
  text = resolveReferences(text, entities);

  let validation: ReturnType<typeof XMLValidator.validate>;
  try {
    validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  } catch (error) {
    throw new FeedParseError('MALFORMED', `Malformed XML: ${(error as Error).message}`, { cause: error });
  }
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    // fast-xml-parser reports a truncated document as "Invalid '[ "rss", "channel", ... ]' found".
    const unclosed = /^Invalid '\[/.test(msg) ? [...msg.matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];
    const detail = unclosed.length > 0 ? `the document ends inside <${unclosed.join('> <')}> (truncated?)` : msg;
    throw new FeedParseError('MALFORMED', `Malformed XML at line ${line}, column ${col}: ${detail}`);
  }
  let nodes: unknown;
  try {
    nodes = parser.parse(text);
  } catch (error) {
    throw new FeedParseError('MALFORMED', `Malformed XML: ${(error as Error).message}`, { cause: error });
  }
  const rootScope: Scope = { prefixes: new Map(), base: documentUrl, hasXmlBase: false, lang: null };
  for (const node of Array.isArray(nodes) ? (nodes as FxpNode[]) : []) {
    if (!('#text' in node)) return convertElement(node, rootScope);
  }
  throw new FeedParseError('MALFORMED', 'No root element');
}

interface Scope {
  prefixes: Map<string, string>;
  base: string | null;
  hasXmlBase: boolean;
  lang: string | null;
}

function resolveBase(value: string, parent: string | null): string | null {
  try {
    return new URL(value.trim(), parent ?? undefined).href;
  } catch {
    return parent;
  }
}

function splitName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(':');
  return colon === -1 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

function convertElement(node: FxpNode, parent: Scope): XmlElement {
  const qname = Object.keys(node).find((key) => key !== ':@') as string;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;

  let prefixes = parent.prefixes;
  for (const [key, value] of Object.entries(rawAttrs)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (prefixes === parent.prefixes) prefixes = new Map(parent.prefixes);
      prefixes.set(key === 'xmlns' ? '' : key.slice(6), String(value));
    }
  }
  const nsOf = (prefix: string): string => {
    if (prefix === 'xml') return 'xml';
    const uri = prefixes.get(prefix);
    if (uri !== undefined) return namespaceKey(uri);
    return prefix === '' ? '' : undeclaredPrefixKey(prefix);
  };

  const attrs: XmlAttribute[] = [];
  let base = parent.base;
  let hasXmlBase = parent.hasXmlBase;
  let lang = parent.lang;
  let hasOwnLang = false;
  for (const [key, rawValue] of Object.entries(rawAttrs)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    const value = String(rawValue);
    const [prefix, local] = splitName(key);
    const attr: XmlAttribute = { ns: prefix === '' ? '' : nsOf(prefix), name: local.toLowerCase(), value };
    attrs.push(attr);
    if (attr.ns === 'xml' && attr.name === 'base') {
      base = resolveBase(value, base);
      hasXmlBase = true;
    } else if (attr.ns === 'xml' && attr.name === 'lang') {
      lang = value.trim() === '' ? null : value.trim();
      hasOwnLang = true;
    }
  }

  const [prefix, local] = splitName(qname);
  const scope: Scope = { prefixes, base, hasXmlBase, lang };
  const children: XmlNode[] = [];
  const rawChildren = node[qname];
  for (const child of Array.isArray(rawChildren) ? (rawChildren as FxpNode[]) : []) {
    if ('#text' in child) children.push(String(child['#text']));
    else children.push(convertElement(child, scope));
  }
  return { ns: nsOf(prefix), name: local.toLowerCase(), attrs, children, base, hasXmlBase, lang, hasOwnLang };
}

// ---------------------------------------------------------------------------------------------
// Navigation.

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

export function elements(parent: XmlElement): XmlElement[] {
  return parent.children.filter(isElement);
}

/** Child elements with that local name in one of the namespaces. */
export function childrenNamed(parent: XmlElement, namespaces: readonly string[], name: string): XmlElement[] {
  return parent.children.filter((node): node is XmlElement => isElement(node) && node.name === name && namespaces.includes(node.ns));
}

export function childNamed(parent: XmlElement, namespaces: readonly string[], name: string): XmlElement | null {
  for (const node of parent.children) {
    if (isElement(node) && node.name === name && namespaces.includes(node.ns)) return node;
  }
  return null;
}

export function attr(element: XmlElement, name: string, ns = ''): string | null {
  for (const a of element.attrs) if (a.name === name && a.ns === ns) return a.value;
  return null;
}

/** All text below the element, markup ignored. */
export function textContent(node: XmlNode): string {
  if (!isElement(node)) return node;
  let text = '';
  for (const child of node.children) text += textContent(child);
  return text;
}

export function hasElementChildren(element: XmlElement): boolean {
  return element.children.some(isElement);
}
