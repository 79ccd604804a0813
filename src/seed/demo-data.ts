import type { EntityManager } from 'typeorm';
import { articleContentHash } from '../article/article-write.repository';
import { ARTICLE_WRITE, type ArticleWriteField } from '../article/article.record';
import type { SqlExecutor } from '../db/sql-executor';
import { feedItemKey } from '../feed-item/feed-item-key';
import { normalizeForSearch, normalizeText } from '../text/normalize';

/**
 * A synthetic but realistic dataset: outlets, people and articles in six languages, each in its
 * own script (Bengali, English, Arabic, Chinese, Hindi, Russian), each article with 1-3 authors,
 * people named in its text, sometimes another outlet cited, and its headline in the outlet's feed.
 * `newsgate seed --demo <count>` and the benchmarks (bench/bench-data.ts) build it.
 *
 * Deterministic and idempotent: article n is always the same row (its URL is its identity), so a
 * second run inserts nothing and a larger count only adds the missing articles. Rows are generated
 * here and inserted a batch per transaction through `unnest` of arrays, so progress can be shown
 * per batch and an interrupted run keeps its finished batches.
 */

export interface DemoVolume {
  /** Articles numbered 1..articles (each with one feed item). */
  articles: number;
  sources: number;
  people: number;
}

const DEMO_DEFAULTS = { sources: 50, people: 2000, batchSize: 1000 } as const;

export interface DemoOptions {
  /** Articles per transaction (and per progress step). */
  batchSize?: number;
  /**
   * Put before every slug. `demo-` (the default) keeps the rows apart from real ones; the
   * benchmarks use none (`article-17`, `source-3`).
   */
  prefix?: string;
  /** Told after each batch: articles handled so far (inserted or already there) of `total`. */
  onBatch?: (done: number, total: number) => void;
}

export interface DemoReport {
  sources: number;
  people: number;
  /** Articles asked for, inserted by this run, and already there. */
  articles: { requested: number; created: number; existing: number };
  feedItemsWritten: number;
  durationMs: number;
}

type Lang = 'bn' | 'en' | 'ar' | 'zh' | 'hi' | 'ru';
const LANGS: Lang[] = ['bn', 'en', 'ar', 'zh', 'hi', 'ru'];
const COUNTRY: Record<Lang, string> = { bn: 'BD', en: 'GB', ar: 'EG', zh: 'CN', hi: 'IN', ru: 'RU' };

interface Words {
  outlets: string[];
  first: string[];
  last: string[];
  places: string[];
  /** Headline = subject + action + topic, joined by `title(subject, action, topic)`. */
  subjects: string[];
  actions: string[];
  topics: string[];
  title: (subject: string, action: string, topic: string) => string;
  /** Paragraphs; {place}, {topic}, {person}, {figure} are filled in. */
  paragraphs: [string, string, string];
  staff: string;
  /** A person's name from a first and a last name (order, and Russian surnames agreeing with the first name). */
  name?: (first: string, last: string) => string;
}

const WORDS: Record<Lang, Words> = {
  bn: {
    outlets: ['দৈনিক সংবাদ', 'প্রতিদিনের খবর', 'সকালের বার্তা', 'জনকণ্ঠ বার্তা', 'নগর সংবাদ', 'দেশের কথা', 'সময়ের খবর', 'বাংলা বার্তা', 'আজকের দেশ'],
    first: ['রহিম', 'করিম', 'সাবিনা', 'নুসরাত', 'তানভীর', 'ফারহানা', 'আরিফ', 'মাহমুদ', 'শাহানা', 'রাশেদ', 'জাহিদ', 'তাসলিমা'],
    last: ['হোসেন', 'আহমেদ', 'রহমান', 'চৌধুরী', 'ইসলাম', 'খান', 'সরকার', 'দাস', 'মিয়া', 'বসু', 'সেন', 'তালুকদার'],
    places: ['ঢাকা', 'চট্টগ্রাম', 'খুলনা', 'রাজশাহী', 'সিলেট', 'বরিশাল', 'রংপুর', 'ময়মনসিংহ'],
    subjects: ['সরকার', 'মন্ত্রিসভা', 'কৃষকেরা', 'শিক্ষার্থীরা', 'কেন্দ্রীয় ব্যাংক', 'সিটি করপোরেশন'],
    actions: ['নতুন পরিকল্পনা ঘোষণা করল', 'বৈঠকে বসছে', 'উদ্বেগ জানাল', 'প্রতিবাদ জানাল', 'সিদ্ধান্ত নিল'],
    topics: ['বাণিজ্য', 'বন্যা ত্রাণ', 'জ্বালানির দাম', 'মেট্রোরেল', 'পরীক্ষার ফল', 'তাপপ্রবাহ', 'স্বাস্থ্যসেবা'],
    title: (s, a, t) => `${t} নিয়ে ${s} ${a}`,
    paragraphs: [
      '{place}, {topic} প্রসঙ্গে আজ গুরুত্বপূর্ণ সিদ্ধান্ত এসেছে বলে জানিয়েছেন সংশ্লিষ্টরা।',
      '{person} বলেন, "আমরা পরিস্থিতির দিকে নজর রাখছি", এবং প্রায় {figure} জন এতে সরাসরি যুক্ত।',
      'বিষয়টি নিয়ে আগামী সপ্তাহে আবার আলোচনা হবে।',
    ],
    staff: 'নিজস্ব প্রতিবেদক',
  },
  en: {
    outlets: ['Daily Herald', 'Morning Post', 'Evening Standard', 'City Times', 'National Chronicle', 'Weekly Ledger', 'The Observer', 'Coast Gazette', 'Valley News'],
    first: ['James', 'Olivia', 'Amelia', 'Harry', 'Isla', 'Noah', 'Grace', 'Oliver', 'Sophie', 'Jack', 'Emily', 'Thomas'],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright', 'Green'],
    places: ['London', 'Manchester', 'Leeds', 'Bristol', 'Glasgow', 'Cardiff', 'Belfast', 'Liverpool'],
    subjects: ['Ministers', 'Leaders', 'Farmers', 'Students', 'Doctors', 'Councillors'],
    actions: ['meet over', 'announce plan for', 'warn about', 'protest against', 'vote on'],
    topics: ['trade', 'flood relief', 'fuel prices', 'new metro line', 'exam results', 'heatwave', 'hospital waiting lists'],
    title: (s, a, t) => `${s} ${a} ${t}`,
    paragraphs: [
      '{place} — Officials said on Monday that a decision on {topic} was expected within days.',
      '"We are watching the situation closely," said {person}, adding that about {figure} people were directly affected.',
      'The matter will be discussed again next week.',
    ],
    staff: 'Staff reporter',
  },
  ar: {
    outlets: ['الأخبار اليومية', 'صباح الوطن', 'الشروق الجديد', 'صوت المدينة', 'الوطن اليوم', 'النهار العربي', 'البيان', 'الرأي', 'المساء'],
    first: ['أحمد', 'محمد', 'فاطمة', 'مريم', 'علي', 'يوسف', 'سارة', 'خالد', 'ليلى', 'عمر', 'نور', 'حسن'],
    last: ['حسن', 'إبراهيم', 'عبد الله', 'محمود', 'السيد', 'علي', 'مصطفى', 'سالم', 'يوسف', 'النجار', 'الشريف', 'منصور'],
    places: ['القاهرة', 'الإسكندرية', 'الجيزة', 'أسوان', 'الأقصر', 'بورسعيد', 'طنطا', 'المنصورة'],
    subjects: ['الحكومة', 'الوزارة', 'النقابة', 'الجامعة', 'الهيئة العامة', 'البلدية'],
    actions: ['تعلن خطة بشأن', 'تجتمع لبحث', 'تحذر من', 'تحتج على', 'تصوت على'],
    topics: ['التجارة', 'إغاثة الفيضانات', 'أسعار الوقود', 'خط المترو الجديد', 'نتائج الامتحانات', 'موجة الحر', 'الرعاية الصحية'],
    title: (s, a, t) => `${s} ${a} ${t}`,
    paragraphs: [
      '{place} — قال مسؤولون اليوم إن قرارا بشأن {topic} متوقع خلال أيام.',
      'وقال {person}: "نحن نتابع الوضع عن كثب"، مضيفا أن نحو {figure} شخص تأثروا بشكل مباشر.',
      'وستتم مناقشة المسألة مرة أخرى الأسبوع المقبل.',
    ],
    staff: 'مراسل الجريدة',
  },
  zh: {
    outlets: ['每日新闻', '晨报', '晚报', '城市时报', '国民日报', '新华周刊', '南方观察', '东方快报', '北方日报'],
    first: ['伟', '芳', '娜', '敏', '静', '磊', '洋', '勇', '艳', '杰', '军', '丽'],
    last: ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙'],
    places: ['北京', '上海', '广州', '深圳', '成都', '武汉', '杭州', '南京'],
    subjects: ['政府', '部长们', '农民', '学生', '中央银行', '市议会'],
    actions: ['宣布新计划：', '召开会议讨论', '发出警告：', '抗议', '表决'],
    topics: ['贸易', '洪灾救援', '燃油价格', '新地铁线', '考试成绩', '高温天气', '医疗服务'],
    title: (s, a, t) => `${s}${a}${t}`,
    paragraphs: [
      '{place}消息，官员今天表示，有关{topic}的决定预计将在几天内作出。',
      '{person}说：“我们正在密切关注局势。”约有{figure}人直接受到影响。',
      '此事将于下周再次讨论。',
    ],
    staff: '本报记者',
    name: (first, last) => `${last}${first}`,
  },
  hi: {
    outlets: ['दैनिक समाचार', 'सुबह की खबर', 'नगर टाइम्स', 'राष्ट्रीय दर्पण', 'जनवाणी', 'आज का भारत', 'नवभारत संवाद', 'प्रभात खबर', 'लोक मत'],
    first: ['राहुल', 'प्रिया', 'अमित', 'सुनीता', 'विकास', 'अंजलि', 'संजय', 'पूजा', 'अर्जुन', 'नेहा', 'रवि', 'कविता'],
    last: ['शर्मा', 'वर्मा', 'गुप्ता', 'सिंह', 'कुमार', 'यादव', 'मिश्रा', 'जोशी', 'पटेल', 'चौहान', 'त्रिपाठी', 'अग्रवाल'],
    places: ['दिल्ली', 'मुंबई', 'लखनऊ', 'जयपुर', 'पटना', 'भोपाल', 'कोलकाता', 'वाराणसी'],
    subjects: ['सरकार', 'मंत्रिमंडल', 'किसान', 'छात्र', 'केंद्रीय बैंक', 'नगर निगम'],
    actions: ['ने नई योजना की घोषणा की', 'ने बैठक बुलाई', 'ने चिंता जताई', 'ने विरोध किया', 'ने फैसला लिया'],
    topics: ['व्यापार', 'बाढ़ राहत', 'ईंधन के दाम', 'नई मेट्रो लाइन', 'परीक्षा परिणाम', 'लू', 'स्वास्थ्य सेवा'],
    title: (s, a, t) => `${t} पर ${s} ${a}`,
    paragraphs: [
      '{place}: अधिकारियों ने आज कहा कि {topic} पर फैसला कुछ ही दिनों में आने की उम्मीद है।',
      '{person} ने कहा, "हम स्थिति पर करीबी नज़र रख रहे हैं", और लगभग {figure} लोग सीधे प्रभावित हुए हैं।',
      'इस मामले पर अगले सप्ताह फिर चर्चा होगी।',
    ],
    staff: 'संवाददाता',
  },
  ru: {
    outlets: ['Ежедневные новости', 'Утренний вестник', 'Вечерняя газета', 'Городские ведомости', 'Народная трибуна', 'Северный курьер', 'Деловой обзор', 'Южный экспресс', 'Столичный вестник'],
    first: ['Александр', 'Мария', 'Дмитрий', 'Анна', 'Сергей', 'Елена', 'Иван', 'Ольга', 'Николай', 'Татьяна', 'Михаил', 'Наталья'],
    last: ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Соколов', 'Лебедев', 'Козлов', 'Новиков', 'Морозов', 'Волков', 'Зайцев', 'Павлов'],
    places: ['Москва', 'Санкт-Петербург', 'Казань', 'Новосибирск', 'Екатеринбург', 'Самара', 'Омск', 'Владивосток'],
    subjects: ['Министры', 'Депутаты', 'Фермеры', 'Студенты', 'Врачи', 'Жители города'],
    actions: ['объявили план по теме:', 'обсудили вопрос:', 'предупредили:', 'выступили против решения:', 'проголосовали:'],
    topics: ['торговля', 'помощь после наводнения', 'цены на топливо', 'новая линия метро', 'итоги экзаменов', 'жара', 'здравоохранение'],
    title: (s, a, t) => `${s} ${a} ${t}`,
    paragraphs: [
      '{place}. Как сообщили в понедельник официальные лица, решение по теме «{topic}» ожидается в ближайшие дни.',
      '«Мы внимательно следим за ситуацией», — сказал {person}, добавив, что около {figure} человек затронуты напрямую.',
      'Вопрос будет снова рассмотрен на следующей неделе.',
    ],
    staff: 'Собственный корреспондент',
    name: (first, last) => `${first} ${/[ая]$/.test(first) ? `${last}а` : last}`,
  },
};

const pick = <T>(list: readonly T[], n: number): T => list[((n % list.length) + list.length) % list.length]!;

/** Source n (0-based) of `count`: its language cycles through LANGS. */
function demoSource(n: number, prefix: string) {
  const lang = pick(LANGS, n);
  const words = WORDS[lang];
  const k = Math.floor(n / LANGS.length);
  const base = pick(words.outlets, k);
  const name = k < words.outlets.length ? base : `${base} ${pick(words.places, k)}`;
  return { slug: `${prefix}source-${n + 1}`, name: normalizeText(`${name}${k >= words.outlets.length * 2 ? ` ${k}` : ''}`), lang, homepageUrl: `https://source${n + 1}.news.example/` };
}

/** Person n (0-based): named in the script of the language it is drawn from. */
function demoPerson(n: number, prefix: string) {
  const lang = pick(LANGS, n);
  const words = WORDS[lang];
  const k = Math.floor(n / LANGS.length);
  const first = pick(words.first, k);
  const last = pick(words.last, Math.floor(k / words.first.length) + k);
  const name = normalizeText(words.name ? words.name(first, last) : `${first} ${last}`);
  return { slug: `${prefix}person-${n + 1}`, name, aliases: [name] };
}

const EPOCH = Date.UTC(2025, 0, 1);

/** The r-th (cyclically) of the people whose language is LANGS[langIndex] (person n has LANGS[n % 6]). */
function sameLanguagePerson(langIndex: number, r: number, people: number): number {
  if (people <= langIndex) return r % people;
  const inLanguage = Math.floor((people - 1 - langIndex) / LANGS.length) + 1;
  return langIndex + LANGS.length * (r % inLanguage);
}

/** Article n (1-based), with its source, authors, mentions and citation by index. */
function demoArticle(n: number, volume: DemoVolume, people: Array<{ name: string }>, prefix: string) {
  const sourceIndex = n % volume.sources;
  const lang = pick(LANGS, sourceIndex);
  const words = WORDS[lang];
  const topic = pick(words.topics, Math.floor(n / 30));
  const title = normalizeText(words.title(pick(words.subjects, n), pick(words.actions, Math.floor(n / 6)), topic));
  // Authors and the people named write and are written about in the outlet's language.
  const person = (r: number) => sameLanguagePerson(LANGS.indexOf(lang), r, volume.people);
  const authorIndexes = [...new Set(Array.from({ length: 1 + (n % 3) }, (_, k) => person(n * 7 + (k + 1) * 131)))];
  const mentionIndexes = [...new Set(Array.from({ length: n % 3 }, (_, k) => person(n * 13 + (k + 1) * 17 + 1000)))];
  const quoted = mentionIndexes.length > 0 ? people[mentionIndexes[0]!]!.name : pick(words.first, n);
  const fill = (template: string) =>
    normalizeText(template.replace('{place}', pick(words.places, Math.floor(n / 7))).replace('{topic}', topic).replace('{person}', quoted).replace('{figure}', String(100 + ((n * 37) % 9900))));
  const paragraphs = words.paragraphs.map(fill);
  const byline = normalizeText(authorIndexes.length > 0 ? authorIndexes.map((i) => people[i]!.name).join(', ') : words.staff);
  const publishedAt = new Date(EPOCH + n * 120_000 + ((n * 7919) % 60) * 1000);
  const url = `https://news.example/a/${n}`;
  return {
    sourceIndex,
    url,
    slug: `${prefix}article-${n}`,
    title,
    summary: paragraphs[0]!,
    paragraphs,
    language: lang,
    publishedAt,
    imageUrl: `https://img.news.example/${n}.jpg`,
    byline,
    searchText: normalizeForSearch([title, paragraphs[0], ...paragraphs].join('\n')),
    contentHash: articleContentHash(title, paragraphs),
    authorIndexes,
    mentions: mentionIndexes.map((i, k) => ({ index: i, count: 1 + ((n + k + 1) % 4) })),
    citedSourceIndex: n % 2 === 0 && volume.sources > 1 ? (n + 1) % volume.sources : null,
    // The key ingestion gives an item with a link, so a real feed of these URLs would meet the same rows.
    feedItemKey: feedItemKey({ url, headline: title, day: { year: 2025, month: 1, day: 1 } }),
    position: 1 + (n % 20),
  };
}

/** Upserts the demo outlets and people (existing slugs are kept) and returns their ids in order. */
async function ensureSourcesAndPeople(manager: EntityManager, volume: DemoVolume, prefix: string) {
  const sources = Array.from({ length: volume.sources }, (_, n) => demoSource(n, prefix));
  await manager.query(
    `INSERT INTO source (slug, name, aliases, homepage_url, language, country, kind)
     SELECT s.slug, s.name, ARRAY[s.name], s.url, s.lang, s.country, 'publisher'
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS s(slug, name, url, lang, country)
     ON CONFLICT (slug) DO NOTHING`,
    [sources.map((s) => s.slug), sources.map((s) => s.name), sources.map((s) => s.homepageUrl), sources.map((s) => s.lang), sources.map((s) => COUNTRY[s.lang])],
  );
  const people = Array.from({ length: volume.people }, (_, n) => demoPerson(n, prefix));
  await manager.query(
    `INSERT INTO person (slug, name, aliases, description, search_text)
     SELECT p.slug, p.name, ARRAY[p.name], NULL, p.search
     FROM unnest($1::text[], $2::text[], $3::text[]) AS p(slug, name, search)
     ON CONFLICT (slug) DO NOTHING`,
    [people.map((p) => p.slug), people.map((p) => p.name), people.map((p) => normalizeForSearch(p.name))],
  );
  const idsOf = async (table: 'source' | 'person', slugs: string[]) => {
    const rows: Array<{ id: string; slug: string }> = await manager.query(`SELECT id, slug FROM ${table} WHERE slug = ANY($1::text[])`, [slugs]);
    const bySlug = new Map(rows.map((row) => [row.slug, row.id]));
    return slugs.map((slug) => bySlug.get(slug)!);
  };
  return { sourceIds: await idsOf('source', sources.map((s) => s.slug)), people, personIds: await idsOf('person', people.map((p) => p.slug)) };
}

type DemoArticle = ReturnType<typeof demoArticle>;

/**
 * The value of every stored article column for a demo article: the column list is ARTICLE_WRITE's,
 * so a column added there is missing here until it is given a value (the compiler says so).
 */
const DEMO_COLUMNS: { [F in ArticleWriteField]: (article: DemoArticle, sourceIds: string[]) => unknown } = {
  sourceId: (a, sourceIds) => sourceIds[a.sourceIndex],
  url: (a) => a.url,
  slug: (a) => a.slug,
  title: (a) => a.title,
  summary: (a) => a.summary,
  // unnest() cannot take an array of arrays: each body travels as a JSON array.
  paragraphs: (a) => JSON.stringify(a.paragraphs),
  language: (a) => a.language,
  publishedAt: (a) => a.publishedAt.toISOString(),
  updatedAt: (a) => a.publishedAt.toISOString(),
  imageUrl: (a) => a.imageUrl,
  byline: (a) => a.byline,
  searchText: (a) => a.searchText,
  contentHash: (a) => a.contentHash,
  publishedAtClaimed: () => null,
};
const DEMO_FIELDS = Object.keys(ARTICLE_WRITE) as ArticleWriteField[];
const demoColumn = (field: ArticleWriteField) => ARTICLE_WRITE[field].column;
/** One statement per batch: every column as an array, unnested into rows. */
const DEMO_ARTICLE_INSERT = `INSERT INTO article (${DEMO_FIELDS.map(demoColumn).join(', ')})
  SELECT ${DEMO_FIELDS.map((field) => (field === 'paragraphs' ? 'ARRAY(SELECT jsonb_array_elements_text(a.paragraphs))' : `a.${demoColumn(field)}`)).join(', ')}
  FROM unnest(${DEMO_FIELDS.map((field, i) => `$${i + 1}::${field === 'paragraphs' ? 'jsonb' : ARTICLE_WRITE[field].type}[]`).join(', ')})
    AS a(${DEMO_FIELDS.map(demoColumn).join(', ')})
  ON CONFLICT DO NOTHING
  RETURNING id, url`;

/** Inserts articles from..to (inclusive) not there yet, with their relations and feed items. */
async function insertBatch(
  manager: EntityManager,
  from: number,
  to: number,
  volume: DemoVolume,
  ids: { sourceIds: string[]; personIds: string[]; people: Array<{ name: string }> },
  prefix: string,
): Promise<{ created: number; feedItems: number }> {
  const articles = Array.from({ length: to - from + 1 }, (_, k) => demoArticle(from + k, volume, ids.people, prefix));
  const inserted: Array<{ id: string; url: string }> = await manager.query(
    DEMO_ARTICLE_INSERT,
    DEMO_FIELDS.map((field) => articles.map((article) => DEMO_COLUMNS[field](article, ids.sourceIds))),
  );
  if (inserted.length === 0) return { created: 0, feedItems: 0 };
  const byUrl = new Map(articles.map((a) => [a.url, a]));
  const authors: [string[], string[], number[]] = [[], [], []];
  const mentions: [string[], string[], number[]] = [[], [], []];
  const cited: [string[], string[]] = [[], []];
  const items = { articleId: [] as string[], sourceId: [] as string[], key: [] as string[], headline: [] as string[], url: [] as string[], imageUrl: [] as string[], language: [] as string[], position: [] as number[], publishedAt: [] as string[] };
  for (const { id, url } of inserted) {
    const a = byUrl.get(url)!;
    a.authorIndexes.forEach((index, position) => {
      authors[0].push(id);
      authors[1].push(ids.personIds[index]!);
      authors[2].push(position + 1);
    });
    for (const mention of a.mentions) {
      mentions[0].push(id);
      mentions[1].push(ids.personIds[mention.index]!);
      mentions[2].push(mention.count);
    }
    if (a.citedSourceIndex !== null) {
      cited[0].push(id);
      cited[1].push(ids.sourceIds[a.citedSourceIndex]!);
    }
    items.articleId.push(id);
    items.sourceId.push(ids.sourceIds[a.sourceIndex]!);
    items.key.push(a.feedItemKey);
    items.headline.push(a.title);
    items.url.push(a.url);
    items.imageUrl.push(a.imageUrl);
    items.language.push(a.language);
    items.position.push(a.position);
    items.publishedAt.push(a.publishedAt.toISOString());
  }
  await manager.query(
    `INSERT INTO article_author (article_id, person_id, position) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::smallint[]) ON CONFLICT DO NOTHING`,
    authors,
  );
  if (mentions[0].length > 0) {
    await manager.query(`INSERT INTO article_mention (article_id, person_id, count) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[]) ON CONFLICT DO NOTHING`, mentions);
  }
  if (cited[0].length > 0) {
    await manager.query(`INSERT INTO article_cited_source (article_id, source_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING`, cited);
  }
  const written: unknown[] = await manager.query(
    `INSERT INTO feed_item (article_id, source_id, item_key, headline, url, image_url, language, position, published_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::timestamptz[])
     ON CONFLICT (source_id, item_key) DO NOTHING
     RETURNING id`,
    [items.articleId, items.sourceId, items.key, items.headline, items.url, items.imageUrl, items.language, items.position, items.publishedAt],
  );
  return { created: inserted.length, feedItems: written.length };
}

/** Builds (or completes) the demo dataset of `volume.articles` articles; see the module comment. */
export async function generateDemoData(db: SqlExecutor, volume: Partial<DemoVolume> & { articles: number }, options: DemoOptions = {}): Promise<DemoReport> {
  const started = Date.now();
  const full: DemoVolume = { sources: DEMO_DEFAULTS.sources, people: DEMO_DEFAULTS.people, ...volume };
  if (!Number.isInteger(full.articles) || full.articles < 0) throw new RangeError('the article count must be a whole number ≥ 0');
  if (!(full.sources >= 1 && full.people >= 1)) throw new RangeError('at least one source and one person are needed');
  const prefix = options.prefix ?? 'demo-';
  const batchSize = Math.max(1, options.batchSize ?? DEMO_DEFAULTS.batchSize);
  const ids = await db.transaction((manager) => ensureSourcesAndPeople(manager, full, prefix));
  const report: DemoReport = { sources: full.sources, people: full.people, articles: { requested: full.articles, created: 0, existing: 0 }, feedItemsWritten: 0, durationMs: 0 };
  for (let from = 1; from <= full.articles; from += batchSize) {
    const to = Math.min(full.articles, from + batchSize - 1);
    const batch = await db.transaction((manager) => insertBatch(manager, from, to, full, ids, prefix));
    report.articles.created += batch.created;
    report.articles.existing += to - from + 1 - batch.created;
    report.feedItemsWritten += batch.feedItems;
    options.onBatch?.(to, full.articles);
  }
  report.durationMs = Date.now() - started;
  return report;
}
