import DataLoader from 'dataloader';
import { byKey } from '../common/batch';
import type { SourceRepository } from './source.repository';
import type { SourceRecord } from './source.record';

export function createSourceLoaders(sources: SourceRepository) {
  return {
    sourceById: new DataLoader<string, SourceRecord | null>(async (ids) => byKey(ids, await sources.findByIds(ids), (row) => row.dbId)),
  };
}

export type SourceLoaders = ReturnType<typeof createSourceLoaders>;
