import type { SqlParams } from '../db/sql-params';
import { isoTimestampSql } from '../graphql/json-sql/compile';
import { Decline, type JsonSqlRootField, type JsonSqlType, type RootRows } from '../graphql/json-sql/json-sql.types';
import type { ConnectionArgs } from '../graphql/relay/connection';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { latestRowsSql } from './feed-item.repository';
import { feedCriteria } from './feed-item.service';
import { feedPage } from './feed-item.page';
import { FEED_ITEM_TABLE } from './feed-item.record';

/** FeedItem for the compiled read path (src/graphql/json-sql): its columns, source and article. */
export const FEED_ITEM_JSON_SQL: JsonSqlType = {
  columns: FEED_ITEM_TABLE.columns,
  node: 'FeedItem',
  one: {
    source: { type: 'Source', table: 'source', foreignKey: 'source_id' },
    article: { type: 'Article', table: 'article', foreignKey: 'article_id' },
  },
};

/**
 * timePositionIdCursor's encoding in SQL: base64url (unpadded) of `[1,"feed","<ISO time>",<position>,"<id>"]`.
 * The cursor round trip in compiled-operations.e2e-spec.ts fails if the two ever part.
 */
function feedCursorSql(row: string): string {
  const json = `'[1,"feed","' || ${isoTimestampSql(`${row}.published_at`)} || '",' || ${row}.position || ',"' || ${row}.id || '"]'`;
  return `rtrim(translate(encode(convert_to(${json}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;
}

/**
 * `latestFeed`: the arguments read as FeedItemResolver.latestFeed and FeedItemService.latest read
 * them (feedCriteria: the same errors for bad ones, each text once unless one source's); backward pages (`last`, `before`) are left to Apollo.
 */
export const LATEST_FEED_ROOT: JsonSqlRootField = {
  type: 'FeedItem',
  rows(args: Readonly<Record<string, unknown>>, params: SqlParams): RootRows {
    const criteria = feedCriteria({
      sourceId: typeof args.sourceId === 'string' ? fromGlobalIdOfType(args.sourceId, 'Source', 'sourceId') : null,
      language: typeof args.language === 'string' ? args.language : null,
    });
    const { page } = feedPage(args as ConnectionArgs);
    if (page.backward) throw new Decline('backward page');
    const { select, count } = latestRowsSql(criteria, page, params);
    return {
      kind: 'connection',
      select,
      count,
      limit: page.limit,
      orderBy: (row) => `${row}.published_at DESC, ${row}.position, ${row}.id`,
      cursor: feedCursorSql,
      hasPreviousPage: page.after != null,
    };
  },
};
