import { Arg, Authorized, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ADMIN } from '../graphql/authorization';
import { ApiKeyService } from './api-key.service';
import { ApiKey, CreateApiKeyInput, CreatedApiKey } from './api-key.types';

/** Partner keys, for admins only: the auth checker refuses partners (FORBIDDEN) on every route. */
@Resolver(() => ApiKey)
export class ApiKeyResolver {
  constructor(private readonly apiKeyService: ApiKeyService) {}

  @Authorized(ADMIN)
  @Query(() => [ApiKey], { description: 'Every partner API key, newest first, revoked ones included (admin only).' })
  apiKeys() {
    return this.apiKeyService.list();
  }

  @Authorized(ADMIN)
  @Mutation(() => CreatedApiKey, { description: 'Issues a partner API key; the secret is in this response only (admin only).' })
  createApiKey(@Arg('input', () => CreateApiKeyInput, { description: 'The partner and the key’s restrictions.' }) input: CreateApiKeyInput) {
    return this.apiKeyService.create(input);
  }

  @Authorized(ADMIN)
  @Mutation(() => ApiKey, { description: 'Revokes a key: it stops working at once, on every gateway process (admin only).' })
  revokeApiKey(@Arg('id', () => ID, { description: 'The key’s ID (`ApiKey.id`).' }) id: string) {
    return this.apiKeyService.revoke(id);
  }
}
