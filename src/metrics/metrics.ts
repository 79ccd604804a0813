import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics, on a registry of their own per gateway (or worker) instance: tests run
 * several gateways in one process, and prom-client's global registry would mix them. Families are
 * prefixed `newsgate_`; the default process metrics keep their standard names (`process_*`,
 * `nodejs_*`) so stock dashboards and alerts work on them.
 *
 * Every label value a client can influence (the GraphQL operation name) goes through a
 * BoundedLabel: validated, length-capped, and at most MAX_OPERATIONS distinct values before the
 * rest count as `other`, so a client inventing names cannot grow the registry without end.
 */
const MAX_OPERATIONS = 100;
const MAX_ERROR_CODES = 50;
const MAX_LABEL_LENGTH = 64;
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const ERROR_CODE = /^[A-Za-z][0-9A-Za-z_]*$/;

export type GraphQLOutcome = 'success' | 'graphql_error' | 'client_error' | 'server_error';

/** Label values seen so far, up to a limit; then `other`. Invalid values are `invalid`. */
class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly limit: number,
    private readonly pattern: RegExp,
  ) {}

  value(raw: string): string {
    const capped = raw.length > MAX_LABEL_LENGTH ? raw.slice(0, MAX_LABEL_LENGTH) : raw;
    if (this.seen.has(capped)) return capped;
    if (!this.pattern.test(capped)) return 'invalid';
    if (this.seen.size >= this.limit) return 'other';
    this.seen.add(capped);
    return capped;
  }
}

/**
 * What the ingestion counters read of a finished run. Ingestion's run report
 * (src/ingest/ingest.service.ts) has these fields and more; the metrics, on the ground floor,
 * name only what they count.
 */
export interface IngestRunSummary {
  outcome: string;
  feeds: readonly unknown[];
  durationMs: number;
  itemsSeen: number;
  articlesCreated: number;
  articlesUpdated: number;
  feedItemsWritten: number;
}

/** The ingestion counters: the gateway (whose worker and refreshSource run ingestion) and `newsgate worker` both have them. */
export class IngestMetrics {
  private readonly runs: Counter<'outcome'>;
  private readonly runSeconds: Histogram;
  private readonly fetches: Counter<'target' | 'outcome'>;
  private readonly itemsFetched: Counter;
  private readonly items: Counter<'result'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.runs = new Counter({
      name: 'newsgate_ingest_runs_total',
      help: 'Runs of a source, by outcome (succeeded, partial, failed, busy, not_due, not_followed).',
      labelNames: ['outcome'],
      registers,
    });
    this.runSeconds = new Histogram({
      name: 'newsgate_ingest_run_duration_seconds',
      help: 'Duration of the runs that fetched something.',
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.fetches = new Counter({
      name: 'newsgate_ingest_fetches_total',
      help: 'HTTP fetches of feeds and article pages, by outcome: ok, not_modified, or the fetch error (timeout, http_status, network, blocked_address, too_large, ...).',
      labelNames: ['target', 'outcome'],
      registers,
    });
    this.itemsFetched = new Counter({
      name: 'newsgate_ingest_items_fetched_total',
      help: 'Items read from fetched feeds.',
      registers,
    });
    this.items = new Counter({
      name: 'newsgate_ingest_items_total',
      help: 'What fetched items gave: stored (new articles), updated (changed articles), duplicate (items already stored as they are, or listed twice).',
      labelNames: ['result'],
      registers,
    });
  }

  fetched(target: 'feed' | 'page', outcome: string): void {
    this.fetches.inc({ target, outcome: outcome.toLowerCase().replace(/-/g, '_') });
  }

  runFinished(report: IngestRunSummary): void {
    this.runs.inc({ outcome: report.outcome.replace(/-/g, '_') });
    if (report.feeds.length === 0) return;
    this.runSeconds.observe(report.durationMs / 1000);
    if (report.itemsSeen > 0) this.itemsFetched.inc(report.itemsSeen);
    if (report.articlesCreated > 0) this.items.inc({ result: 'stored' }, report.articlesCreated);
    if (report.articlesUpdated > 0) this.items.inc({ result: 'updated' }, report.articlesUpdated);
    const duplicates = report.itemsSeen - report.feedItemsWritten;
    if (duplicates > 0) this.items.inc({ result: 'duplicate' }, duplicates);
  }
}

/** `newsgate worker`: the ingestion counters and the process metrics. */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly ingest: IngestMetrics;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.ingest = new IngestMetrics(this.registry);
  }
}

interface OperationSeries {
  requests: Counter.Internal;
  seconds: Histogram.Internal<string>;
}

/** The gateway: requests, SQL, DataLoader batches, errors, ingestion and the process. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly ingest: IngestMetrics;
  private readonly requests: Counter<'operation' | 'outcome'>;
  private readonly seconds: Histogram<'operation' | 'outcome'>;
  private readonly sqlPerRequest: Histogram<'route'>;
  private readonly batchSizes: Histogram<'loader'>;
  private readonly graphqlErrors: Counter<'code'>;
  private readonly httpErrors: Counter<'route' | 'status'>;
  private readonly operations = new BoundedLabel(MAX_OPERATIONS, GRAPHQL_NAME);
  private readonly errorCodes = new BoundedLabel(MAX_ERROR_CODES, ERROR_CODE);
  /** Children by label values: prom-client hashes the labels on every call otherwise. */
  private readonly operationSeries = new Map<string, OperationSeries>();
  private readonly loaderSeries = new Map<string, Histogram.Internal<string>>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.ingest = new IngestMetrics(this.registry);
    this.requests = new Counter({
      name: 'newsgate_graphql_requests_total',
      help: 'GraphQL requests by operation name (anonymous, unknown when it was never resolved, other past 100 names) and outcome (success, graphql_error, client_error, server_error).',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.seconds = new Histogram({
      name: 'newsgate_graphql_request_duration_seconds',
      help: 'Time from the request to the end of its response, by operation and outcome.',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.sqlPerRequest = new Histogram({
      name: 'newsgate_sql_statements_per_request',
      help: 'SQL statements one HTTP request ran: every /graphql request (0 when answered from the response cache), other routes when they ran any.',
      labelNames: ['route'],
      buckets: [0, 1, 2, 3, 4, 6, 8, 12, 20, 50, 100],
      registers,
    });
    this.batchSizes = new Histogram({
      name: 'newsgate_dataloader_batch_size',
      help: 'Keys per DataLoader batch (one statement each), by loader.',
      labelNames: ['loader'],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    });
    this.graphqlErrors = new Counter({
      name: 'newsgate_graphql_errors_total',
      help: 'Errors sent in GraphQL responses, by extensions.code.',
      labelNames: ['code'],
      registers,
    });
    this.httpErrors = new Counter({
      name: 'newsgate_http_errors_total',
      help: 'HTTP answers with a 4xx or 5xx status, by route and status.',
      labelNames: ['route', 'status'],
      registers,
    });
  }

  /** One finished /graphql request. `operation`: the resolved name, '' if anonymous, null if never resolved. */
  graphqlRequest(operation: string | null, outcome: GraphQLOutcome, seconds: number): void {
    const name = operation === null ? 'unknown' : operation === '' ? 'anonymous' : this.operations.value(operation);
    const key = `${name}\u0000${outcome}`;
    let series = this.operationSeries.get(key);
    if (!series) {
      series = { requests: this.requests.labels(name, outcome), seconds: this.seconds.labels(name, outcome) };
      this.operationSeries.set(key, series);
    }
    series.requests.inc();
    series.seconds.observe(seconds);
  }

  sqlStatements(route: string, count: number): void {
    this.sqlPerRequest.labels(route).observe(count);
  }

  /** A DataLoader batch function was called with `size` keys. */
  readonly batch = (loader: string, size: number): void => {
    let series = this.loaderSeries.get(loader);
    if (!series) {
      series = this.batchSizes.labels(loader);
      this.loaderSeries.set(loader, series);
    }
    series.observe(size);
  };

  graphqlError(code: unknown): void {
    this.graphqlErrors.labels(typeof code === 'string' ? this.errorCodes.value(code) : 'none').inc();
  }

  httpError(route: string, status: number): void {
    this.httpErrors.labels(route, String(status)).inc();
  }

  /** The subscriptions (src/http/subscriptions.ts): open WebSocket connections and running subscriptions, read when scraped. */
  observeLive(read: () => { connections: number; subscriptions: number }): void {
    const registers = [this.registry];
    new Gauge({ name: 'newsgate_live_connections', help: 'Open GraphQL WebSocket connections.', registers, collect() { this.set(read().connections); } });
    new Gauge({ name: 'newsgate_live_subscriptions', help: 'GraphQL subscriptions running.', registers, collect() { this.set(read().subscriptions); } });
  }

  async close(): Promise<void> {
    this.registry.clear();
  }
}
