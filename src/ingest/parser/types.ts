type FeedFormat = 'rss2' | 'rss1' | 'atom' | 'jsonfeed';
export type DetectedFormat = FeedFormat | 'unknown';

export interface ParseFeedOptions {
  /** The HTTP Content-Type, for its charset parameter (and application/feed+json). */
  contentType?: string;
  /** The address the document was fetched from (final URL after redirects): the base for relative URLs. */
  url?: string;
}

export interface ParsedFeed {
  format: FeedFormat;
  /** Plain text (never HTML), normalised with normalizeText. */
  title: string | null;
  /** Absolute http(s) URL or null. */
  homepageUrl: string | null;
  /** As the feed states it (RSS <language>, dc:language, xml:lang on the root, JSON Feed language). */
  language: string | null;
  entries: FeedEntry[];
}

export interface FeedEntry {
  /** RSS guid / Atom id / RSS 1.0 rdf:about / JSON Feed id, trimmed but otherwise exact: `00123` and `123` differ. */
  guid: string | null;
  /** Absolute http(s) URL or null (never javascript: or the like). */
  url: string | null;
  /** Plain text (never HTML), normalised with normalizeText. */
  title: string | null;
  /** Raw, UNSANITISED HTML: pass it through sanitizeHtml with baseUrl before storing or showing it. */
  summaryHtml: string | null;
  /** Raw, UNSANITISED HTML (content:encoded, Atom content, JSON content_html): as summaryHtml. */
  contentHtml: string | null;
  authors: string[];
  publishedAt: Date | null;
  /** The raw date text when no date field could be parsed (for later locale-aware parsing), else null. */
  publishedText: string | null;
  /**
   * publishedAt was written without a zone or offset and read as UTC: a caller knowing the
   * publisher's time zone re-reads its wall-clock time there.
   */
  publishedWithoutZone: boolean;
  updatedAt: Date | null;
  /** Absolute http(s) URL of a representative image (media:thumbnail, media:content, enclosure...). */
  imageUrl: string | null;
  /** The item's own language when it states one (xml:lang on the item or dc:language); null means the feed's. */
  language: string | null;
  categories: string[];
  /**
   * The base for relative URLs left in summaryHtml/contentHtml: the xml:base in effect for the
   * content when the feed sets one, else the item URL, else the feed URL. Pass it to sanitizeHtml.
   */
  baseUrl: string | null;
}
