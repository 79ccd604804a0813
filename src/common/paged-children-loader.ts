import DataLoader from 'dataloader';
import { groupedByKey } from './batch';

/** A nested list request: which parent, and the page arguments every parent in a batch shares. */
export interface ChildPageKey<P> {
  parentId: string;
  page: P;
  /** Stable text of `page`: parents whose pages are equal are fetched in one statement. */
  pageKey: string;
}

/**
 * Batches nested connections (`sources { articles(first: 5) }`): keys with equal page arguments
 * become one LATERAL query for all their parents; each parent gets its rows in key order.
 */
export function pagedChildrenLoader<P, R extends { parentId: string }>(
  fetch: (parentIds: string[], page: P) => Promise<R[]>,
): DataLoader<ChildPageKey<P>, R[], string> {
  return new DataLoader<ChildPageKey<P>, R[], string>(
    async (keys) => {
      const byPage = new Map<string, { page: P; parentIds: string[] }>();
      for (const key of keys) {
        const group = byPage.get(key.pageKey) ?? { page: key.page, parentIds: [] };
        if (!group.parentIds.includes(key.parentId)) group.parentIds.push(key.parentId);
        byPage.set(key.pageKey, group);
      }
      const results = new Map<string, R[]>();
      await Promise.all(
        [...byPage.entries()].map(async ([pageKey, { page, parentIds }]) => {
          const rows = await fetch(parentIds, page);
          groupedByKey(parentIds, rows, (row) => row.parentId).forEach((group, i) => results.set(`${pageKey}|${parentIds[i]}`, group));
        }),
      );
      return keys.map((key) => results.get(`${key.pageKey}|${key.parentId}`) ?? []);
    },
    { cacheKeyFn: (key) => `${key.pageKey}|${key.parentId}` },
  );
}

/** Batches per-parent counts (`totalCount` of nested connections) into one statement. */
export function countByParentLoader(fetch: (parentIds: string[]) => Promise<Array<{ parentId: string; count: number }>>) {
  return new DataLoader<string, number>(async (parentIds) => {
    const rows = await fetch([...parentIds]);
    const counts = new Map(rows.map((row) => [row.parentId, row.count]));
    return parentIds.map((id) => counts.get(id) ?? 0);
  });
}
