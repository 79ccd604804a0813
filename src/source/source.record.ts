import { defineTable, columnsOf, type RecordOf } from '../db/column-selection';
import type { SourceEntity } from './source.entity';

const c = columnsOf<SourceEntity>();

/** What reads return of a source: the one list of its fields and columns (see db/column-selection.ts). */
export const SOURCE_TABLE = defineTable<SourceEntity>()('source', 's', {
  dbId: c('id', 'id', { required: true }),
  slug: c('slug', 'slug'),
  name: c('name', 'name'),
  aliases: c('aliases', 'aliases'),
  homepageUrl: c('homepageUrl', 'homepage_url'),
  language: c('language', 'language'),
  country: c('country', 'country'),
  logoUrl: c('logoUrl', 'logo_url'),
  kind: c('kind', 'kind'),
});

/** The read model: a plain row, as repositories return it. */
export type SourceRecord = RecordOf<typeof SOURCE_TABLE>;
