/**
 * newsgate's typed client: `import { NewsgateClient } from 'newsgate/client'`. The documents and
 * their types are exported too, for apps that run them with Apollo Client, urql or their own fetch.
 */
export { NewsgateClient, NewsgateError, type NewsgateClientOptions, type NewsgateGraphQLError, type GraphQLResult } from './newsgate-client';
export * from './generated/graphql';
