import { countByParentPageLoader, pageKey, pagedChildrenLoader } from './paged-children-loader';

describe('pageKey', () => {
  it('is the same for equal pages whatever their field order, and differs otherwise', () => {
    const at = new Date('2025-01-01T00:00:00Z');
    expect(pageKey({ limit: 5, after: { publishedAt: at, id: 'x' }, backward: false })).toBe(pageKey({ backward: false, limit: 5, after: { id: 'x', publishedAt: new Date(at) } }));
    expect(pageKey({ limit: 5, after: null })).not.toBe(pageKey({ limit: 6, after: null }));
    expect(pageKey({ role: null })).not.toBe(pageKey({ role: 'AUTHOR' }));
    expect(pageKey({ a: { b: 1 } })).not.toBe(pageKey({ a: 'b=1' }));
  });
});

describe('pagedChildrenLoader', () => {
  it('fetches parents with equal pages in one call and answers in key order', async () => {
    const calls: Array<{ ids: string[]; page: { limit: number } }> = [];
    const loader = pagedChildrenLoader(async (ids: string[], page: { limit: number }) => {
      calls.push({ ids, page });
      return ids.flatMap((parentId) => Array.from({ length: page.limit }, (_, i) => ({ parentId, n: i })));
    });
    const [a, b, c] = await Promise.all([
      loader.load({ parentId: 'p1', page: { limit: 1 } }),
      loader.load({ parentId: 'p2', page: { limit: 1 } }),
      loader.load({ parentId: 'p1', page: { limit: 2 } }),
    ]);
    expect(calls).toEqual([
      { ids: ['p1', 'p2'], page: { limit: 1 } },
      { ids: ['p1'], page: { limit: 2 } },
    ]);
    expect(a).toEqual([{ parentId: 'p1', n: 0 }]);
    expect(b).toEqual([{ parentId: 'p2', n: 0 }]);
    expect(c).toHaveLength(2);
  });

  it('counts per parent and arguments', async () => {
    const loader = countByParentPageLoader(async (ids: string[], page: { role: string | null }) => ids.map((parentId) => ({ parentId, count: page.role ? 1 : 2 })));
    expect(await Promise.all([loader.load({ parentId: 'p', page: { role: null } }), loader.load({ parentId: 'p', page: { role: 'AUTHOR' } }), loader.load({ parentId: 'q', page: { role: null } })])).toEqual([2, 1, 2]);
  });
});
