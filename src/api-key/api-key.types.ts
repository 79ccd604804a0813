import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import type { ApiKeyRecord, NewApiKey } from './api-key.record';

// Admin data: no cache hint, so the cache-control policy is no-store and no cache keeps it.
@ObjectType('ApiKey', { simpleResolvers: true, description: 'A partner’s API key, as admins see it: never the secret.' })
export class ApiKey implements Omit<ApiKeyRecord, '__typename' | 'secretHash'> {
  @Field(() => ID, { description: 'Row ID of the key (what `revokeApiKey` takes).' })
  id!: string;

  @Field({ description: 'The non-secret start of the key (`ngk_<keyId>_…`), to tell keys apart.' })
  keyId!: string;

  @Field({ description: 'The partner the key was issued to.' })
  name!: string;

  @Field(() => [String], { description: 'Browser origins allowed to call with this key (CORS); empty means none.' })
  allowedOrigins!: string[];

  @Field(() => [String], {
    nullable: true,
    description: 'SHA-256 hashes of the only operations (persisted queries) this key may run; null means any operation.',
  })
  allowedOperations!: string[] | null;

  @Field(() => GraphQLDateTime, { description: 'When the key was issued.' })
  createdAt!: Date;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When the key was revoked; null while it works.' })
  revokedAt!: Date | null;
}

@ObjectType('CreatedApiKey', { simpleResolvers: true, description: 'A new key and its secret, shown this once: only a hash is stored.' })
export class CreatedApiKey {
  @Field(() => ApiKey, { description: 'The stored key.' })
  apiKey!: ApiKey;

  @Field({ description: 'The whole key, for the `X-Api-Key` header or a feed’s `?key=`. It cannot be shown again.' })
  secret!: string;
}

@InputType('CreateApiKeyInput', { description: 'A key to issue to a partner.' })
export class CreateApiKeyInput implements NewApiKey {
  @Field({ description: 'The partner’s name, not empty.' })
  name!: string;

  @Field(() => [String], { nullable: true, description: 'Browser origins (`https://partner.example`) allowed to call with the key.' })
  allowedOrigins?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Restrict the key to these persisted operations (SHA-256 hex of each query text, as automatic persisted queries send it).',
  })
  allowedOperations?: string[] | null;
}
