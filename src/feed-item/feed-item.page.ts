import type { RowsPage } from '../db/keyset';
import { relayPage, type ConnectionArgs, type ConnectionResult } from '../graphql/relay/connection';
import { timePositionIdCursor } from '../graphql/relay/cursor';
import type { FeedItemRecord } from './feed-item.record';

/** A headline list's Relay arguments: the keyset page, and the connection of the rows read for it. */
export function feedPage(args: ConnectionArgs) {
  const { page, connection } = relayPage(args, timePositionIdCursor, 'feed');
  return {
    page,
    connection: (result: RowsPage<FeedItemRecord>): ConnectionResult<FeedItemRecord> =>
      connection(result, (row) => ({ publishedAt: row.publishedAt, position: row.position, id: row.dbId })),
  };
}

