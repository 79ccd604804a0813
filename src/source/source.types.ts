import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/relay/connection';
import { Node } from '../graphql/relay/node';
import { SourceKind } from './source.entity';
import { CACHE_SECONDS, CacheHint } from '../cache/cache-hints';
import type { SourceRecord } from './source.record';

registerEnumType(SourceKind, {
  name: 'SourceKind',
  description: 'What kind of outlet a source is.',
  valuesConfig: {
    PUBLISHER: { description: 'A newspaper, magazine or news site publishing its own reporting.' },
    AGENCY: { description: 'A news agency selling wire copy (Reuters, AFP, ...).' },
    BROADCASTER: { description: 'A television or radio broadcaster and its site (TRT World, BBC, ...).' },
    AGGREGATOR: { description: 'A site that republishes others’ headlines.' },
    BLOG: { description: 'A blog or newsletter.' },
    GOVERNMENT: { description: 'A government body or official outlet.' },
    OTHER: { description: 'Anything else.' },
  },
});


@CacheHint(CACHE_SECONDS.catalog)
@ObjectType('Source', {
  implements: Node,
  simpleResolvers: true,
  description: 'A news outlet: a publisher we aggregate, or a source an article cites (TRT World, Reuters, ...).',
})
export class Source implements Node, SourceRecord {
  @Field(() => ID, { description: 'Globally unique, opaque ID.' })
  id!: string;

  dbId!: string;

  @Field({ description: 'Readable, unique, URL-safe identifier (ASCII, transliterated from the name).' })
  slug!: string;

  @Field({ description: 'The outlet’s name as it writes it.' })
  name!: string;

  @Field(() => [String], { description: 'Other names the outlet is written as, in any script (`টিআরটি ওয়ার্ল্ড`).' })
  aliases!: string[];

  @Field(() => String, { nullable: true, description: 'Home page URL.' })
  homepageUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Main language of the outlet, as a BCP 47 tag (`bn`, `en`, `ar`).' })
  language!: string | null;

  @Field(() => String, { nullable: true, description: 'Country of the outlet, ISO 3166-1 alpha-2 (`BD`, `TR`).' })
  country!: string | null;

  @Field(() => String, { nullable: true, description: 'Logo image URL.' })
  logoUrl!: string | null;

  @Field(() => SourceKind, { description: 'What kind of outlet this is.' })
  kind!: SourceKind;
}

export const SourceConnection = ConnectionType(Source, 'Source', 'sources');
