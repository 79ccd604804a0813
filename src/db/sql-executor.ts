import type { CustomTypesConfig, Pool, PoolClient, QueryResultRow } from 'pg';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, type DataSource, type EntityManager, type Logger } from 'typeorm';
import { DatabaseUnavailableError, wrapDatabaseError } from '../common/errors/domain-errors';
import { currentRequest } from '../common/request-context';
import { changeSignalsOf, type ChangeSignals } from './change-signals';
import { notificationsOf, type Notifications } from './notifications';

/**
 * A named SQL statement. The name makes node-postgres prepare the statement once per connection
 * and reuse the plan on every later call, which is most of what a hand-written server gains over
 * an ORM on hot reads.
 */
export interface SqlStatement {
  readonly name: string;
  readonly text: string;
}

/** The names of sql() statements by their text (see statementObserverLogger). */
const namesByText = new Map<string, string>();

export function sql(name: string, text: string): SqlStatement {
  const statement = { name, text: text.replace(/\s+/g, ' ').trim() };
  // Written once per statement, at module load: what goes through TypeORM (writes, transactions)
  // reaches the observer as bare text, and this gives it its name back.
  namesByText.set(statement.text, name);
  return statement;
}

/** For SQL assembled from a bounded set of fragments (filters): named after a hash of its text. */
export function dynamicSql(prefix: string, text: string): SqlStatement {
  const normalized = text.replace(/\s+/g, ' ').trim();
  let hash = 0x811c9dc5;
  for (let i = 0; i < normalized.length; i++) {
    hash = Math.imul(hash ^ normalized.charCodeAt(i), 0x01000193) >>> 0;
  }
  return { name: `${prefix}_${hash.toString(36)}_${normalized.length.toString(36)}`, text: normalized };
}

/** A statement as this process sends it to the database, for whoever observes them. */
export interface ObservedStatement {
  /** The sql() or dynamicSql() name; null for SQL written inline and TypeORM's START TRANSACTION, COMMIT, ROLLBACK. */
  readonly name: string | null;
  readonly text: string;
  /**
   * `pool`: SqlExecutor.rows, and writeRows outside a transaction, sent named (prepared once per
   * connection). `typeorm`: through a TypeORM manager or query runner (START TRANSACTION, COMMIT,
   * rowsIn), sent unnamed. `transaction`: writeRows on a transaction's connection, sent named.
   */
  readonly via: 'pool' | 'typeorm' | 'transaction';
}

/**
 * Told of each statement as it is sent. It may return a function to be told when the statement is
 * answered (or fails): pooled statements only, since statements through TypeORM are followed no
 * further than their sending (a query runner sends its statements one after another).
 */
export type StatementListener = (statement: ObservedStatement) => void | (() => void);

/** The observer, or null: all the hot path pays when nobody listens is checking this. */
let listener: StatementListener | null = null;

/**
 * Calls `onStatement` with every statement sent through the executor or TypeORM, synchronously
 * and in the order they are sent, until the returned function is called. One observer at a time
 * (the SQL snapshot tests capture one operation at a time); it must not throw.
 */
export function observeStatements(onStatement: StatementListener): () => void {
  if (listener !== null) throw new Error('SQL statements are already being observed');
  listener = onStatement;
  return () => {
    if (listener === onStatement) listener = null;
  };
}

/**
 * The logger of every data source (src/db/data-source.ts): TypeORM calls logQuery for each
 * statement a manager or query runner sends, just before sending it, which is how the observer
 * sees transactions and writes. Nothing is logged anywhere; TypeORM's own logging stays off.
 */
export const statementObserverLogger: Logger = {
  logQuery(query) {
    if (listener !== null) listener({ name: namesByText.get(query) ?? null, text: query, via: 'typeorm' });
  },
  logQueryError() {},
  logQuerySlow() {},
  logSchemaBuild() {},
  logMigration() {},
  log() {},
};

let statementCount = 0;

/** Statements run since the process started: the SQL-per-request test and the benchmark read it. */
export function sqlStatementCount(): number {
  return statementCount;
}

/** Counts a statement, process-wide and for the request being handled (the per-request metric). */
function counted(): void {
  statementCount++;
  const request = currentRequest();
  if (request) request.sqlStatements++;
}

/** What a TypeORM manager runs on: its transaction's query runner, if it has one, and its data source. */
interface ManagerInternals {
  queryRunner?: { isReleased: boolean; connect(): Promise<PoolClient> };
  connection: { driver: unknown };
}

/**
 * The write path (ingestion, the seed): a named statement, so prepared once per connection and
 * planned once, on the transaction's connection when `manager` is a transaction's and on the
 * pool otherwise; counted and observed like the pooled reads. A failure is TypeORM's
 * QueryFailedError, as manager.query throws it (the ingest store retries by its SQLSTATE).
 * Rows are returned as the driver gives them, for every command (RETURNING gives the rows).
 */
export async function writeRows<T extends QueryResultRow>(
  manager: EntityManager,
  statement: SqlStatement,
  values: unknown[],
  /** `types`: how the answer's values are parsed, when not as the driver does by default (src/db/int-array-parser.ts). */
  options: { types?: CustomTypesConfig } = {},
): Promise<T[]> {
  counted();
  const { queryRunner, connection } = manager as unknown as ManagerInternals;
  const answered = listener === null ? undefined : listener({ name: statement.name, text: statement.text, via: queryRunner ? 'transaction' : 'pool' });
  try {
    if (queryRunner?.isReleased) throw new QueryRunnerAlreadyReleasedError();
    const client: Pool | PoolClient = queryRunner ? await queryRunner.connect() : (connection.driver as { master: Pool }).master;
    const result = await client.query<T>({ name: statement.name, text: statement.text, values, types: options.types });
    return result.rows;
  } catch (error) {
    if (error instanceof QueryRunnerAlreadyReleasedError) throw error;
    throw new QueryFailedError(statement.text, values, error as Error);
  } finally {
    if (answered) answered();
  }
}

/**
 * The read path: rows as plain objects straight from the driver, no entity hydration. Writes use
 * TypeORM's EntityManager in repositories; both go through the same pool.
 */
export class SqlExecutor {
  private readonly pool: Pool;

  /**
   * `isOpen` tells a failure of a closed database (shutdown, the embedded database gone) from a
   * failing statement: the first is SERVICE_UNAVAILABLE, whatever the driver's message says.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly isOpen: () => boolean = () => dataSource.isInitialized,
  ) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  /**
   * The embedded database's change signals (every process using the database sees them), or null
   * on Postgres: what the gateway caches ends when another newsgate process changes the data.
   */
  get changes(): ChangeSignals | null {
    return changeSignalsOf(this.dataSource);
  }

  /**
   * LISTEN for this process (the news events, src/events/), or null for a command that reaches
   * the embedded database through its owner's socket, which listens for everyone.
   */
  get notifications(): Notifications | null {
    return notificationsOf(this.dataSource);
  }

  private classify(error: unknown) {
    return this.isOpen() ? wrapDatabaseError(error) : new DatabaseUnavailableError(error);
  }

  async rows<T extends QueryResultRow>(statement: SqlStatement, values: unknown[] = []): Promise<T[]> {
    counted();
    if (listener !== null) return this.observedRows<T>(listener, statement, values);
    try {
      const result = await this.pool.query<T>({ name: statement.name, text: statement.text, values });
      return result.rows;
    } catch (error) {
      throw this.classify(error);
    }
  }

  /** rows() while an observer listens: it is told when the statement is sent, and when it is answered. */
  private async observedRows<T extends QueryResultRow>(onStatement: StatementListener, statement: SqlStatement, values: unknown[]): Promise<T[]> {
    const answered = onStatement({ name: statement.name, text: statement.text, via: 'pool' });
    try {
      const result = await this.pool.query<T>({ name: statement.name, text: statement.text, values });
      return result.rows;
    } catch (error) {
      throw this.classify(error);
    } finally {
      if (answered) answered();
    }
  }

  /** Runs inside a TypeORM transaction: the manager's connection, never the pool (PGlite has one). */
  async rowsIn<T extends QueryResultRow>(manager: EntityManager, statement: SqlStatement, values: unknown[] = []): Promise<T[]> {
    counted();
    // The manager's logger reports the statement (statementObserverLogger); this names it, which
    // a dynamicSql() statement otherwise is not.
    if (listener !== null) namesByText.set(statement.text, statement.name);
    try {
      return (await manager.query(statement.text, values)) as T[];
    } catch (error) {
      throw this.classify(error);
    }
  }

  async ping(): Promise<void> {
    const answered = listener === null ? undefined : listener({ name: null, text: 'SELECT 1', via: 'pool' });
    try {
      await this.pool.query('SELECT 1');
    } catch (error) {
      throw new DatabaseUnavailableError(error);
    } finally {
      if (answered) answered();
    }
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      // A transaction that cannot begin or commit because the database is down fails like a
      // statement does (SERVICE_UNAVAILABLE); any other error leaves as it came.
      const classified = this.classify(error);
      throw classified instanceof DatabaseUnavailableError ? classified : error;
    }
  }
}
