import { absoluteHttpUrl } from '../sanitize/url';
import {
  ATOM_NS, alternateLink, contentBase, emptyToNull, findImage, homeNamespaces, personName, pickDate,
  plainText, rawText, uniqueNonEmpty, urlText,
} from './common';
import { elementHtml, plainTextLine, serializeNodes } from './markup';
import { type ParsedFeed, type FeedEntry } from './types';
import { type XmlElement, attr, childNamed, childrenNamed, textContent } from './xml';

/**
 * One RSS item, shared by RSS 2.0/0.9x and RSS 1.0 (which differ in where items live, not in what
 * they hold): `home` is the namespaces of the dialect's own elements.
 */
export function readRssItem(item: XmlElement, home: readonly string[]): FeedEntry {
  const titleElement = childNamed(item, home, 'title') ?? childNamed(item, ['dc'], 'title');
  const guidElement = childNamed(item, home, 'guid');
  const guid = rawText(guidElement) ?? attr(item, 'about', 'rdf')?.trim() ?? null;

  // A guid is a permalink unless isPermaLink="false" says otherwise (RSS 2.0 spec).
  const permalink = guidElement && attr(guidElement, 'ispermalink')?.trim().toLowerCase() !== 'false' ? absoluteHttpUrl(rawText(guidElement), null) : null;
  const url =
    urlText(childNamed(item, ['feedburner'], 'origlink')) ??
    urlText(childNamed(item, home, 'link')) ??
    alternateLink(item, ATOM_NS) ??
    permalink ??
    absoluteHttpUrl(attr(item, 'about', 'rdf'), null);

  const description = childNamed(item, home, 'description') ?? childNamed(item, ['dc'], 'description');
  const encoded = childNamed(item, ['content'], 'encoded');
  const xhtmlBody = childNamed(item, ['xhtml'], 'body');
  const contentElement = encoded ?? xhtmlBody;
  const contentHtml = encoded ? emptyToNull(elementHtml(encoded)) : xhtmlBody ? emptyToNull(serializeNodes(xhtmlBody.children)) : null;

  const published = pickDate([
    childNamed(item, home, 'pubdate'),
    childNamed(item, ['dc'], 'date'),
    childNamed(item, ['dcterms'], 'issued'),
    childNamed(item, ['dcterms'], 'created'),
    childNamed(item, ATOM_NS, 'published'),
  ]);
  const updated = pickDate([childNamed(item, ['dcterms'], 'modified'), childNamed(item, ATOM_NS, 'updated')]);

  return {
    guid,
    url,
    title: titleElement ? plainTextLine(textContent(titleElement)) : null,
    summaryHtml: description ? emptyToNull(elementHtml(description)) : null,
    contentHtml,
    authors: uniqueNonEmpty([
      personName(rawText(childNamed(item, home, 'author'))),
      ...childrenNamed(item, ['dc'], 'creator').map((e) => personName(rawText(e))),
      ...childrenNamed(item, ATOM_NS, 'author').map((e) => personName(rawText(childNamed(e, ATOM_NS, 'name') ?? e))),
      personName(rawText(childNamed(item, ['itunes'], 'author'))),
    ]),
    publishedAt: published.date,
    publishedText: published.unparsed,
    publishedWithoutZone: published.zoneless,
    updatedAt: updated.date,
    imageUrl: findImage(item, home),
    language: item.hasOwnLang ? item.lang : plainText(childNamed(item, ['dc'], 'language')),
    categories: uniqueNonEmpty([
      ...childrenNamed(item, home, 'category').map((e) => plainTextLine(textContent(e))),
      ...childrenNamed(item, ['dc'], 'subject').map((e) => plainTextLine(textContent(e))),
    ]),
    baseUrl: contentBase(contentElement ?? description, item, url),
  };
}

export function readRssChannel(channel: XmlElement, root: XmlElement, home: readonly string[]) {
  const title = childNamed(channel, home, 'title') ?? childNamed(channel, ['dc'], 'title');
  return {
    title: title ? plainTextLine(textContent(title)) : null,
    homepageUrl: urlText(childNamed(channel, home, 'link')) ?? alternateLink(channel, ATOM_NS),
    language:
      plainText(childNamed(channel, home, 'language')) ??
      plainText(childNamed(channel, ['dc'], 'language')) ??
      channel.lang ??
      root.lang,
  };
}

/** RSS 2.0 and its ancestors 0.91-0.94 (Userland and Netscape), which share one vocabulary. */
export function parseRss2(root: XmlElement): ParsedFeed {
  const home = homeNamespaces(root, ['']);
  const channel = childNamed(root, home, 'channel');
  // Some 0.9x producers put items beside the channel instead of inside it.
  const items = [...(channel ? childrenNamed(channel, home, 'item') : []), ...childrenNamed(root, home, 'item')];
  return {
    format: 'rss2',
    ...readRssChannel(channel ?? root, root, home),
    entries: items.map((item) => readRssItem(item, home)),
  };
}
