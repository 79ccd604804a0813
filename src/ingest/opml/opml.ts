/**
 * OPML 2.0 subscription lists, the format every feed reader imports and exports. Import reads
 * every `<outline>` with an `xmlUrl`, at any depth (readers nest them in folders), through the
 * same entity-safe XML reader the feed parser uses; export writes one outline per feed.
 */
import { normalizeOptionalText } from '../../text/normalize';
import { normalizeLanguageTag } from '../../text/language';
import { decodeXmlText } from '../parser';
import { attr, elements, parseXmlDocument, type XmlElement } from '../parser/xml';
import { absoluteHttpUrl } from '../sanitize';

export interface OpmlSubscription {
  /** The outline's title or text; null when it has neither. */
  title: string | null;
  feedUrl: string;
  homepageUrl: string | null;
  language: string | null;
  /** The folders the outline sits in, outermost first. */
  categories: string[];
}

export class OpmlError extends Error {}

export function parseOpml(body: Buffer): OpmlSubscription[] {
  let root: XmlElement;
  try {
    root = parseXmlDocument(decodeXmlText(body).text, null);
  } catch (error) {
    throw new OpmlError(`Not a readable OPML document: ${(error as Error).message}`);
  }
  if (root.name !== 'opml') throw new OpmlError(`Not an OPML document: the root element is <${root.name}>`);
  const body_ = elements(root).find((element) => element.name === 'body');
  const subscriptions: OpmlSubscription[] = [];
  const walk = (element: XmlElement, categories: string[]) => {
    for (const outline of elements(element).filter((child) => child.name === 'outline')) {
      const title = normalizeOptionalText(attr(outline, 'title') ?? attr(outline, 'text'));
      const feedUrl = absoluteHttpUrl(attr(outline, 'xmlurl'), null);
      if (feedUrl && !subscriptions.some((s) => s.feedUrl === feedUrl)) {
        subscriptions.push({
          title,
          feedUrl,
          homepageUrl: absoluteHttpUrl(attr(outline, 'htmlurl'), null),
          language: normalizeLanguageTag(attr(outline, 'language')),
          categories,
        });
      }
      walk(outline, title ? [...categories, title] : categories);
    }
  };
  if (body_) walk(body_, []);
  return subscriptions;
}

export interface OpmlSource {
  name: string;
  homepageUrl: string | null;
  language: string | null;
  feedUrls: string[];
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

export function writeOpml(sources: OpmlSource[], title = 'newsgate sources', now = new Date()): string {
  const outlines = sources.flatMap((source) =>
    source.feedUrls.map((feedUrl) => {
      const attrs = [
        `type="rss"`,
        `text="${escapeXml(source.name)}"`,
        `title="${escapeXml(source.name)}"`,
        `xmlUrl="${escapeXml(feedUrl)}"`,
        source.homepageUrl ? `htmlUrl="${escapeXml(source.homepageUrl)}"` : null,
        source.language ? `language="${escapeXml(source.language)}"` : null,
      ].filter(Boolean);
      return `    <outline ${attrs.join(' ')}/>`;
    }),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head>
    <title>${escapeXml(title)}</title>
    <dateCreated>${now.toUTCString()}</dateCreated>
  </head>
  <body>
${outlines.join('\n')}
  </body>
</opml>
`;
}
