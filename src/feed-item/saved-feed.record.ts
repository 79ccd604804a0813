/** A row of `saved_feed` as the repository reads it (saved-feed.entity.ts). */
export interface SavedFeedRecord {
  /** Row id (uuid); the API's `SavedFeed.id` is its global ID. */
  dbId: string;
  /** The partner key (`api_key.id`) that saved it; null when an admin did. */
  ownerKeyId: string | null;
  name: string;
  /** Database ids of the sources and people filtered on; empty: no such filter. */
  sourceIds: string[];
  personIds: string[];
  language: string | null;
  search: string | null;
  createdAt: Date;
}

/** A saved feed to store: its owner, name and the filter already resolved to ids. */
export type SavedFeedInsert = Omit<SavedFeedRecord, 'dbId' | 'createdAt'>;


/**
 * Where a saved feed is served, below the gateway's public base URL: `/feeds/saved/<global id>.<format>`.
 * The ID's base64 padding (`=`) may stand in a path segment as it is.
 */
export function savedFeedPath(globalId: string, format: 'rss' | 'atom' | 'json'): string {
  return `/feeds/saved/${encodeURIComponent(globalId).replace(/%3D/g, '=')}.${format}`;
}
