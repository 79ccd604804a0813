import type { AppConfig } from '../config/config';
import { GRAPHQL_PATH } from './graphql-endpoint';
import { GRAPHIQL_PATH } from './pages/graphiql.routes';

/** What the gateway serves people and programs, as absolute URLs under `base` (no trailing slash). */
export interface EndpointUrls {
  frontPage: string;
  graphql: string;
  /** Apollo Sandbox at GET /graphql in a browser, when GRAPHQL_LANDING_PAGE is on. */
  sandbox: string | null;
  /** The bundled GraphiQL, when GRAPHIQL is on: works without internet. */
  graphiql: string | null;
  feeds: { rss: string; atom: string; json: string };
  health: string;
  ready: string;
  metrics: string | null;
}

export function endpointUrls(base: string, config: Pick<AppConfig, 'landingPage' | 'graphiql' | 'metrics'>): EndpointUrls {
  return {
    frontPage: `${base}/`,
    graphql: `${base}${GRAPHQL_PATH}`,
    sandbox: config.landingPage ? `${base}${GRAPHQL_PATH}` : null,
    graphiql: config.graphiql ? `${base}${GRAPHIQL_PATH}` : null,
    feeds: { rss: `${base}/feeds/latest.rss`, atom: `${base}/feeds/latest.atom`, json: `${base}/feeds/latest.json` },
    health: `${base}/healthz`,
    ready: `${base}/readyz`,
    metrics: config.metrics.enabled ? `${base}/metrics` : null,
  };
}

/** The start-up line's text: each URL people open, on one line (the JSON line carries them as `urls` too). */
export function endpointSummary(urls: EndpointUrls): string {
  return [
    `front page ${urls.frontPage}`,
    `GraphQL ${urls.graphql}`,
    urls.graphiql && `GraphiQL (offline) ${urls.graphiql}`,
    `feeds ${urls.feeds.rss} ${urls.feeds.atom} ${urls.feeds.json}`,
    `health ${urls.health} ${urls.ready}`,
  ]
    .filter(Boolean)
    .join(' | ');
}
