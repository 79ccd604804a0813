import DataLoader from 'dataloader';
import { groupedByKey } from './batch';

/** A nested list request: which parent, and the page arguments every parent in a batch shares. */
export interface ChildPageKey<P> {
  parentId: string;
  page: P;
}

/**
 * Stable text of a page request, the one way loader keys are built: nested lists whose page
 * arguments are equal share this text and are fetched in one statement. Fields are read in sorted
 * order and dates as ISO text, so equal pages give equal text whoever built them.
 */
export function pageKey(page: unknown): string {
  if (page === null || page === undefined) return '';
  if (page instanceof Date) return page.toISOString();
  if (typeof page === 'string' || typeof page === 'number' || typeof page === 'boolean' || typeof page === 'bigint') return String(page);
  if (typeof page !== 'object') return typeof page;
  if (Array.isArray(page)) return `[${page.map(pageKey).join(',')}]`;
  const fields = page as Record<string, unknown>;
  return `{${Object.keys(fields)
    .sort()
    .map((name) => `${name}=${pageKey(fields[name])}`)
    .join('|')}}`;
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
      const keyTexts = keys.map((key) => pageKey(key.page));
      keys.forEach((key, i) => {
        const group = byPage.get(keyTexts[i]!) ?? { page: key.page, parentIds: [] };
        if (!group.parentIds.includes(key.parentId)) group.parentIds.push(key.parentId);
        byPage.set(keyTexts[i]!, group);
      });
      const results = new Map<string, R[]>();
      await Promise.all(
        [...byPage.entries()].map(async ([text, { page, parentIds }]) => {
          const rows = await fetch(parentIds, page);
          groupedByKey(parentIds, rows, (row) => row.parentId).forEach((group, i) => results.set(`${text}|${parentIds[i]}`, group));
        }),
      );
      return keys.map((key, i) => results.get(`${keyTexts[i]}|${key.parentId}`) ?? []);
    },
    { cacheKeyFn: (key) => `${pageKey(key.page)}|${key.parentId}` },
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

/**
 * Per-parent counts that depend on arguments (`person { articles(role:) { totalCount } }`): keys
 * with equal arguments become one statement for all their parents.
 */
export function countByParentPageLoader<P>(fetch: (parentIds: string[], page: P) => Promise<Array<{ parentId: string; count: number }>>) {
  return new DataLoader<ChildPageKey<P>, number, string>(
    async (keys) => {
      const byPage = new Map<string, { page: P; parentIds: string[] }>();
      for (const key of keys) {
        const text = pageKey(key.page);
        const group = byPage.get(text) ?? { page: key.page, parentIds: [] };
        if (!group.parentIds.includes(key.parentId)) group.parentIds.push(key.parentId);
        byPage.set(text, group);
      }
      const counts = new Map<string, number>();
      await Promise.all(
        [...byPage.entries()].map(async ([text, { page, parentIds }]) => {
          for (const row of await fetch(parentIds, page)) counts.set(`${text}|${row.parentId}`, row.count);
        }),
      );
      return keys.map((key) => counts.get(`${pageKey(key.page)}|${key.parentId}`) ?? 0);
    },
    { cacheKeyFn: (key) => `${pageKey(key.page)}|${key.parentId}` },
  );
}
