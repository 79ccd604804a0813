import 'reflect-metadata';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { CombinedGraphQLErrors } from '@apollo/client';
import { startEmbeddedGateway } from './embedded-gateway';
import { createNewsClient, type Headline, type NewsClient, type SearchHit } from './news-client';
import { followMode, type NewHeadline } from './follow';
import { displayWidth, formatDate, indent, wrap } from './render';

/**
 * newsgate in a terminal: the latest headlines, "more" to page on, a search, and an article opened
 * in full. Run `npm run example` (it starts an embedded gateway with the sample when none answers
 * at the URL), or `npm run example -- --url https://api.news.example/graphql`.
 */
const HELP = `commands:  <n> open  ·  m more  ·  /<words> search  ·  l latest  ·  q quit`;
const DEFAULT_URL = 'http://localhost:4000/graphql';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      'api-key': { type: 'string' },
      'page-size': { type: 'string', default: '10' },
      follow: { type: 'boolean' },
      language: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`usage: npm run example -- [--url <graphql endpoint>] [--api-key <key>] [--page-size <n>] [--follow [--language <tag>]]\n${HELP}\n--follow: print new headlines as they arrive, until Ctrl-C`);
    return;
  }
  const pageSize = Math.min(100, Math.max(1, Number(values['page-size']) || 10));
  const explicitUrl = values.url ?? process.env.NEWSGATE_URL;
  const url = explicitUrl ?? DEFAULT_URL;
  target = url;

  let embedded: { url: string; stop(): Promise<void> } | null = null;
  if (!explicitUrl && !(await answers(url))) {
    console.error(`No gateway answers at ${url}: starting an embedded one with the sample page (in memory)…`);
    embedded = await startEmbeddedGateway();
  }
  target = embedded?.url ?? url;
  const news = createNewsClient(target, values['api-key']);
  try {
    if (values.follow) {
      const width = Math.max(40, Math.min(process.stdout.columns || 80, 100));
      const print = (item: NewHeadline) =>
        printHeadline(0, item.headline, `${item.source.name} · ${formatDate(item.publishedAt, item.language)}`, width, false);
      return await followMode(target, { apiKey: values['api-key'], language: values.language, print });
    }
    await session(news, pageSize);
  } finally {
    news.apollo.stop();
    await embedded?.stop();
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(1500) });
    return true;
  } catch {
    return false;
  }
}

/** What a number at the prompt opens: the headlines on screen, or the last search's results. */
type Listing = { kind: 'latest'; items: Headline[] } | { kind: 'search'; items: SearchHit[] };

async function session(news: NewsClient, pageSize: number): Promise<void> {
  const width = Math.max(40, Math.min(process.stdout.columns || 80, 100));
  let listing: Listing = { kind: 'latest', items: [] };

  const showLatest = async (more: boolean) => {
    const page = more ? await news.more(pageSize) : await news.latest(pageSize);
    listing = { kind: 'latest', items: page.headlines };
    console.log(`\nLatest headlines (${page.headlines.length} of ${page.total})`);
    page.headlines.forEach((item, i) => printHeadline(i + 1, item.headline, `${item.source.name} · ${formatDate(item.publishedAt, item.language)}`, width, item.article !== null));
    if (page.hasMore) console.log('  m: more');
    if (page.headlines.length > 0 && page.headlines.every((item) => item.article === null)) {
      console.log('  (none of these links to a stored article yet: search them with /<words>)');
    }
  };

  await showLatest(false);
  console.log(HELP);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
  rl.setPrompt('> ');
  rl.prompt();
  for await (const input of rl) {
    const command = input.trim().normalize('NFC');
    try {
      if (command === 'q') break;
      else if (command === 'm') await showLatest(true);
      else if (command === 'l') await showLatest(false);
      else if (command === '/') console.log('! type the words to search for after /');
      else if (command.startsWith('/')) {
        const hits = await news.search(command.slice(1).trim());
        listing = { kind: 'search', items: hits };
        console.log(`\n${hits.length} found for “${command.slice(1).trim()}”`);
        hits.forEach((hit, i) => printHeadline(i + 1, hit.title, `${hit.source.name} · ${formatDate(hit.publishedAt, hit.language)}`, width, true));
      } else if (/^\d+$/.test(command)) await open(news, listing, Number(command), width);
      else if (command !== '') console.log(HELP);
    } catch (error) {
      console.log(`! ${describe(error)}`);
    }
    rl.prompt();
  }
  rl.close();
}

function printHeadline(n: number, headline: string, meta: string, width: number, openable: boolean): void {
  // Headlines without a stored article (a sidebar linking elsewhere) get a dot, not a number to open.
  const label = openable ? `${String(n).padStart(3)}. ` : '   · ';
  const [first = '', ...rest] = wrap(headline, width - displayWidth(label));
  console.log(label + first);
  if (rest.length) console.log(indent(rest, ' '.repeat(label.length)));
  console.log(`${' '.repeat(label.length)}${meta}`);
}

async function open(news: NewsClient, listing: Listing, n: number, width: number): Promise<void> {
  const item = listing.items[n - 1];
  if (!item) return console.log(`! no item ${n} here`);
  const slug = listing.kind === 'search' ? (item as SearchHit).slug : (item as Headline).article?.slug;
  if (!slug) {
    const headline = item as Headline;
    return console.log(`! “${headline.headline}” has no stored article${headline.url ? `: ${headline.url}` : ''}`);
  }
  const article = await news.article(slug);
  if (!article) return console.log('! that article is no longer there');
  const rule = '─'.repeat(width);
  console.log(`\n${rule}\n${wrap(article.title, width, article.language ?? undefined).join('\n')}`);
  const people = article.authors.map((a) => a.name).join(', ') || article.byline;
  console.log(`${article.source.name} · ${formatDate(article.publishedAt, article.language)}${people ? ` · ${people}` : ''}\n`);
  for (const paragraph of article.paragraphs) console.log(`${wrap(paragraph, width, article.language ?? undefined).join('\n')}\n`);
  if (article.mentions.length) console.log(`People: ${article.mentions.map((m) => `${m.person.name} (${m.count})`).join(', ')}`);
  if (article.citedSources.length) console.log(`Cites: ${article.citedSources.map((s) => s.name).join(', ')}`);
  console.log(`${article.url}\n${rule}`);
}

function describe(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => `${e.message} (${typeof e.extensions?.code === 'string' ? e.extensions.code : 'ERROR'})`).join('; ');
  return error instanceof Error ? error.message : String(error);
}

/**
 * Why a request got no answer from `url`. fetch's own message is only "fetch failed": the reason is
 * its cause (connect ECONNREFUSED 127.0.0.1:4099, getaddrinfo ENOTFOUND, a TLS error), or each of
 * the causes when Node tried several addresses (localhost as ::1 and 127.0.0.1).
 */
function describeUnreachable(error: unknown, url: string): string | null {
  if (!(error instanceof TypeError) || !(error.cause instanceof Error)) return null;
  const cause = error.cause;
  const reasons = cause instanceof AggregateError ? cause.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))) : [cause.message];
  return `cannot reach ${url}: ${reasons.join('; ')}`;
}

let target = DEFAULT_URL;
main().catch((error: unknown) => {
  console.error(`example failed: ${describeUnreachable(error, target) ?? describe(error)}`);
  process.exit(1);
});
