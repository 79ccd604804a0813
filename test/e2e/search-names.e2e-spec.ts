import { ArticleWriteRepository, articleContentHash } from '../../src/article/article-write.repository';
import { upsertFeedItems } from '../../src/feed-item/feed-item.repository';
import { seed } from '../../src/seed/seed';
import { matchEntities } from '../../src/text/aliases';
import { normalizeForSearch } from '../../src/text/normalize';
import { e2eConfig } from '../support/e2e-config';
import { startTestApp, type TestApp } from '../support/test-app';
import { codes, ok } from './helpers';

/**
 * Search by the names of people and outlets, across scripts, and language filters by BCP 47
 * prefix. The bundled sample (a Bengali article naming পুতিন seven times, in inflected forms, and
 * citing TRT World) is seeded as `npm start` seeds it; beside it, stored through the write path
 * with mentions found by the same alias matcher ingestion uses:
 * - an English article naming Putin in its title,
 * - the newest of all, an English essay on "Putinism", which names nobody (a body-only match of `putin`),
 * - articles and headlines tagged `zh`, `zh-Hans-CN` and `zhd` (Dai Zhuang, which `zh` must not find; `zha`, Zhuang, is canonically `za`).
 */
const ENGLISH = { key: 'english-putin', title: 'Putin meets envoys in Moscow', paragraphs: ['The Kremlin said Putin’s talks lasted three hours.'], language: 'en', at: '2025-01-10T08:00:00Z' };
const ESSAY = { key: 'essay', title: 'An essay on doctrine', paragraphs: ['Putinism, the essay argues, outlived its name.'], language: 'en', at: '2026-01-01T08:00:00Z' };
const CHINESE = { key: 'zh', title: '北京发布新闻', paragraphs: ['今天举行了发布会。'], language: 'zh', at: '2025-02-01T08:00:00Z' };
const CHINESE_CN = { key: 'zh-cn', title: '上海天气晴朗', paragraphs: ['气温适宜。'], language: 'zh-Hans-CN', at: '2025-02-02T08:00:00Z' };
const ZHUANG = { key: 'zha', title: 'Bouxcuengh cih', paragraphs: ['Vahcuengh.'], language: 'zhd', at: '2025-02-03T08:00:00Z' };
const EXTRAS = [ENGLISH, ESSAY, CHINESE, CHINESE_CN, ZHUANG];

const SEARCH = `query($search: String, $language: String, $order: ArticleOrder, $first: Int, $after: String) {
  articles(filter: { search: $search, language: $language }, orderBy: $order, first: $first, after: $after) {
    totalCount
    edges { cursor node { id title } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('search by names across scripts, and language tags by prefix', () => {
  let app: TestApp;
  let sampleTitle: string;

  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
    await seed(app.db);
    const people = (await app.db.manager.query('SELECT id, name, aliases FROM person')) as Array<{ id: string; name: string; aliases: string[] }>;
    const [source] = (await app.db.manager.query(`SELECT id FROM source WHERE slug = 'reuters'`)) as Array<{ id: string }>;
    await app.db.transaction(async (manager) => {
      const writer = new ArticleWriteRepository();
      for (const [i, extra] of EXTRAS.entries()) {
        const text = [extra.title, ...extra.paragraphs].join('\n');
        const mentions = matchEntities(text, people.map((p) => ({ id: p.id, aliases: [p.name, ...p.aliases] })));
        const { id } = await writer.upsert(manager, {
          sourceId: source!.id,
          url: `https://reuters.example/search-names/${extra.key}`,
          slug: `search-names-${extra.key}`,
          title: extra.title,
          summary: null,
          paragraphs: extra.paragraphs,
          language: extra.language,
          publishedAt: new Date(extra.at),
          updatedAt: null,
          imageUrl: null,
          byline: null,
          searchText: normalizeForSearch(text),
          contentHash: articleContentHash(extra.title, extra.paragraphs),
          authorIds: [],
          mentions: [...mentions].map(([personId, count]) => ({ personId, count })),
          citedSourceIds: [],
        });
        await upsertFeedItems(manager, source!.id, [
          { itemKey: `search-names:${extra.key}`, headline: extra.title, url: null, imageUrl: null, language: extra.language, publishedAt: new Date(extra.at), position: i, articleId: id },
        ]);
      }
    });
    const { articles } = ok(await app.gql('{ articles(filter: { language: "bn" }) { edges { node { title } } } }'));
    sampleTitle = articles.edges[0].node.title;
  });
  afterAll(() => app?.close());

  async function titles(search: string, variables: Record<string, unknown> = {}): Promise<string[]> {
    const { articles } = ok(await app.gql(SEARCH, { search, ...variables }));
    expect(articles.totalCount).toBe(articles.edges.length);
    return articles.edges.map((edge: { node: { title: string } }) => edge.node.title);
  }

  it('the English fixture mentions Putin as ingestion links him; the essay on Putinism names nobody', async () => {
    const { articles } = ok(await app.gql('{ articles(filter: { language: "en" }) { edges { node { title mentions { count person { slug } } } } } }'));
    const byTitle = new Map(articles.edges.map((edge: any) => [edge.node.title, edge.node.mentions]));
    expect(byTitle.get(ENGLISH.title)).toEqual([{ count: 2, person: { slug: 'vladimir-putin' } }]);
    expect(byTitle.get(ESSAY.title)).toEqual([]);
  });

  it('"Putin", "Путин", "পুতিনের" and "পুতিন" find the Bengali sample, which names him only in Bengali', async () => {
    for (const name of ['Putin', 'Путин', 'পুতিনের', 'পুতিন', 'Путина', 'Putin’s', 'بوتين', '普京', 'Vladimir Putin']) {
      expect([name, await titles(name)]).toEqual([name, expect.arrayContaining([sampleTitle])]);
    }
  });

  it('a Bengali or Russian name finds the English article about the same person', async () => {
    for (const name of ['পুতিনের', 'পুতিন', 'Путин', 'ভ্লাদিমির পুতিন']) {
      expect([name, await titles(name)]).toEqual([name, [sampleTitle, ENGLISH.title]]);
    }
  });

  it('an outlet’s name in any script finds the articles that cite it', async () => {
    const cited = ok(await app.gql('{ articles(filter: { language: "bn" }) { edges { node { citedSources { slug } } } } }'));
    expect(cited.articles.edges[0].node.citedSources).toEqual(expect.arrayContaining([{ slug: 'trt-world' }]));
    expect(await titles('TRT World')).toEqual([sampleTitle]);
    expect(await titles('টিআরটি ওয়ার্ল্ড')).toEqual([sampleTitle]);
  });

  it('ranks title and name matches above body-only matches, each group in the list’s order, through every cursor', async () => {
    // The essay is the newest article, but matches `putin` only in its body (Putinism).
    expect(await titles('Putin')).toEqual([sampleTitle, ENGLISH.title, ESSAY.title]);
    expect(await titles('Putin', { order: 'OLDEST_FIRST' })).toEqual([ENGLISH.title, sampleTitle, ESSAY.title]);
    // One edge a page: the cursors carry the rank, so the pages continue the same order.
    for (const order of ['NEWEST_FIRST', 'OLDEST_FIRST']) {
      const paged: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const { articles }: any = ok(await app.gql(SEARCH, { search: 'Putin', order, first: 1, after }));
        paged.push(...articles.edges.map((edge: any) => edge.node.title));
        if (!articles.pageInfo.hasNextPage) break;
        after = articles.pageInfo.endCursor;
      }
      expect(paged).toEqual(await titles('Putin', { order }));
    }
  });

  it('cursors of a ranked search and of a plain list are not interchangeable', async () => {
    const ranked = ok(await app.gql(SEARCH, { search: 'Putin', first: 1 })).articles.pageInfo.endCursor;
    const plain = ok(await app.gql(SEARCH, { first: 1 })).articles.pageInfo.endCursor;
    expect(codes(await app.gql(SEARCH, { first: 1, after: ranked }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await app.gql(SEARCH, { search: 'Putin', first: 1, after: plain }))).toEqual(['BAD_USER_INPUT']);
  });

  it('no match is an empty list, not an error', async () => {
    for (const search of ['Zzyzx', 'পুতুলের', 'Путинизм']) {
      const { articles } = ok(await app.gql(SEARCH, { search }));
      expect([search, articles]).toEqual([search, { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } }]);
    }
  });

  it('language filters match BCP 47 tags by whole subtags, both ways, in any case', async () => {
    const zh = [CHINESE_CN.title, CHINESE.title];
    expect(await titles('', { language: 'zh' })).toEqual(zh);
    // zh-Hans finds zh (the tag it extends) and zh-Hans-CN (a tag extending it).
    expect(await titles('', { language: 'zh-Hans' })).toEqual(zh);
    expect(await titles('', { language: 'zh-Hant' })).toEqual([CHINESE.title]);
    expect(await titles('', { language: 'ZH-hans-cn' })).toEqual(zh);
    expect(await titles('', { language: 'zhd' })).toEqual([ZHUANG.title]);
    expect(await titles('', { language: 'bn-BD' })).toEqual([sampleTitle]);
    expect(await titles('', { language: 'en-GB' })).toEqual([ESSAY.title, ENGLISH.title]);
    expect(await titles('পুতিন', { language: 'en-US' })).toEqual([ENGLISH.title]);
    const { latestFeed } = ok(await app.gql('{ latestFeed(language: "zh-Hans", first: 100) { totalCount edges { node { headline language } } } }'));
    expect(latestFeed.edges.map((edge: any) => edge.node)).toEqual([
      { headline: CHINESE_CN.title, language: 'zh-Hans-CN' },
      { headline: CHINESE.title, language: 'zh' },
    ]);
    const zhFeed = ok(await app.gql('{ latestFeed(language: "zh", first: 100) { edges { node { headline } } } }'));
    expect(zhFeed.latestFeed.edges.map((edge: any) => edge.node.headline)).toEqual(zh);
  });

  describe('feeds', () => {
    const feedTitles = async (query: string): Promise<string[]> => {
      const res = await fetch(`${app.url}/feeds/latest.json${query}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: Array<{ title: string }> }).items.map((item) => item.title);
    };

    it('?q= finds the headlines whose article names the person, in any script', async () => {
      expect(await feedTitles(`?q=${encodeURIComponent('পুতিনের')}`)).toContain(ENGLISH.title);
      expect(await feedTitles(`?q=${encodeURIComponent('Путин')}`)).toEqual([ENGLISH.title]);
      expect(await feedTitles('?q=Zzyzx')).toEqual([]);
    });

    it('?language= matches by prefix both ways, on subtag boundaries', async () => {
      expect(await feedTitles('?language=zh-Hans')).toEqual([CHINESE_CN.title, CHINESE.title]);
      expect(await feedTitles('?language=zh-Hant')).toEqual([CHINESE.title]);
      expect(await feedTitles('?language=zh')).toEqual([CHINESE_CN.title, CHINESE.title]);
      expect(await feedTitles('?language=zhd')).toEqual([ZHUANG.title]);
      const bn = await feedTitles('?language=bn-BD');
      expect(bn.length).toBe(20);
      const rss = await (await fetch(`${app.url}/feeds/latest.rss?language=zh-Hans`)).text();
      expect(rss).toContain(CHINESE.title);
      expect(rss).not.toContain(ZHUANG.title);
    });
  });
});
