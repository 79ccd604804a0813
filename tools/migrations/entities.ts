import { ArticleAuthorEntity, ArticleCitedSourceEntity, ArticleMentionEntity } from '../../src/article/article-links.entity';
import { ArticleEntity } from '../../src/article/article.entity';
import { ArticleFetchEntity, ArticleRevisionEntity } from '../../src/article/article-provenance.entity';
import { FeedItemEntity } from '../../src/feed-item/feed-item.entity';
import { PersonEntity } from '../../src/person/person.entity';
import { SourceFeedEntity } from '../../src/source/source-feed.entity';
import { SourceFetchStateEntity } from '../../src/source/source-fetch-state.entity';
import { SourceEntity } from '../../src/source/source.entity';
import { ApiKeyEntity } from '../../src/api-key/api-key.entity';
import { NewsEventEntity } from '../../src/events/news-event.entity';
import { ArticleClusterEntity, StoryEntity, StoryKeyEntity } from '../../src/story/story.entity';
import { SavedFeedEntity } from '../../src/feed-item/saved-feed.entity';
import { WebhookDeliveryAttemptEntity, WebhookDeliveryEntity, WebhookEntity } from '../../src/webhook/webhook.entity';

/**
 * Every entity, listed explicitly (globs break between ts-node, swc and compiled output): the tables
 * the migration generator diffs against the migrations. The runtime reads and writes through SQL
 * (src/db/sql-executor.ts) and registers none, so nothing in src/ needs this list.
 */
export const ENTITIES = [
  SourceEntity,
  PersonEntity,
  ArticleEntity,
  ArticleAuthorEntity,
  ArticleMentionEntity,
  ArticleCitedSourceEntity,
  ArticleFetchEntity,
  ArticleRevisionEntity,
  FeedItemEntity,
  SourceFeedEntity,
  SourceFetchStateEntity,
  ApiKeyEntity,
  NewsEventEntity,
  StoryEntity,
  ArticleClusterEntity,
  StoryKeyEntity,
  SavedFeedEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
  WebhookDeliveryAttemptEntity,
];
