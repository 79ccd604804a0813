import { homeNamespaces } from './common';
import { readRssChannel, readRssItem } from './rss2.adapter';
import { type ParsedFeed } from './types';
import { type XmlElement, childNamed, childrenNamed } from './xml';

/** RSS 1.0 and 0.90 (RDF): channel, image and items are siblings under rdf:RDF. */
export function parseRss1(root: XmlElement): ParsedFeed {
  // The RSS 1.0 and 0.90 namespaces are both folded onto 'rss1'; '' covers producers that forgot it.
  const home = homeNamespaces(root, ['rss1', '']).filter((ns) => ns !== 'rdf');
  const channel = childNamed(root, home, 'channel');
  const items = [...childrenNamed(root, home, 'item'), ...(channel ? childrenNamed(channel, home, 'item') : [])];
  return {
    format: 'rss1',
    ...readRssChannel(channel ?? root, root, home),
    entries: items.map((item) => readRssItem(item, home)),
  };
}
