import DataLoader from 'dataloader';
import { byKey, groupedByKey } from '../common/batch';
import type { FetchStatusRecord, SourceFeedRecord, SourceRegistryRepository } from '../source/source-registry.repository';

export function createSourceRegistryLoaders(registry: SourceRegistryRepository) {
  return {
    feedsBySourceId: new DataLoader<string, SourceFeedRecord[]>(async (ids) => groupedByKey(ids, await registry.feedsBySourceIds(ids), (row) => row.sourceId)),
    fetchStatusBySourceId: new DataLoader<string, FetchStatusRecord | null>(async (ids) =>
      byKey(ids, await registry.statusBySourceIds(ids), (row) => row.sourceId),
    ),
  };
}

export type SourceRegistryLoaders = ReturnType<typeof createSourceRegistryLoaders>;
