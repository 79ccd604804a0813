import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/relay/connection';
import { Node } from '../graphql/relay/node';
import { CACHE_SECONDS, CacheHint } from '../cache/cache-hints';
import { PersonRole, type PersonRecord } from './person.record';


registerEnumType(PersonRole, {
  name: 'PersonRole',
  description: 'How a person appears in an article.',
  valuesConfig: {
    AUTHOR: { description: 'Wrote the article (named in its byline).' },
    MENTIONED: { description: 'Is named in the article’s text.' },
  },
});

@CacheHint(CACHE_SECONDS.catalog)
@ObjectType('Person', {
  implements: Node,
  simpleResolvers: true,
  description: 'A person: an author of articles, or someone articles mention.',
})
export class Person implements Node, PersonRecord {
  @Field(() => ID, { description: 'Globally unique, opaque ID.' })
  id!: string;

  dbId!: string;

  @Field({ description: 'Readable, unique, URL-safe identifier (ASCII, transliterated from the name).' })
  slug!: string;

  @Field({ description: 'The name the person is best known by.' })
  name!: string;

  @Field(() => [String], {
    description: 'Every form the name is written in, in any script and short form (`Vladimir Putin`, `ভ্লাদিমির পুতিন`, `পুতিন`); mentions are found by these.',
  })
  aliases!: string[];

  @Field(() => String, { nullable: true, description: 'One line on who the person is.' })
  description!: string | null;
}

export const PersonConnection = ConnectionType(Person, 'Person', 'people');
