import { ArticleWriteRepository, articleContentHash } from '../../src/article/article-write.repository';
import { seed } from '../../src/seed/seed';
import { normalizeForSearch } from '../../src/text/normalize';
import { buildFixtures, sortArticles, type Fixtures } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { e2eConfig } from '../support/e2e-config';
import { PeopleNamedDocument, SearchIdsDocument, type ArticleFilter } from '../support/generated/graphql';
import { codes, ok } from './helpers';

/**
 * Search in any language and script. Text is stored through the real
 * write path (search text = normalizeForSearch of title, summary and body, as ingestion does) and
 * queried through HTTP. The sample page is seeded too: it stores ড় as U+09A1 U+09BC.
 */
const PRECOMPOSED_RRA = '\u09DC'; // ড়
const DECOMPOSED_RRA = '\u09A1\u09BC'; // ড + nukta

interface Extra {
  key: string;
  title: string;
  paragraphs: string[];
  language: string;
}

/** Articles written for one search question each; none of them shares a word with another. */
const EXTRAS: Extra[] = [
  // পুতিন without any inflected form, and the inflected form without the bare one.
  { key: 'bare-putin', title: 'মস্কোয় পুতিন ভাষণ দিলেন', paragraphs: ['রাশিয়ার প্রেসিডেন্ট পুতিন আজ জাতির উদ্দেশে ভাষণ দেন।'], language: 'bn' },
  { key: 'inflected-putin', title: 'পুতিনের সফরসূচি প্রকাশ', paragraphs: ['ক্রেমলিন সফরসূচি জানিয়েছে।'], language: 'bn' },
  // A word near পুতিনের in spelling but another word (পুতুলের: "of the doll").
  { key: 'doll', title: 'পুতুলের মেলা শুরু', paragraphs: ['শিশুরা মেলায় ভিড় করেছে।'], language: 'bn' },
  { key: 'bare-sharif', title: 'লাহোরে শরিফ সমাবেশে', paragraphs: ['দলীয় কর্মীরা উপস্থিত ছিলেন।'], language: 'bn' },
  // The precomposed letter, stored as the writer gave it (the search text is normalised on the way in).
  { key: 'precomposed', title: `ঢাকায় গা${PRECOMPOSED_RRA}ি চলাচল বন্ধ`, paragraphs: [`সকাল থেকে স${PRECOMPOSED_RRA}কে যানজট।`], language: 'bn' },
  // English stemming would make organizations → organ and happiness → happi ~ happy.
  { key: 'organ', title: 'Organ donors honoured', paragraphs: ['Donors were happy to help.'], language: 'en' },
  { key: 'bn-with-english', title: 'অঙ্গদান নিয়ে সচেতনতা', paragraphs: ['চিকিৎসকেরা বলেন, organ donation জরুরি; রোগীরা happy।'], language: 'bn' },
];

describe('search', () => {
  let app: TestApp;
  let fx: Fixtures;
  const extraIds = new Map<string, string>();
  let sampleId: string;

  beforeAll(async () => {
    app = await startTestApp(e2eConfig());
    await seed(app.db);
    fx = await buildFixtures(app.db);
    const source = fx.sources[0]!;
    await app.db.transaction(async (manager) => {
      const writer = new ArticleWriteRepository();
      for (const [i, extra] of EXTRAS.entries()) {
        const { id } = await writer.upsert(manager, {
          sourceId: source.dbId,
          url: `${source.homepageUrl}search/${extra.key}`,
          slug: `search-${extra.key}`,
          title: extra.title,
          summary: null,
          paragraphs: extra.paragraphs,
          language: extra.language,
          publishedAt: new Date(Date.UTC(2024, 0, 1 + i)),
          updatedAt: null,
          imageUrl: null,
          byline: null,
          searchText: normalizeForSearch([extra.title, ...extra.paragraphs].join('\n')),
          contentHash: articleContentHash(extra.title, extra.paragraphs),
          authorIds: [],
          mentions: [],
          citedSourceIds: [],
        });
        extraIds.set(extra.key, Buffer.from(`Article:${id}`).toString('base64'));
      }
    });
    const { source: sample } = ok(await app.gql('{ source(slug: "sample-bengali-publisher") { articles { edges { node { id } } } } }'));
    sampleId = sample.articles.edges[0].node.id;
  });
  afterAll(() => app?.close());

  async function search(q: string, extra: Omit<ArticleFilter, 'search'> = {}): Promise<string[]> {
    const { articles } = ok(await app.request(SearchIdsDocument, { filter: { search: q, ...extra } }));
    expect(articles.totalCount).toBe(articles.edges.length);
    return articles.edges.map((e) => e.node.id);
  }
  const id = (key: string) => extraIds.get(key)!;
  /**
   * Fixture articles that mention the person with this alias, or whose stored text contains it:
   * a search that is a person's name finds both (mentions rank first, and here every article
   * that contains the name also mentions the person, so the list stays newest first).
   */
  const naming = (alias: string) => {
    const person = fx.people.find((p) => p.aliases.includes(alias))!;
    const text = containing(alias);
    return sortArticles(fx.articles.filter((a) => text.includes(a.id) || a.mentions.some((m) => m.personId === person.dbId))).map((a) => a.id);
  };
  /** Fixture articles whose stored text contains the words. */
  const containing = (text: string) =>
    sortArticles(fx.articles.filter((a) => [a.title, a.summary ?? '', ...a.paragraphs].join('\n').toLowerCase().includes(text.toLowerCase()))).map((a) => a.id);

  it('finds the seeded sample and knows its publication date (sanity)', async () => {
    const { node } = ok(await app.gql('query($id: ID!) { node(id: $id) { ... on Article { publishedAt title } } }', { id: sampleId }));
    expect(node.publishedAt).toBe('2025-09-03T00:00:00.000Z');
  });

  describe('Unicode normalisation: ড় typed either way finds ড় stored either way', () => {
    it('a query with precomposed ড় (U+09DC) finds the sample, which stores U+09A1 U+09BC', async () => {
      expect(`বা${PRECOMPOSED_RRA}াতে`).not.toBe(`বা${DECOMPOSED_RRA}াতে`);
      expect(await search(`বা${PRECOMPOSED_RRA}াতে`)).toEqual([sampleId]);
      expect(await search(`এছা${PRECOMPOSED_RRA}া`)).toEqual([sampleId]);
      // The decomposed form, as stored, finds it too.
      expect(await search(`বা${DECOMPOSED_RRA}াতে`)).toEqual([sampleId]);
    });

    it('a query with U+09A1 U+09BC finds an article written with precomposed ড়, and so does the precomposed query', async () => {
      expect(await search(`গা${DECOMPOSED_RRA}ি`)).toEqual([id('precomposed')]);
      expect(await search(`গা${PRECOMPOSED_RRA}ি`)).toEqual([id('precomposed')]);
      expect(await search(`স${DECOMPOSED_RRA}কে যানজট`)).toEqual([id('precomposed')]);
    });
  });

  describe('Bengali inflection', () => {
    it('পুতিনের finds an article that only says পুতিন, and পুতিন finds one that only says পুতিনের', async () => {
      const inflected = await search('পুতিনের');
      expect(inflected).toEqual(expect.arrayContaining([id('bare-putin'), id('inflected-putin'), sampleId]));
      const bare = await search('পুতিন');
      expect(bare).toEqual(expect.arrayContaining([id('bare-putin'), id('inflected-putin'), sampleId]));
      expect(await search('শরিফের')).toEqual(expect.arrayContaining([id('bare-sharif'), sampleId]));
    });

    it('does not confuse a different word of similar spelling (পুতুলের is not পুতিনের)', async () => {
      expect(await search('পুতিনের')).not.toContain(id('doll'));
      expect(await search('পুতুলের')).toEqual([id('doll')]);
    });

    it('people(search: "পুতিনের") finds Vladimir Putin, and only him', async () => {
      const { people } = ok(await app.request(PeopleNamedDocument, { search: 'পুতিনের' }));
      expect(people).toEqual({ totalCount: 1, edges: [{ node: { name: 'Vladimir Putin', slug: 'vladimir-putin' } }] });
      const { people: sharif } = ok(await app.request(PeopleNamedDocument, { search: 'শরিফের' }));
      expect(sharif.edges.map((e) => e.node.slug)).toEqual(['shehbaz-sharif']);
    });

    it('matches Bengali words in titles, summaries and bodies, and inflected forms of fixture words', async () => {
      expect(await search('বন্যা')).toEqual(expect.arrayContaining([...containing('বন্যা'), sampleId]));
      expect(await search('সংক্ষিপ্ত')).toEqual(containing('সংক্ষিপ্ত'));
      expect(containing('সংক্ষিপ্ত').length).toBeGreaterThan(10);
      // গুতেরেসের (Guterres's) finds every article naming গুতেরেস, and every one mentioning Guterres in another script.
      expect(await search('গুতেরেসের')).toEqual(naming('গুতেরেস'));
      expect(naming('গুতেরেস').length).toBeGreaterThan(containing('গুতেরেস').length);
    });
  });

  describe('no English stemming, for English or Bengali text', () => {
    it('organizations does not find organ, nor happiness happy; the words themselves do', async () => {
      expect(await search('organizations')).toEqual([]);
      expect(await search('happiness')).toEqual([]);
      const organ = await search('organ');
      expect(organ).toEqual(expect.arrayContaining([id('organ'), id('bn-with-english')]));
      expect(organ).toHaveLength(2);
      expect(await search('happy')).toEqual(expect.arrayContaining([id('organ'), id('bn-with-english')]));
    });

    it('prefixes and case still match (search is not exact-word only)', async () => {
      expect(await search('Donatio')).toEqual([id('bn-with-english')]);
      expect(await search('FLOOD')).toEqual(containing('flood'));
      expect(containing('flood')).toHaveLength(10);
    });
  });

  describe('Arabic and Chinese', () => {
    it('finds Arabic words, with or without a joined proclitic (و "and")', async () => {
      const floods = containing('الفيضانات');
      expect(floods).toHaveLength(5);
      expect(await search('الفيضانات')).toEqual(floods);
      expect(await search('والفيضانات')).toEqual(floods);
      expect(await search('غوتيريش')).toEqual(naming('غوتيريش'));
      expect(containing('غوتيريش').length).toBeGreaterThan(10);
    });

    it('finds a Chinese word inside a run of Han text with no spaces', async () => {
      const floods = containing('洪水');
      expect(floods).toHaveLength(5);
      expect(await search('洪水')).toEqual(floods);
      expect(await search('冯德莱恩')).toEqual(naming('冯德莱恩'));
      expect(containing('冯德莱恩').length).toBeGreaterThan(10);
      // At the start of a run, and a word in the middle of a sentence.
      expect(await search('关于洪水')).toEqual(floods);
      expect(await search('详细讨论')).toEqual(containing('详细讨论'));
      expect(containing('详细讨论').length).toBeGreaterThan(10);
    });

    it('treats LIKE wildcards in a Chinese query as text', async () => {
      expect(await search('洪%水')).toEqual([]);
      expect(await search('洪_')).toEqual([]);
    });
  });

  describe('with other filters and odd input', () => {
    it('search combines with language and source filters', async () => {
      const bn = fx.articles.filter((a) => a.language.startsWith('bn') && a.paragraphs.join(' ').includes('গুতেরেস') && a.sourceId === fx.sources[1]!.dbId);
      expect(bn.length).toBeGreaterThan(0);
      expect(await search('গুতেরেস', { language: 'bn', sourceIds: [fx.sources[1]!.id] })).toEqual(sortArticles(bn).map((a) => a.id));
      expect(await search('গুতেরেস', { language: 'en' })).toEqual([]);
    });

    it('query syntax characters are only text', async () => {
      for (const q of ["putin & | ! ( ) :* ' \\ \"", "' OR 1=1 --", '!!!', 'a:*', '%', '_']) {
        const res = await app.gql('query($q: String) { articles(filter: { search: $q }) { totalCount } }', { q });
        expect([q, res.errors]).toEqual([q, undefined]);
      }
    });

    it('a blank search is no filter, an overlong one is BAD_USER_INPUT', async () => {
      const all = ok(await app.gql('{ articles { totalCount } }')).articles.totalCount;
      expect(ok(await app.gql('{ articles(filter: { search: "   " }) { totalCount } }')).articles.totalCount).toBe(all);
      const res = await app.gql('query($q: String) { articles(filter: { search: $q }) { totalCount } }', { q: 'খবর '.repeat(100) });
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    });
  });
});
