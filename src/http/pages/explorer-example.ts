import { print } from 'graphql';
import { SidebarDocument } from '../../client/generated/graphql';

/**
 * The operation both explorers (Apollo Sandbox at /graphql, GraphiQL at /graphiql) open with: the
 * latest-feed sidebar, the query most apps start from. It is the typed client's own document, so
 * what a developer tries first is what the typed client runs.
 */
export const EXPLORER_EXAMPLE = {
  document: [
    '# The "latest" sidebar, newest first.',
    '# Run: Ctrl-Enter. Next page: set the',
    '# variable "after" to pageInfo.endCursor.',
    '# Every field is described in the docs.',
    print(SidebarDocument),
  ].join('\n'),
  variables: { first: 10 },
} as const;
