import DataLoader from 'dataloader';
import { byKey, groupedByKey } from '../common/batch';
import { countByParentLoader, pagedChildrenLoader, type ChildPageKey } from '../common/paged-children-loader';
import type { PersonRecord } from '../person/person.types';
import type { PersonRole } from '../person/person.types';
import type { SourceRecord } from '../source/source.types';
import type { ArticlePage, ArticleRepository } from './article.repository';
import type { ArticleRecord } from './article.types';

export interface MentionRecord {
  person: PersonRecord;
  count: number;
}

export type ArticlesByParentKey = ChildPageKey<ArticlePage>;
export type ArticlesByPersonKey = ChildPageKey<ArticlePage & { role: PersonRole | null }>;

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
    articlesBySourceId: pagedChildrenLoader((ids, page: ArticlePage) => articles.listForParents({ kind: 'source' }, ids, page)),
    articleCountBySourceId: countByParentLoader((ids) => articles.countForParents({ kind: 'source' }, ids)),
    articlesByPersonId: pagedChildrenLoader((ids, page: ArticlePage & { role: PersonRole | null }) =>
      articles.listForParents({ kind: 'person', role: page.role }, ids, page),
    ),
    // Keyed by "role|personId": the count depends on the role asked for.
    articleCountByPersonRoleKey: new DataLoader<string, number>(async (keys) => {
      const byRole = new Map<string, string[]>();
      for (const key of keys) {
        const [role, id] = key.split('|') as [string, string];
        byRole.set(role, [...(byRole.get(role) ?? []), id]);
      }
      const counts = new Map<string, number>();
      await Promise.all(
        [...byRole.entries()].map(async ([role, ids]) => {
          const rows = await articles.countForParents({ kind: 'person', role: (role || null) as PersonRole | null }, ids);
          for (const row of rows) counts.set(`${role}|${row.parentId}`, row.count);
        }),
      );
      return keys.map((key) => counts.get(key) ?? 0);
    }),
  };
}

export type ArticleLoaders = ReturnType<typeof createArticleLoaders>;
