import { defineTable, columnsOf, type RecordOf } from '../db/column-selection';
import type { PersonEntity } from './person.entity';

const c = columnsOf<PersonEntity>();

/** What reads return of a person: the one list of its fields and columns (see db/column-selection.ts). */
export const PERSON_TABLE = defineTable<PersonEntity>()('person', 'p', {
  dbId: c('id', 'id', { required: true }),
  slug: c('slug', 'slug'),
  name: c('name', 'name'),
  aliases: c('aliases', 'aliases'),
  description: c('description', 'description'),
});

/** The read model: a plain row, as repositories return it. */
export type PersonRecord = RecordOf<typeof PERSON_TABLE>;

/** How a person appears in an article. */
export enum PersonRole {
  AUTHOR = 'AUTHOR',
  MENTIONED = 'MENTIONED',
}
