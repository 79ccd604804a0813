import { createHash } from 'node:crypto';
import type { CalendarDate } from '../text/dates';

/**
 * The identity of a headline within its source (feed_item.item_key): the feed's GUID, else its
 * canonical link, else (a sidebar headline with neither) a hash of the headline and its day. The
 * seed and ingestion share this, so the sample's sidebar seeded from text and the same headlines
 * arriving in a feed are the same rows.
 */
export function feedItemKey(item: { guid?: string | null; url?: string | null; headline: string; day: CalendarDate }): string {
  if (item.guid) return `guid:${item.guid}`;
  if (item.url) return `url:${item.url}`;
  const { year, month, day } = item.day;
  return `sha256:${createHash('sha256').update(`${item.headline}\u0000${year}-${month}-${day}`).digest('hex')}`;
}
