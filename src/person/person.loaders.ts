import DataLoader from 'dataloader';
import { byKey } from '../common/batch';
import type { PersonRepository } from './person.repository';
import type { PersonRecord } from './person.record';

export function createPersonLoaders(people: PersonRepository) {
  return {
    personById: new DataLoader<string, PersonRecord | null>(async (ids) => byKey(ids, await people.findByIds(ids), (row) => row.dbId)),
  };
}

export type PersonLoaders = ReturnType<typeof createPersonLoaders>;
