import type { Pool, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { DatabaseUnavailableError, wrapDatabaseError } from '../common/errors/domain-errors';
import { currentRequest } from '../common/request-context';
import { changeSignalsOf, type ChangeSignals } from './change-signals';

/**
 * A named SQL statement. The name makes node-postgres prepare the statement once per connection
 * and reuse the plan on every later call, which is most of what a hand-written server gains over
 * an ORM on hot reads.
 */
export interface SqlStatement {
  readonly name: string;
  readonly text: string;
}

export function sql(name: string, text: string): SqlStatement {
  return { name, text: text.replace(/\s+/g, ' ').trim() };
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

  private classify(error: unknown) {
    return this.isOpen() ? wrapDatabaseError(error) : new DatabaseUnavailableError(error);
  }

  async rows<T extends QueryResultRow>(statement: SqlStatement, values: unknown[] = []): Promise<T[]> {
    counted();
    try {
      const result = await this.pool.query<T>({ name: statement.name, text: statement.text, values });
      return result.rows;
    } catch (error) {
      throw this.classify(error);
    }
  }

  /** Runs inside a TypeORM transaction: the manager's connection, never the pool (PGlite has one). */
  async rowsIn<T extends QueryResultRow>(manager: EntityManager, statement: SqlStatement, values: unknown[] = []): Promise<T[]> {
    counted();
    try {
      return (await manager.query(statement.text, values)) as T[];
    } catch (error) {
      throw this.classify(error);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (error) {
      throw new DatabaseUnavailableError(error);
    }
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
