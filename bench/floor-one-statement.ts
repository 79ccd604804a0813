import http from 'node:http';
import { Pool } from 'pg';

/**
 * The one-statement floor: node:http and pg answering the two operations of bench/queries.ts with
 * one prepared statement each. Postgres builds the whole `data` object (row_to_json and
 * array_to_json, the page size inlined as a literal so the plan is made once), and its text goes
 * out untouched inside `{"data":…}`: no rows to hydrate, no JSON built in JavaScript, one round
 * trip, the gateway's bytes.
 * The strongest hand-written server we know for these queries; every ratio in `npm run bench`
 * is taken against it.
 *
 * The orderings are the gateway's (src/feed-item and src/article repositories): the feed newest
 * first, then position and id; authors by position; mentions by count descending, then name;
 * cited sources by name. DateTime is JavaScript's toISOString (milliseconds, `Z`).
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const port = Number(process.env.PORT ?? 4100);

/*
 * row_to_json and array_to_json write JSON without spaces, as JSON.stringify does (json_build_object
 * and json_agg put a space after every `:` and `,`), so the floor's bytes are the gateway's. Keys are
 * the column aliases, in select-list order; each list is aggregated from a subquery already in the
 * gateway's order.
 */

/** A JSON list of the rows of `query` (in its order), `[]` when there are none. */
const list = (query: string) => `(SELECT coalesce(array_to_json(array_agg(row_to_json(x))), '[]'::json) FROM (${query}) x)`;
/** A JSON object of the one row of `query`. */
const object = (query: string) => `(SELECT row_to_json(x) FROM (${query}) x)`;

const AUTHORS = list('SELECT p.name FROM article_author l JOIN person p ON p.id = l.person_id WHERE l.article_id = a.id ORDER BY l.position');

/**
 * The Relay connection of the latest 20 feed items: `{"edges":[{"node":{…}},…]}`. Each text once,
 * as latestFeed across sources lists them (`listed`, kept by triggers: see feed-item.repository.ts).
 */
const LATEST_FEED = object(`SELECT ${list(`
  SELECT ${object(`SELECT f.headline, ${object('SELECT s.name')} AS source,
                   CASE WHEN a.id IS NULL THEN NULL ELSE ${object(`SELECT a.title, ${AUTHORS} AS authors`)} END AS article`)} AS node
  FROM feed_item f JOIN source s ON s.id = f.source_id LEFT JOIN article a ON a.id = f.article_id
  WHERE f.listed
  ORDER BY f.published_at DESC, f.position, f.id
  LIMIT 20`)} AS edges`);

const SIDEBAR = {
  name: 'floor1_sidebar',
  text: `SELECT ${object(`SELECT ${LATEST_FEED} AS "latestFeed"`)}::text AS data`,
};

const ARTICLE = object(`
  SELECT a.title, a.paragraphs,
         to_char(a.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "publishedAt",
         a.byline,
         ${object('SELECT s.name')} AS source,
         ${AUTHORS} AS authors,
         ${list(`SELECT l.count, ${object('SELECT p.name')} AS person
                 FROM article_mention l JOIN person p ON p.id = l.person_id WHERE l.article_id = a.id ORDER BY l.count DESC, p.name`)} AS mentions,
         ${list('SELECT c.name FROM article_cited_source l JOIN source c ON c.id = l.source_id WHERE l.article_id = a.id ORDER BY c.name')} AS "citedSources"
  FROM article a JOIN source s ON s.id = a.source_id WHERE a.slug = $1`);

const ARTICLE_PAGE = {
  name: 'floor1_article_page',
  text: `SELECT ${object(`SELECT ${ARTICLE} AS article, ${LATEST_FEED} AS "latestFeed"`)}::text AS data`,
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
  // The newline ends every answer of Apollo Server's too.
  return `{"data":${rows[0]!.data}}\n`;
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
