import { ARTICLE_JSON_SQL, ARTICLE_ROOT, MENTION_JSON_SQL } from '../article/article.json-sql';
import { FEED_ITEM_JSON_SQL, LATEST_FEED_ROOT } from '../feed-item/feed-item.json-sql';
import type { JsonSqlSchema } from '../graphql/json-sql/json-sql.types';
import { PERSON_JSON_SQL } from '../person/person.json-sql';
import { SOURCE_JSON_SQL } from '../source/source.json-sql';

/**
 * What the compiled read path answers (src/graphql/json-sql, src/http/compiled-operations.ts): the
 * sidebar and the article page, with every field of their types that is a column or a relation of
 * one. Operations selecting anything else run through Apollo and the resolvers.
 */
export const GATEWAY_JSON_SQL: JsonSqlSchema = {
  types: {
    FeedItem: FEED_ITEM_JSON_SQL,
    Article: ARTICLE_JSON_SQL,
    Mention: MENTION_JSON_SQL,
    Source: SOURCE_JSON_SQL,
    Person: PERSON_JSON_SQL,
  },
  roots: { latestFeed: LATEST_FEED_ROOT, article: ARTICLE_ROOT },
};
