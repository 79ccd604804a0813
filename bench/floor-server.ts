import http from 'node:http';
import { Pool } from 'pg';

/**
 * The floor: the same two operations answered by hand-written SQL through `pg` and a plain HTTP
 * server, no GraphQL and no ORM. Prepared statements, two round trips for the sidebar, results
 * assembled directly into the response JSON. Whatever the gateway costs above this is overhead.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const port = Number(process.env.PORT ?? 4100);

const SIDEBAR = {
  name: 'floor_sidebar',
  text: `SELECT f.headline, s.name AS source_name, a.id AS article_id, a.title
         FROM feed_item f JOIN source s ON s.id = f.source_id LEFT JOIN article a ON a.id = f.article_id
         WHERE f.listed -- each text once, as latestFeed across sources
         ORDER BY f.published_at DESC, f.position, f.id LIMIT 20`,
};
const AUTHORS = {
  name: 'floor_authors',
  text: `SELECT l.article_id, p.name FROM article_author l JOIN person p ON p.id = l.person_id
         WHERE l.article_id = ANY($1::uuid[]) ORDER BY l.article_id, l.position`,
};
const ARTICLE = {
  name: 'floor_article',
  text: `SELECT a.id, a.title, a.paragraphs, a.published_at, a.byline, s.name AS source_name
         FROM article a JOIN source s ON s.id = a.source_id WHERE a.slug = $1`,
};
const MENTIONS = {
  name: 'floor_mentions',
  text: `SELECT l.count, p.name FROM article_mention l JOIN person p ON p.id = l.person_id
         WHERE l.article_id = $1 ORDER BY l.count DESC, p.name`,
};
const CITED = {
  name: 'floor_cited',
  text: `SELECT s.name FROM article_cited_source l JOIN source s ON s.id = l.source_id WHERE l.article_id = $1 ORDER BY s.name`,
};

interface SidebarRow {
  headline: string;
  source_name: string;
  article_id: string | null;
  title: string | null;
}
interface ArticleRow {
  id: string;
  title: string;
  paragraphs: string[];
  published_at: Date;
  byline: string | null;
  source_name: string;
}
/** The body of a GraphQL POST, as far as the floor reads it. */
interface OperationBody {
  operationName?: string;
  variables?: { slug?: string };
}

async function authorsByArticle(ids: string[]): Promise<Map<string, Array<{ name: string }>>> {
  const byArticle = new Map<string, Array<{ name: string }>>();
  if (ids.length === 0) return byArticle;
  const { rows } = await pool.query<{ article_id: string; name: string }>({ ...AUTHORS, values: [ids] });
  for (const row of rows) {
    const list = byArticle.get(row.article_id) ?? [];
    list.push({ name: row.name });
    byArticle.set(row.article_id, list);
  }
  return byArticle;
}

async function sidebar() {
  const { rows } = await pool.query<SidebarRow>(SIDEBAR);
  const authors = await authorsByArticle(rows.flatMap((r) => (r.article_id ? [r.article_id] : [])));
  return {
    edges: rows.map((row) => ({
      node: {
        headline: row.headline,
        source: { name: row.source_name },
        article: row.article_id ? { title: row.title, authors: authors.get(row.article_id) ?? [] } : null,
      },
    })),
  };
}

async function articlePage(slug: string) {
  const [articleResult, latestFeed] = await Promise.all([pool.query<ArticleRow>({ ...ARTICLE, values: [slug] }), sidebar()]);
  const row = articleResult.rows[0];
  if (!row) return { article: null, latestFeed };
  const [authors, mentions, cited] = await Promise.all([
    authorsByArticle([row.id]),
    pool.query<{ count: number; name: string }>({ ...MENTIONS, values: [row.id] }),
    pool.query<{ name: string }>({ ...CITED, values: [row.id] }),
  ]);
  return {
    article: {
      title: row.title,
      paragraphs: row.paragraphs,
      publishedAt: row.published_at.toISOString(),
      byline: row.byline,
      source: { name: row.source_name },
      authors: authors.get(row.id) ?? [],
      mentions: mentions.rows.map((m) => ({ count: m.count, person: { name: m.name } })),
      citedSources: cited.rows.map((c) => ({ name: c.name })),
    },
    latestFeed,
  };
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OperationBody;
      const data = body.operationName === 'ArticlePage' ? await articlePage(body.variables?.slug ?? '') : { latestFeed: await sidebar() };
      // The newline ends every answer of Apollo Server's too.
      const payload = `${JSON.stringify({ data })}\n`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: String(error) }] }));
    }
  });
});

server.listen(port, '127.0.0.1', () => console.log(`floor listening on ${port}`));
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
