import { requireExactlyOne } from '../common/require-exactly-one';
import type { SqlParams } from '../db/sql-params';
import { Decline, type JsonSqlRootField, type JsonSqlType, type RootRows } from '../graphql/json-sql/json-sql.types';
import { fromGlobalIdOfType } from '../graphql/relay/global-id';
import { normalizeText } from '../text/normalize';
import { ARTICLE_TABLE } from './article.record';

/**
 * Article and Mention for the compiled read path (src/graphql/json-sql): the same orders as the
 * relation loaders of article.repository.ts (authors in byline order, mentions most-named first,
 * cited outlets by name).
 */
export const ARTICLE_JSON_SQL: JsonSqlType = {
  columns: ARTICLE_TABLE.columns,
  node: 'Article',
  one: { source: { type: 'Source', table: 'source', foreignKey: 'source_id' } },
  many: {
    authors: {
      type: 'Person',
      rows: (article, person) => ({
        from: `article_author ${person}l JOIN person ${person} ON ${person}.id = ${person}l.person_id WHERE ${person}l.article_id = ${article}.id`,
        orderBy: `${person}l.position`,
      }),
    },
    mentions: {
      type: 'Mention',
      rows: (article, mention) => ({
        from: `article_mention ${mention} JOIN person ${mention}p ON ${mention}p.id = ${mention}.person_id WHERE ${mention}.article_id = ${article}.id`,
        orderBy: `${mention}.count DESC, ${mention}p.name`,
      }),
    },
    citedSources: {
      type: 'Source',
      rows: (article, source) => ({
        from: `article_cited_source ${source}l JOIN source ${source} ON ${source}.id = ${source}l.source_id WHERE ${source}l.article_id = ${article}.id`,
        orderBy: `${source}.name`,
      }),
    },
  },
};

export const MENTION_JSON_SQL: JsonSqlType = {
  columns: { count: { column: 'count' } },
  one: { person: { type: 'Person', table: 'person', foreignKey: 'person_id' } },
};

/**
 * `article(id | slug)`: the row ArticleService.find reads (the slug normalised the same way). A
 * lookup by URL, or anything but exactly one argument, is left to Apollo and the service.
 */
export const ARTICLE_ROOT: JsonSqlRootField = {
  type: 'Article',
  rows(args: Readonly<Record<string, unknown>>, params: SqlParams): RootRows {
    requireExactlyOne(args, ['id', 'slug', 'url']);
    if (typeof args.id === 'string') {
      return { kind: 'one', select: `SELECT a.* FROM article a WHERE a.id = ${params.add(fromGlobalIdOfType(args.id, 'Article'), 'uuid')}` };
    }
    if (typeof args.slug === 'string') {
      return { kind: 'one', select: `SELECT a.* FROM article a WHERE a.slug = ${params.add(normalizeText(args.slug).toLowerCase())}` };
    }
    throw new Decline('article by url');
  },
};
