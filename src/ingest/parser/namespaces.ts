/**
 * Namespaces are matched by URI, never by the prefix a feed happens to use, and the many URIs
 * that mean the same vocabulary (RSS 0.90 vs 1.0, the Yahoo Media RSS variants) are folded onto
 * one short key. Elements in no namespace have the key ''.
 */
const NAMESPACES: Record<string, string> = {
  // RSS 2.0 has no namespace, but Userland and Harvard once published one.
  'http://backend.userland.com/rss2': '',
  'http://backend.userland.com/rss': '',
  'http://blogs.law.harvard.edu/tech/rss': '',
  'http://purl.org/rss/1.0/': 'rss1',
  'http://my.netscape.com/rdf/simple/0.9/': 'rss1',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://www.w3.org/2005/atom': 'atom',
  'http://purl.org/atom/ns#': 'atom03',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/elements/1.0/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://video.search.yahoo.com/mrss': 'media',
  'http://tools.search.yahoo.com/mrss/': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://example.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  'http://www.w3.org/xml/1998/namespace': 'xml',
  'http://rssnamespace.org/feedburner/ext/1.0': 'feedburner',
};

function fold(uri: string): string {
  return uri.trim().toLowerCase().replace(/[/#]+$/, '');
}

const BY_FOLDED_URI = new Map(Object.entries(NAMESPACES).map(([uri, key]) => [fold(uri), key]));

/**
 * Prefixes used without a declaration: a non-namespace-aware producer writing `<dc:creator>`
 * means Dublin Core, so these are honoured instead of losing the element.
 */
const WELL_KNOWN_PREFIXES = new Set(['rdf', 'atom', 'content', 'dc', 'dcterms', 'media', 'itunes', 'xhtml', 'feedburner']);

/** The short key for a namespace URI, or the URI itself when it is not one we read. */
export function namespaceKey(uri: string): string {
  if (uri === '') return '';
  return BY_FOLDED_URI.get(fold(uri)) ?? uri;
}

/** The key for a prefix that was never declared. */
export function undeclaredPrefixKey(prefix: string): string {
  const lower = prefix.toLowerCase();
  if (lower === 'xml') return 'xml';
  return WELL_KNOWN_PREFIXES.has(lower) ? lower : `undeclared:${lower}`;
}
