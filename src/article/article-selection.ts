import type { GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../graphql/selection';
import type { ArticleSelection } from './article.record';

/**
 * What a list query selects of the articles at `path` and of their relations, read from the
 * operation before execution so the relations can be loaded for the whole page at once.
 */
export function articleSelection(info: GraphQLResolveInfo, path: readonly string[]): ArticleSelection {
  return {
    fields: selectedFields(info, path),
    relations: {
      authors: selectedFields(info, [...path, 'authors']),
      mentionPeople: selectedFields(info, [...path, 'mentions', 'person']),
      citedSources: selectedFields(info, [...path, 'citedSources']),
    },
  };
}
