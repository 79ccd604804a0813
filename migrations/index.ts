import type { MigrationInterface } from 'typeorm';
import { Initial1795805795109 } from './1795805795109-Initial';
import { SourceFeeds1795806549217 } from './1795806549217-SourceFeeds';
import { ApiKeys1795806756658 } from './1795806756658-ApiKeys';
import { ClampedPublicationDates1796592514098 } from './1796592514098-ClampedPublicationDates';
import { ArticleSourceContentHash1796614044910 } from './1796614044910-ArticleSourceContentHash';
import { NewsEvents1796622569589 } from './1796622569589-NewsEvents';
import { ArticleProvenance1796625000000 } from './1796625000000-ArticleProvenance';
import { Stories1796647592765 } from './1796647592765-Stories';
import { SavedFeeds1796647606258 } from './1796647606258-SavedFeeds';
import { Webhooks1796660000000 } from './1796660000000-Webhooks';
import { CopiesIndex1796670000000 } from './1796670000000-CopiesIndex';
import { FeedItemListed1796680000000 } from './1796680000000-FeedItemListed';
import { FeedItemListedChangesOnly1796690000000 } from './1796690000000-FeedItemListedChangesOnly';
import { StoryKeyLatest1796695000000 } from './1796695000000-StoryKeyLatest';
import { StoryKeyCleanup1796696000000 } from './1796696000000-StoryKeyCleanup';
import { FeedItemListedPlanned1796697000000 } from './1796697000000-FeedItemListedPlanned';

/** Every migration in order. Listed explicitly so compiled, ts-node and jest runs agree. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  Initial1795805795109,
  SourceFeeds1795806549217,
  ApiKeys1795806756658,
  ClampedPublicationDates1796592514098,
  ArticleSourceContentHash1796614044910,
  NewsEvents1796622569589,
  ArticleProvenance1796625000000,
  Stories1796647592765,
  SavedFeeds1796647606258,
  Webhooks1796660000000,
  CopiesIndex1796670000000,
  FeedItemListed1796680000000,
  FeedItemListedChangesOnly1796690000000,
  StoryKeyLatest1796695000000,
  StoryKeyCleanup1796696000000,
  FeedItemListedPlanned1796697000000,
];
