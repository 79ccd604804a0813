import { ArticleAuthorEntity, ArticleCitedSourceEntity, ArticleMentionEntity } from '../article/article-links.entity';
import { ArticleEntity } from '../article/article.entity';
import { ArticleFetchEntity, ArticleRevisionEntity } from '../article/article-provenance.entity';
import { FeedItemEntity } from '../feed-item/feed-item.entity';
import { PersonEntity } from '../person/person.entity';
import { SourceFeedEntity } from '../source/source-feed.entity';
import { SourceFetchStateEntity } from '../source/source-fetch-state.entity';
import { SourceEntity } from '../source/source.entity';
import { ApiKeyEntity } from '../api-key/api-key.entity';
import { NewsEventEntity } from '../events/news-event.entity';
import { ArticleClusterEntity, StoryEntity, StoryKeyEntity } from '../story/story.entity';
import { SavedFeedEntity } from '../feed-item/saved-feed.entity';
import { WebhookDeliveryAttemptEntity, WebhookDeliveryEntity, WebhookEntity } from '../webhook/webhook.entity';

/** Every entity, listed explicitly: globs break between ts-node, swc and compiled output. */
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
