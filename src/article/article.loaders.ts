import DataLoader from 'dataloader';
import { byKey, groupedByKey } from '../common/batch';
import { countByParentLoader, countByParentPageLoader, pagedChildrenLoader } from '../common/paged-children-loader';
import type { PersonRecord, PersonRole } from '../person/person.record';
import type { SourceRecord } from '../source/source.record';
import type { ArticleRecord, MentionRecord, ProvenanceRecord } from './article.record';
import type { ArticlePage, ArticleRepository } from './article.repository';

/** Built per request: batching and caching last exactly as long as one GraphQL operation. */
export function createArticleLoaders(articles: ArticleRepository) {
  return {
    articleById: new DataLoader<string, ArticleRecord | null>(async (ids) =>
      byKey(ids, await articles.findByIds(ids), (row) => row.dbId),
    ),
    authorsByArticleId: new DataLoader<string, PersonRecord[]>(async (ids) =>
      groupedByKey(ids, await articles.authorsByArticleIds(ids), (row) => row.articleId),
    ),
    mentionsByArticleId: new DataLoader<string, MentionRecord[]>(async (ids) =>
      groupedByKey(ids, await articles.mentionsByArticleIds(ids), (row) => row.articleId),
    ),
    citedSourcesByArticleId: new DataLoader<string, SourceRecord[]>(async (ids) =>
      groupedByKey(ids, await articles.citedSourcesByArticleIds(ids), (row) => row.articleId),
    ),
    provenanceByArticleId: new DataLoader<string, ProvenanceRecord | null>(async (ids) =>
      byKey(ids, await articles.provenanceByArticleIds(ids), (row) => row.articleId),
    ),
    articlesBySourceId: pagedChildrenLoader((ids, page: ArticlePage) => articles.listForParents({ kind: 'source' }, ids, page)),
    articleCountBySourceId: countByParentLoader((ids) => articles.countForParents({ kind: 'source' }, ids)),
    articlesByPersonId: pagedChildrenLoader((ids, page: ArticlePage & { role: PersonRole | null }) =>
      articles.listForParents({ kind: 'person', role: page.role }, ids, page),
    ),
    // The count depends on the role asked for: keyed by person and role.
    articleCountByPersonId: countByParentPageLoader((ids, page: { role: PersonRole | null }) =>
      articles.countForParents({ kind: 'person', role: page.role }, ids),
    ),
  };
}

export type ArticleLoaders = ReturnType<typeof createArticleLoaders>;
