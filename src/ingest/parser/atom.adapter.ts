import {
  ATOM_NS, alternateLink, contentBase, findImage, homeNamespaces, personName, pickDate, plainText,
  rawText, uniqueNonEmpty, urlText,
} from './common';
import { plainTextLine, textConstructHtml, textConstructText } from './markup';
import { type ParsedFeed, type FeedEntry } from './types';
import { type XmlElement, attr, childNamed, childrenNamed } from './xml';

function authorsOf(element: XmlElement, home: readonly string[]): string[] {
  return uniqueNonEmpty(
    childrenNamed(element, home, 'author').map((author) => {
      const name = childNamed(author, home, 'name');
      // Atom 0.3 feeds sometimes put the name straight into <author>.
      return name ? personName(rawText(name)) : childNamed(author, home, 'email') ? null : personName(rawText(author));
    }),
  );
}

function readEntry(entry: XmlElement, home: readonly string[], feedAuthors: string[]): FeedEntry {
  const url = urlText(childNamed(entry, ['feedburner'], 'origlink')) ?? alternateLink(entry, home);
  const title = childNamed(entry, home, 'title');
  const summary = childNamed(entry, home, 'summary');
  const content = childNamed(entry, home, 'content');
  // Out-of-line content (src=) is a link to elsewhere, not content.
  const inlineContent = content && attr(content, 'src') === null ? content : null;

  const published = pickDate([
    childNamed(entry, home, 'published'),
    childNamed(entry, home, 'issued'),
    childNamed(entry, home, 'created'),
    childNamed(entry, ['dc'], 'date'),
    childNamed(entry, ['dcterms'], 'issued'),
  ]);
  const updated = pickDate([childNamed(entry, home, 'updated'), childNamed(entry, home, 'modified'), childNamed(entry, ['dcterms'], 'modified')]);
  const source = childNamed(entry, home, 'source');
  const ownAuthors = uniqueNonEmpty([...authorsOf(entry, home), ...childrenNamed(entry, ['dc'], 'creator').map((e) => personName(rawText(e)))]);

  return {
    guid: rawText(childNamed(entry, home, 'id')),
    url,
    title: title ? textConstructText(title) : null,
    summaryHtml: summary ? textConstructHtml(summary) : null,
    contentHtml: inlineContent ? textConstructHtml(inlineContent) : null,
    // Atom: an entry without authors has its source's, then the feed's (RFC 4287 4.2.1).
    authors: ownAuthors.length > 0 ? ownAuthors : source && authorsOf(source, home).length > 0 ? authorsOf(source, home) : feedAuthors,
    // Most Atom feeds only say when an entry was updated; that is the best publication date known.
    publishedAt: published.date ?? (published.unparsed === null ? updated.date : null),
    publishedText: published.unparsed,
    publishedWithoutZone: published.zoneless,
    updatedAt: updated.date,
    imageUrl: findImage(entry, home),
    language: entry.hasOwnLang ? entry.lang : inlineContent?.hasOwnLang ? inlineContent.lang : plainText(childNamed(entry, ['dc'], 'language')),
    categories: uniqueNonEmpty([
      ...childrenNamed(entry, home, 'category').map((c) => plainTextLine(attr(c, 'label') ?? attr(c, 'term') ?? '')),
      ...childrenNamed(entry, ['dc'], 'subject').map((e) => plainTextLine(rawText(e) ?? '')),
    ]),
    baseUrl: contentBase(inlineContent ?? summary, entry, url),
  };
}

/** Atom 1.0 (RFC 4287) and the older Atom 0.3. */
export function parseAtom(root: XmlElement): ParsedFeed {
  const home = homeNamespaces(root, [...ATOM_NS]);
  const title = childNamed(root, home, 'title');
  const feedAuthors = authorsOf(root, home);
  return {
    format: 'atom',
    title: title ? textConstructText(title) : null,
    homepageUrl: alternateLink(root, home),
    language: root.lang ?? plainText(childNamed(root, ['dc'], 'language')),
    entries: childrenNamed(root, home, 'entry').map((entry) => readEntry(entry, home, feedAuthors)),
  };
}
