/**
 * The reader's pages as HTML: plain template functions over the page models of FrontPageService
 * (src/syndication/front-page.service.ts), every value escaped by `html` (./html.ts). No script at
 * all; one small inline stylesheet, allowed by its hash in the pages' Content-Security-Policy.
 * Every headline, title and paragraph that has a language carries `lang` and `dir`.
 */
import { createHash } from 'node:crypto';
import { toGlobalId } from '../../graphql/relay/global-id';
import { isRightToLeft, normalizeLanguageTag } from '../../text/language';
import type {
  ArticlePageView,
  FrontPageView,
  ItemPageView,
  PageArticleSummary,
  PageHeadline,
  PageOutlet,
  PersonPageView,
  SourcePageView,
} from '../../syndication/front-page.service';
import { escapeHtml, html, raw, type Html } from './html';

/**
 * System fonts only (nothing is fetched), with Bengali, Arabic and Devanagari faces named so a
 * machine that has them uses them rather than a fallback that may lack conjuncts.
 */
const STYLE = `
:root { color-scheme: light dark; --muted: #5f6368; --rule: #d0d4d9; --accent: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --muted: #a8adb3; --rule: #3c4043; --accent: #8ab4f8; } }
body { margin: 0; font: 1rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Bengali", "Noto Sans Arabic", "Noto Sans Devanagari", sans-serif; }
:lang(bn) { font-family: "Noto Sans Bengali", "Noto Serif Bengali", "Lohit Bengali", "Shonar Bangla", "Vrinda", system-ui, sans-serif; line-height: 1.8; }
:lang(ar) { font-family: "Noto Sans Arabic", "Noto Naskh Arabic", "Segoe UI", system-ui, sans-serif; }
header, main, footer { max-width: 46rem; margin: 0 auto; padding: 0 1rem; }
header { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; border-bottom: 1px solid var(--rule); }
header ul { display: flex; flex-wrap: wrap; gap: 0 1rem; list-style: none; padding: 0; }
footer ul { list-style: none; padding: 0; }
.brand { font-weight: 700; font-size: 1.25rem; margin: 0.75rem 0; }
a { color: var(--accent); text-underline-offset: 0.2em; }
a.headline, a.story { text-decoration: none; }
a.headline:hover, a.headline:focus, a.story:hover, a.story:focus { text-decoration: underline; }
.skip { position: absolute; left: -100vw; }
.skip:focus { left: 1rem; top: 1rem; }
ol.list { list-style: none; padding: 0; }
ol.list > li { padding: 0.6rem 0; border-bottom: 1px solid var(--rule); }
ol.list h3 { font-size: 1.1rem; margin: 0; }
.meta, .byline { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0; }
article p { margin: 0 0 1rem; }
footer { border-top: 1px solid var(--rule); margin-top: 2rem; color: var(--muted); font-size: 0.875rem; }
footer h2 { font-size: 1rem; }
code { font-size: 0.875rem; }
`;

/** The pages' Content-Security-Policy: no script, no other origin, the one stylesheet above by its hash. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** What every page's chrome needs to know of the gateway. */
export interface PageSettings {
  /** Whether /graphiql is served (GRAPHIQL). */
  graphiql: boolean;
}

/** A feed the page names in its head: `<link rel="alternate">`. */
interface Alternate {
  title: string;
  /** The query string of the feed's filter, without `?` ('' for the unfiltered feeds). */
  query: string;
}

const FEED_TYPES = [
  { ext: 'rss', type: 'application/rss+xml', name: 'RSS' },
  { ext: 'atom', type: 'application/atom+xml', name: 'Atom' },
  { ext: 'json', type: 'application/feed+json', name: 'JSON Feed' },
] as const;

const feedUrl = (ext: string, query: string) => `/feeds/latest.${ext}${query ? `?${query}` : ''}`;

const ALL_HEADLINES: Alternate = { title: 'Latest headlines', query: '' };

interface Layout {
  title: string;
  main: Html;
  alternates?: Alternate[];
}

/**
 * Longest document title, in characters of markup (html-validate's long-title, which counts the
 * escaped source: tabs and result lists show about this much).
 */
const MAX_TITLE = 70;
const SITE = ' · newsgate';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** `<title>`: the page's own title and the site's name, the title cut at a grapheme with … when too long. */
function documentTitle(title: string): Html {
  if (escapeHtml(title).length + SITE.length <= MAX_TITLE) return html`${title}${SITE}`;
  let cut = '';
  let length = 0;
  for (const { segment } of graphemes.segment(title)) {
    const more = escapeHtml(segment).length;
    if (length + more + 1 + SITE.length > MAX_TITLE) break;
    cut += segment;
    length += more;
  }
  return html`${cut.trimEnd()}…${SITE}`;
}

function page(settings: PageSettings, { title, main, alternates = [] }: Layout): string {
  const feeds = [...alternates, ALL_HEADLINES].flatMap((feed) =>
    FEED_TYPES.map((t) => html`<link rel="alternate" type="${t.type}" title="${feed.title} (${t.name})" href="${feedUrl(t.ext, feed.query)}">\n`),
  );
  const endpoints: Array<[string, string, string]> = [
    ['GraphQL', '/graphql', 'the API (POST, or GET for queries)'],
    ...(settings.graphiql ? [['GraphiQL', '/graphiql', 'an editor for GraphQL queries'] as [string, string, string]] : []),
    ['RSS', feedUrl('rss', ''), 'the latest headlines'],
    ['Atom', feedUrl('atom', ''), 'the latest headlines'],
    ['JSON Feed', feedUrl('json', ''), 'the latest headlines'],
    ['Health', '/healthz', 'the process answers'],
    ['Readiness', '/readyz', 'and its database does'],
  ];
  return html`<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${documentTitle(title)}</title>
<link rel="icon" href="data:,">
${feeds}<style>${raw(STYLE)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<p class="brand"><a href="/">newsgate</a></p>
<nav aria-label="Site">
<ul>
<li><a href="/">Latest headlines</a></li>
<li><a href="/#stories">Stories</a></li>
<li><a href="${feedUrl('rss', '')}">RSS</a></li>
${settings.graphiql ? html`<li><a href="/graphiql">GraphiQL</a></li>\n` : ''}</ul>
</nav>
</header>
<main id="main">
${main}</main>
<footer>
<h2>Endpoints</h2>
<ul>
${endpoints.map(([name, href, what]) => html`<li><a href="${href}">${name}</a>: <code>${href}</code>, ${what}</li>\n`)}</ul>
<p>Served by newsgate, a GraphQL gateway for news.</p>
</footer>
</body>
</html>
`.value;
}

/** ` lang="…" dir="…"` for text in this language; nothing when the language is unknown or not a tag. */
function langAttrs(language: string | null | undefined): Html {
  const tag = normalizeLanguageTag(language);
  if (!tag) return raw('');
  return html` lang="${tag}" dir="${isRightToLeft(tag) ? 'rtl' : 'ltr'}"`;
}

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

function time(at: Date): Html {
  return html`<time datetime="${at.toISOString()}">${DATE_TIME.format(at)}</time>`;
}

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** The language's name in English (`bn` → Bangla), or the tag itself. */
function languageName(language: string | null | undefined): string | null {
  const tag = normalizeLanguageTag(language);
  if (!tag) return null;
  try {
    return LANGUAGE_NAMES.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

const articleHref = (slug: string) => `/articles/${encodeURIComponent(slug)}`;
const sourceHref = (slug: string) => `/sources/${encodeURIComponent(slug)}`;
const personHref = (slug: string) => `/people/${encodeURIComponent(slug)}`;
const itemHref = (dbId: string) => `/items/${encodeURIComponent(toGlobalId('FeedItem', dbId))}`;

/** A stored URL as a link: http(s) only (ingestion stores nothing else, and no `javascript:` can ever be one). */
export function webUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

/** Where a headline leads: its own URL, else its article's page, else its own page here. */
function headlineHref(item: PageHeadline): string {
  const url = webUrl(item.url);
  if (url) return url;
  return item.articleSlug ? articleHref(item.articleSlug) : itemHref(item.id);
}

/** Publisher · time · language · also in (the other outlets that carried the text), the parts that are known. */
function meta(source: PageOutlet | null, at: Date, language: string | null, alsoIn: PageOutlet[] = []): Html {
  const parts: Html[] = [];
  if (source) parts.push(html`<a href="${sourceHref(source.slug)}">${source.name}</a>`);
  parts.push(time(at));
  const name = languageName(language);
  if (name) parts.push(html`<span>${name}</span>`);
  if (alsoIn.length > 0) {
    parts.push(html`<span class="also-in">also in ${alsoIn.map((other, i) => html`${i === 0 ? '' : ', '}<a href="${sourceHref(other.slug)}">${other.name}</a>`)}</span>`);
  }
  return html`<p class="meta">${dotted(parts)}</p>`;
}

/** Parts of a line of metadata, between middle dots. */
function dotted(parts: Html[]): Html[] {
  return parts.map((part, i) => (i === 0 ? part : html` · ${part}`));
}

function headlineList(items: PageHeadline[], empty: string): Html {
  if (items.length === 0) return html`<p>${empty}</p>\n`;
  return html`<ol class="list headlines">
${items.map(
  (item) => html`<li>
<h3><a class="headline" href="${headlineHref(item)}"${langAttrs(item.language)}>${item.headline}</a></h3>
${meta(item.source, item.publishedAt, item.language, item.alsoIn)}
</li>
`,
)}</ol>
`;
}

function articleList(articles: PageArticleSummary[], empty: string): Html {
  if (articles.length === 0) return html`<p>${empty}</p>\n`;
  return html`<ol class="list articles">
${articles.map(
  (article) => html`<li>
<h3><a class="story" href="${articleHref(article.slug)}"${langAttrs(article.language)}>${article.title}</a></h3>
${meta(article.source, article.publishedAt, article.language, article.alsoIn)}
${article.summary ? html`<p${langAttrs(article.language)}>${article.summary}</p>\n` : ''}</li>
`,
)}</ol>
`;
}

/** `/`: the latest headlines across sources, then the latest stories. */
export function frontPageHtml(settings: PageSettings, view: FrontPageView): string {
  return page(settings, {
    title: 'Latest headlines',
    main: html`<h1>Latest news</h1>
<section aria-labelledby="headlines">
<h2 id="headlines">Latest headlines</h2>
${headlineList(view.headlines, 'No headlines yet.')}</section>
<section aria-labelledby="stories">
<h2 id="stories">Stories</h2>
${articleList(view.articles, 'No stories yet.')}</section>
`,
  });
}

/** `/articles/<slug>`: the story, then its authors, the people it names and the outlets it cites. */
export function articlePageHtml(settings: PageSettings, { article, source, authors, mentions, citedSources }: ArticlePageView): string {
  const lang = langAttrs(article.language);
  const credits = [
    authors.length > 0 ? html`By ${authors.map((person, i) => html`${i > 0 ? ', ' : ''}<a href="${personHref(person.slug)}">${person.name}</a>`)}` : null,
    webUrl(article.url) ? html`<a href="${webUrl(article.url)}">Original</a>` : null,
  ].filter((part): part is Html => part !== null);
  const people = (list: Html[], heading: string, id: string) =>
    list.length === 0 ? '' : html`<section aria-labelledby="${id}">\n<h2 id="${id}">${heading}</h2>\n<ul>\n${list}</ul>\n</section>\n`;
  return page(settings, {
    title: article.title,
    alternates: source ? [{ title: `Latest headlines: ${source.name}`, query: new URLSearchParams({ source: source.slug }).toString() }] : [],
    main: html`<article>
<h1${lang}>${article.title}</h1>
${meta(source, article.publishedAt, article.language)}
${article.byline ? html`<p class="byline"${lang}>${article.byline}</p>\n` : ''}${credits.length > 0 ? html`<p class="meta">${dotted(credits)}</p>\n` : ''}${article.summary && article.summary !== article.paragraphs[0] ? html`<p class="summary"${lang}><strong>${article.summary}</strong></p>\n` : ''}${article.paragraphs.map((paragraph) => html`<p${lang}>${paragraph}</p>\n`)}</article>
${people(
  authors.map((person) => html`<li><a href="${personHref(person.slug)}">${person.name}</a></li>\n`),
  'Authors',
  'authors',
)}${people(
  mentions.map((m) => html`<li><a href="${personHref(m.person.slug)}">${m.person.name}</a> (named ${m.count} ${m.count === 1 ? 'time' : 'times'})</li>\n`),
  'People mentioned',
  'people',
)}${people(
  citedSources.map((s) => html`<li><a href="${sourceHref(s.slug)}">${s.name}</a></li>\n`),
  'Cited outlets',
  'outlets',
)}`,
  });
}

/** `/sources/<slug>`: the publisher, its latest headlines and stories. */
export function sourcePageHtml(settings: PageSettings, { source, headlines, articles }: SourcePageView): string {
  const query = new URLSearchParams({ source: source.slug }).toString();
  const about = [
    webUrl(source.homepageUrl) ? html`<a href="${webUrl(source.homepageUrl)}">Home page</a>` : null,
    languageName(source.language) ? html`<span>${languageName(source.language)}</span>` : null,
    html`<a href="${feedUrl('rss', query)}">RSS</a>`,
  ].filter((part): part is Html => part !== null);
  return page(settings, {
    title: source.name,
    alternates: [{ title: `Latest headlines: ${source.name}`, query }],
    main: html`<h1${langAttrs(source.language)}>${source.name}</h1>
<p class="meta">${dotted(about)}</p>
<section aria-labelledby="headlines">
<h2 id="headlines">Latest headlines</h2>
${headlineList(headlines, 'No headlines from this source yet.')}</section>
<section aria-labelledby="stories">
<h2 id="stories">Stories</h2>
${articleList(articles, 'No stories from this source yet.')}</section>
`,
  });
}

/** `/people/<slug>`: the person and the latest stories by or about them. */
export function personPageHtml(settings: PageSettings, { person, articles }: PersonPageView): string {
  const query = new URLSearchParams({ person: person.slug }).toString();
  const aliases = (person.aliases ?? []).filter((alias) => alias !== person.name);
  return page(settings, {
    title: person.name,
    alternates: [{ title: `Latest headlines: ${person.name}`, query }],
    main: html`<h1>${person.name}</h1>
${person.description ? html`<p>${person.description}</p>\n` : ''}${aliases.length > 0 ? html`<p class="meta">Also written ${aliases.map((alias, i) => html`${i > 0 ? ', ' : ''}<span>${alias}</span>`)}</p>\n` : ''}<p class="meta"><a href="${feedUrl('rss', query)}">RSS</a></p>
<section aria-labelledby="stories">
<h2 id="stories">Stories</h2>
${articleList(articles, 'No stories about this person yet.')}</section>
`,
  });
}

/** `/items/<id>`: a headline that has no URL of its own. */
export function itemPageHtml(settings: PageSettings, { item, source, article }: ItemPageView): string {
  return page(settings, {
    title: item.headline,
    main: html`<article>
<h1${langAttrs(item.language)}>${item.headline}</h1>
${meta(source ? { slug: source.slug, name: source.name } : null, item.publishedAt, item.language)}
${article ? html`<p><a href="${articleHref(article.slug)}">Read the story</a></p>\n` : html`<p>The publisher gave this headline without a link or a story.</p>\n`}</article>
`,
  });
}

/** The 404 page of an unknown slug or id. */
export function notFoundHtml(settings: PageSettings, what: string): string {
  return page(settings, {
    title: 'Not found',
    main: html`<h1>Not found</h1>
<p>No ${what} has this address. The <a href="/">latest headlines</a> are on the front page.</p>
`,
  });
}

/** A reader over the rate limit: when to come back (the answer's Retry-After says the same). */
export function rateLimitedHtml(settings: PageSettings, retryAfterSeconds: number): string {
  return page(settings, {
    title: 'Too many requests',
    main: html`<h1>Too many requests</h1>
<p>This address has opened pages faster than the gateway serves one reader. Please try again in ${String(retryAfterSeconds)} ${retryAfterSeconds === 1 ? 'second' : 'seconds'}.</p>
`,
  });
}
