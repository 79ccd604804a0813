import http from 'node:http';
import { Pool } from 'pg';

/**
 * The one-statement floor: node:http and pg answering the two operations of bench/queries.ts with
 * one prepared statement each. Postgres builds the whole `data` object (json_build_object and
 * json_agg, the page size inlined as a literal so the plan is made once), and its text goes out
 * untouched inside `{"data":…}`: no rows to hydrate, no JSON built in JavaScript, one round trip.
 * The strongest hand-written server we know for these queries; every ratio in `npm run bench`
 * is taken against it.
 *
 * The orderings are the gateway's (src/feed-item and src/article repositories): the feed newest
 * first, then position and id; authors by position; mentions by count descending, then name;
 * cited sources by name. DateTime is JavaScript's toISOString (milliseconds, `Z`).
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const port = Number(process.env.PORT ?? 4100);

/** The Relay connection of the latest 20 feed items: `{"edges":[{"node":{…}},…]}`. */
const LATEST_FEED = `(
  SELECT json_build_object('edges', coalesce(json_agg(json_build_object('node', page.node) ORDER BY page.published_at DESC, page.position, page.id), '[]'::json))
  FROM (
    SELECT f.published_at, f.position, f.id, json_build_object(
      'headline', f.headline,
      'source', json_build_object('name', s.name),
      'article', CASE WHEN a.id IS NULL THEN NULL ELSE json_build_object(
        'title', a.title,
        'authors', (SELECT coalesce(json_agg(json_build_object('name', p.name) ORDER BY l.position), '[]'::json)
                    FROM article_author l JOIN person p ON p.id = l.person_id WHERE l.article_id = a.id)
      ) END
    ) AS node
    FROM feed_item f JOIN source s ON s.id = f.source_id LEFT JOIN article a ON a.id = f.article_id
    ORDER BY f.published_at DESC, f.position, f.id
    LIMIT 20
  ) page
)`;

const SIDEBAR = {
  name: 'floor1_sidebar',
  text: `SELECT json_build_object('latestFeed', ${LATEST_FEED})::text AS data`,
};

const ARTICLE_PAGE = {
  name: 'floor1_article_page',
  text: `SELECT json_build_object(
    'article', (
      SELECT json_build_object(
        'title', a.title,
        'paragraphs', a.paragraphs,
        'publishedAt', to_char(a.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'byline', a.byline,
        'source', json_build_object('name', s.name),
        'authors', (SELECT coalesce(json_agg(json_build_object('name', p.name) ORDER BY l.position), '[]'::json)
                    FROM article_author l JOIN person p ON p.id = l.person_id WHERE l.article_id = a.id),
        'mentions', (SELECT coalesce(json_agg(json_build_object('count', l.count, 'person', json_build_object('name', p.name)) ORDER BY l.count DESC, p.name), '[]'::json)
                     FROM article_mention l JOIN person p ON p.id = l.person_id WHERE l.article_id = a.id),
        'citedSources', (SELECT coalesce(json_agg(json_build_object('name', c.name) ORDER BY c.name), '[]'::json)
                         FROM article_cited_source l JOIN source c ON c.id = l.source_id WHERE l.article_id = a.id)
      )
      FROM article a JOIN source s ON s.id = a.source_id WHERE a.slug = $1
    ),
    'latestFeed', ${LATEST_FEED}
  )::text AS data`,
};

/** The body of a GraphQL POST, as far as the floor reads it. */
interface OperationBody {
  operationName?: string;
  variables?: { slug?: string };
}

async function answer(body: OperationBody): Promise<string> {
  const statement = body.operationName === 'ArticlePage' ? { ...ARTICLE_PAGE, values: [body.variables?.slug ?? ''] } : SIDEBAR;
  // ::text above: pg hands the JSON over as the string Postgres wrote, not parsed.
  const { rows } = await pool.query<{ data: string }>(statement);
  return `{"data":${rows[0]!.data}}`;
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const payload = await answer(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OperationBody);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: String(error) }] }));
    }
  });
});

server.listen(port, '127.0.0.1', () => console.log(`one-statement floor listening on ${port}`));
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
