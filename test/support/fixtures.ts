import type { EntityManager } from 'typeorm';
import { ArticleWriteRepository, articleContentHash } from '../../src/article/article-write.repository';
import type { SqlExecutor } from '../../src/db/sql-executor';
import { upsertFeedItems } from '../../src/feed-item/feed-item.repository';
import { toGlobalId } from '../../src/graphql/relay/global-id';
import { upsertPersonBySlug } from '../../src/person/person.repository';
import { SourceKind } from '../../src/source/source.entity';
import { upsertSourceBySlug } from '../../src/source/source.repository';
import { languageTagMatches } from '../../src/text/language';
import { normalizeForSearch } from '../../src/text/normalize';
import { slugify } from '../../src/text/slug';

/**
 * Realistic, deterministic data for end-to-end tests, stored through the real write path
 * (the repositories ingestion uses), plus a plain model of what was stored so tests can compute
 * every expected list, count and order in JavaScript and compare it with what the API answers.
 *
 * Shape (defaults): 3 sources, 6 people (4 authors, one of them also mentioned, and 2 people articles mention), 150 articles in
 * Bengali, English, Arabic and Chinese with 1-3 authors each, mentions and citations, and 150
 * feed items across the sources, most of them linked to an article, some to an article of
 * another source. Timestamps repeat on purpose (three articles per hour, six feed items per hour)
 * so keyset pagination must break ties.
 *
 * Nothing here collides with the bundled catalog (src/seed/catalog.data.json): slugs and URLs
 * are distinct, so `seed()` and these fixtures can share one database.
 */

export interface FixtureSource {
  dbId: string;
  id: string;
  slug: string;
  name: string;
  aliases: string[];
  homepageUrl: string;
  language: string;
  country: string;
  logoUrl: string | null;
  kind: SourceKind;
}

export interface FixturePerson {
  dbId: string;
  id: string;
  slug: string;
  name: string;
  aliases: string[];
  description: string | null;
}

export interface FixtureArticle {
  dbId: string;
  id: string;
  index: number;
  sourceId: string;
  url: string;
  slug: string;
  title: string;
  summary: string | null;
  paragraphs: string[];
  language: string;
  publishedAt: Date;
  updatedAt: Date;
  imageUrl: string | null;
  byline: string | null;
  authorIds: string[];
  mentions: Array<{ personId: string; count: number }>;
  citedSourceIds: string[];
}

export interface FixtureFeedItem {
  dbId: string;
  id: string;
  index: number;
  sourceId: string;
  headline: string;
  url: string | null;
  imageUrl: string | null;
  language: string;
  publishedAt: Date;
  position: number;
  articleId: string | null;
}

export interface Fixtures {
  sources: FixtureSource[];
  people: FixturePerson[];
  authors: FixturePerson[];
  mentioned: FixturePerson[];
  articles: FixtureArticle[];
  feedItems: FixtureFeedItem[];
  sourceByDbId: Map<string, FixtureSource>;
  personByDbId: Map<string, FixturePerson>;
  articleByDbId: Map<string, FixtureArticle>;
}

export interface FixtureOptions {
  articles?: number;
  feedItems?: number;
}

export const FIXTURE_ARTICLE_BASE = Date.UTC(2025, 5, 1, 0, 0, 0);
export const FIXTURE_FEED_BASE = Date.UTC(2025, 7, 31, 23, 0, 0);
const HOUR = 3_600_000;

const SOURCES = [
  { slug: 'dhaka-herald', name: 'Dhaka Herald', aliases: ['ঢাকা হেরাল্ড'], language: 'bn', country: 'BD', kind: SourceKind.PUBLISHER },
  { slug: 'global-wire', name: 'Global Wire', aliases: ['গ্লোবাল ওয়্যার', 'الوكالة العالمية'], language: 'en', country: 'GB', kind: SourceKind.AGENCY },
  { slug: 'orient-daily', name: 'Orient Daily', aliases: ['东方日报'], language: 'zh-Hans', country: 'HK', kind: SourceKind.PUBLISHER },
] as const;

const AUTHORS = [
  { slug: 'anika-rahman', name: 'Anika Rahman', aliases: ['অনিকা রহমান'], description: 'Staff reporter, Dhaka.' },
  { slug: 'john-carter', name: 'John Carter', aliases: ['J. Carter'], description: 'Wire correspondent.' },
  { slug: 'layla-haddad', name: 'Layla Haddad', aliases: ['ليلى حداد'], description: null },
  { slug: 'wei-zhang', name: 'Wei Zhang', aliases: ['张伟'], description: 'Asia editor.' },
] as const;

const MENTIONED = [
  { slug: 'antonio-guterres', name: 'Antonio Guterres', aliases: ['António Guterres', 'আন্তোনিও গুতেরেস', 'গুতেরেস', 'غوتيريش', '古特雷斯'], description: 'Secretary-General of the United Nations.' },
  { slug: 'ursula-von-der-leyen', name: 'Ursula von der Leyen', aliases: ['ফন ডার লেইন', 'فون دير لاين', '冯德莱恩'], description: 'President of the European Commission.' },
] as const;

/** Article languages, cycled by index: `bn-BD` and `en-GB` test that `bn`/`en` filters match subtags. */
const FIXTURE_LANGUAGES = ['bn', 'en', 'ar', 'zh-Hans', 'bn-BD', 'en-GB'] as const;

const TOPICS: Record<string, string[]> = {
  bn: ['বাজেট', 'বন্যা', 'নির্বাচন', 'ক্রিকেট', 'বাণিজ্য'],
  en: ['budget', 'flood', 'election', 'cricket', 'trade'],
  ar: ['الميزانية', 'الفيضانات', 'الانتخابات', 'الكريكيت', 'التجارة'],
  zh: ['预算', '洪水', '选举', '板球', '贸易'],
};

function script(language: string): 'bn' | 'en' | 'ar' | 'zh' {
  return language.startsWith('bn') ? 'bn' : language.startsWith('en') ? 'en' : language.startsWith('ar') ? 'ar' : 'zh';
}

function articleText(i: number, language: string, mentioned: Array<{ name: string; aliases: readonly string[] }>) {
  const s = script(language);
  const topic = TOPICS[s]![i % 5]!;
  const names = mentioned.map((person) => (s === 'en' ? person.name : person.aliases.find((a) => script(detect(a)) === s) ?? person.name));
  const who = names.join(s === 'zh' ? '和' : s === 'ar' ? ' و' : s === 'bn' ? ' ও ' : ' and ');
  switch (s) {
    case 'bn':
      return {
        title: `${topic} নিয়ে নতুন প্রতিবেদন ${i}`,
        summary: i % 3 === 0 ? null : `${topic} বিষয়ে সংক্ষিপ্ত বিবরণ ${i}`,
        paragraphs: [`${topic} নিয়ে আজ বিস্তারিত আলোচনা হয়েছে।`, who ? `${who} এ বিষয়ে মন্তব্য করেছেন।` : 'কেউ মন্তব্য করেননি।', `প্রতিবেদন নম্বর ${i}।`],
      };
    case 'en':
      return {
        title: `New report on ${topic} number ${i}`,
        summary: i % 3 === 0 ? null : `A short summary about ${topic} ${i}`,
        paragraphs: [`The ${topic} was discussed in detail today.`, who ? `${who} commented on the matter.` : 'Nobody commented.', `Report number ${i}.`],
      };
    case 'ar':
      return {
        title: `تقرير جديد عن ${topic} رقم ${i}`,
        summary: i % 3 === 0 ? null : `ملخص قصير عن ${topic} ${i}`,
        paragraphs: [`نوقشت ${topic} بالتفصيل اليوم.`, who ? `علق ${who} على الأمر.` : 'لم يعلق أحد.', `التقرير رقم ${i}.`],
      };
    default:
      return {
        title: `关于${topic}的新报道第${i}号`,
        summary: i % 3 === 0 ? null : `关于${topic}的简短摘要${i}`,
        paragraphs: [`今天详细讨论了${topic}问题。`, who ? `${who}对此发表了评论。` : '没有人发表评论。', `报道编号${i}。`],
      };
  }
}

function detect(text: string): string {
  if (/\p{Script=Bengali}/u.test(text)) return 'bn';
  if (/\p{Script=Arabic}/u.test(text)) return 'ar';
  if (/\p{Script=Han}/u.test(text)) return 'zh';
  return 'en';
}

/**
 * Stores the fixtures in one transaction through the write path and returns the model. Calling it
 * twice on one database stores nothing new (the write path is idempotent) and returns the same model.
 */
export async function buildFixtures(db: SqlExecutor, options: FixtureOptions = {}): Promise<Fixtures> {
  const articleCount = options.articles ?? 150;
  const feedItemCount = options.feedItems ?? 150;
  return db.transaction(async (manager) => {
    const sources: FixtureSource[] = [];
    for (const s of SOURCES) {
      const homepageUrl = `https://${s.slug}.example.org/`;
      const logoUrl = s.slug === 'orient-daily' ? null : `https://${s.slug}.example.org/logo.png`;
      const dbId = await upsertSourceBySlug(manager, {
        slug: s.slug,
        name: s.name,
        aliases: [...s.aliases],
        homepageUrl,
        language: s.language,
        country: s.country,
        logoUrl,
        kind: s.kind,
      });
      sources.push({ dbId, id: toGlobalId('Source', dbId), slug: s.slug, name: s.name, aliases: [...s.aliases], homepageUrl, language: s.language, country: s.country, logoUrl, kind: s.kind });
    }

    const storePerson = async (p: { slug: string; name: string; aliases: readonly string[]; description: string | null }): Promise<FixturePerson> => {
      const aliases = [...p.aliases];
      const dbId = await upsertPersonBySlug(manager, {
        slug: p.slug,
        name: p.name,
        aliases,
        description: p.description,
        searchText: normalizeForSearch([p.name, ...aliases].join(' ')),
      });
      return { dbId, id: toGlobalId('Person', dbId), slug: p.slug, name: p.name, aliases, description: p.description };
    };
    const authors: FixturePerson[] = [];
    for (const p of AUTHORS) authors.push(await storePerson(p));
    const mentioned: FixturePerson[] = [];
    for (const p of MENTIONED) mentioned.push(await storePerson(p));

    const writer = new ArticleWriteRepository();
    const articles: FixtureArticle[] = [];
    for (let i = 0; i < articleCount; i++) {
      articles.push(await storeArticle(manager, writer, i, sources, authors, mentioned));
    }

    const feedItems = await storeFeedItems(manager, feedItemCount, sources, articles);
    const people = [...authors, ...mentioned];
    return {
      sources,
      people,
      authors,
      mentioned,
      articles,
      feedItems,
      sourceByDbId: new Map(sources.map((s) => [s.dbId, s])),
      personByDbId: new Map(people.map((p) => [p.dbId, p])),
      articleByDbId: new Map(articles.map((a) => [a.dbId, a])),
    };
  });
}

async function storeArticle(
  manager: EntityManager,
  writer: ArticleWriteRepository,
  i: number,
  sources: FixtureSource[],
  authors: FixturePerson[],
  mentioned: FixturePerson[],
): Promise<FixtureArticle> {
  const source = sources[i % sources.length]!;
  const language = FIXTURE_LANGUAGES[i % FIXTURE_LANGUAGES.length]!;
  const articleAuthors = Array.from({ length: 1 + (i % 3) }, (_, k) => authors[(i + k) % authors.length]!);
  // Guterres in every other article (1-3 times), von der Leyen in every third, Anika Rahman (an
  // author) in every tenth; some mention nobody.
  const mentions: Array<{ person: FixturePerson; count: number }> = [];
  if (i % 2 === 0) mentions.push({ person: mentioned[0]!, count: 1 + (i % 3) });
  if (i % 3 === 0) mentions.push({ person: mentioned[1]!, count: 1 });
  // An author who is also written about: Person.articles without a role must list each article once.
  if (i % 10 === 5) mentions.push({ person: authors[0]!, count: 1 });
  const cited = i % 4 === 0 ? [sources[(i + 1) % sources.length]!] : [];
  const text = articleText(i, language, mentions.map((m) => m.person));
  const publishedAt = new Date(FIXTURE_ARTICLE_BASE + Math.floor(i / 3) * HOUR);
  const updatedAt = i % 5 === 0 ? new Date(publishedAt.getTime() + 30 * 60_000) : null;
  const url = `${source.homepageUrl}news/${i}`;
  const byline = articleAuthors.map((a) => a.name).join(', ');
  const imageUrl = i % 2 === 0 ? `${source.homepageUrl}img/${i}.jpg` : null;
  const { id: dbId } = await writer.upsert(manager, {
    sourceId: source.dbId,
    url,
    slug: slugify(text.title),
    title: text.title,
    summary: text.summary,
    paragraphs: text.paragraphs,
    language,
    publishedAt,
    updatedAt,
    imageUrl,
    byline,
    searchText: normalizeForSearch([text.title, text.summary ?? '', ...text.paragraphs].join('\n')),
    contentHash: articleContentHash(text.title, text.paragraphs),
    authorIds: articleAuthors.map((a) => a.dbId),
    mentions: mentions.map((m) => ({ personId: m.person.dbId, count: m.count })),
    citedSourceIds: cited.map((s) => s.dbId),
  });
  const [row] = (await manager.query('SELECT slug FROM article WHERE id = $1', [dbId])) as Array<{ slug: string }>;
  return {
    dbId,
    id: toGlobalId('Article', dbId),
    index: i,
    sourceId: source.dbId,
    url,
    slug: row!.slug,
    title: text.title,
    summary: text.summary,
    paragraphs: text.paragraphs,
    language,
    publishedAt,
    updatedAt: updatedAt ?? publishedAt,
    imageUrl,
    byline,
    authorIds: articleAuthors.map((a) => a.dbId),
    mentions: mentions.map((m) => ({ personId: m.person.dbId, count: m.count })),
    citedSourceIds: cited.map((s) => s.dbId),
  };
}

/**
 * Feed items j = 0..n-1: source j % 3; six items an hour, newest first (so items of different
 * sources share a timestamp and a position); every fifth item has no article; odd items link to
 * an article of another source than their own.
 */
async function storeFeedItems(manager: EntityManager, count: number, sources: FixtureSource[], articles: FixtureArticle[]): Promise<FixtureFeedItem[]> {
  const planned = Array.from({ length: count }, (_, j) => {
    const source = sources[j % sources.length]!;
    const article = j % 5 === 4 || articles.length === 0 ? null : articles[(j * 7 + (j % 2)) % articles.length]!;
    const language = article ? article.language : FIXTURE_LANGUAGES[j % FIXTURE_LANGUAGES.length]!;
    return {
      j,
      source,
      itemKey: `fixture:${j}`,
      headline: article ? article.title : `Headline without a stored article ${j}`,
      url: j % 7 === 6 ? null : article ? article.url : `${source.homepageUrl}brief/${j}`,
      imageUrl: j % 3 === 0 ? `${source.homepageUrl}thumb/${j}.jpg` : null,
      language,
      publishedAt: new Date(FIXTURE_FEED_BASE - Math.floor(j / 6) * HOUR),
      position: Math.floor(j / sources.length) + 1,
      articleId: article?.dbId ?? null,
    };
  });
  for (const source of sources) {
    await upsertFeedItems(
      manager,
      source.dbId,
      planned.filter((p) => p.source === source).map(({ itemKey, headline, url, imageUrl, language, publishedAt, position, articleId }) => ({ itemKey, headline, url, imageUrl, language, publishedAt, position, articleId })),
    );
  }
  const rows = (await manager.query(`SELECT id, item_key AS "itemKey" FROM feed_item WHERE item_key LIKE 'fixture:%'`)) as Array<{ id: string; itemKey: string }>;
  const idByKey = new Map(rows.map((r) => [r.itemKey, r.id]));
  return planned.map((p) => {
    const dbId = idByKey.get(p.itemKey)!;
    return {
      dbId,
      id: toGlobalId('FeedItem', dbId),
      index: p.j,
      sourceId: p.source.dbId,
      headline: p.headline,
      url: p.url,
      imageUrl: p.imageUrl,
      language: p.language,
      publishedAt: p.publishedAt,
      position: p.position,
      articleId: p.articleId,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Expected orders, computed from the model the way the API documents them.

/** Postgres compares uuids bytewise: for lower-case hex text that is plain string order. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Articles newest first, ties by id descending (or the exact reverse for OLDEST_FIRST). */
export function sortArticles(articles: FixtureArticle[], order: 'NEWEST_FIRST' | 'OLDEST_FIRST' = 'NEWEST_FIRST'): FixtureArticle[] {
  const sorted = [...articles].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || compareText(b.dbId, a.dbId));
  return order === 'NEWEST_FIRST' ? sorted : sorted.reverse();
}

/** Feed items newest first, page order (position) kept for equal dates, then id. */
/**
 * The feed items a list across sources shows (latestFeed without a source: each text once): of
 * the items linking to one article, its first listing alone (the earliest, then the lowest id);
 * every item without an article. The fixtures store no copies of texts, so that is the whole rule.
 */
export function listedOnce(items: FixtureFeedItem[]): FixtureFeedItem[] {
  const first = new Map<string, FixtureFeedItem>();
  for (const item of items) {
    if (!item.articleId) continue;
    const seen = first.get(item.articleId);
    if (!seen || item.publishedAt < seen.publishedAt || (item.publishedAt.getTime() === seen.publishedAt.getTime() && item.dbId < seen.dbId)) first.set(item.articleId, item);
  }
  return items.filter((item) => !item.articleId || first.get(item.articleId) === item);
}

export function sortFeedItems(items: FixtureFeedItem[]): FixtureFeedItem[] {
  return [...items].sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || a.position - b.position || compareText(a.dbId, b.dbId));
}

/** Whether an article is in a BCP 47 language filter: by whole subtags, both ways (`bn` matches `bn-BD`, `bn-BD` matches `bn`). */
export function inLanguage(language: string, filter: string): boolean {
  return languageTagMatches(filter, language);
}
