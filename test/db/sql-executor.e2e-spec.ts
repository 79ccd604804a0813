import { DatabaseError, DatabaseUnavailableError } from '../../src/common/errors/domain-errors';
import { newRequestContext, runInRequestContext } from '../../src/common/request-context';
import { dynamicSql, observeStatements, sql, SqlExecutor, sqlStatementCount, type ObservedStatement } from '../../src/db/sql-executor';
import { createTestDatabase, usingPostgresServer, type TestDatabase } from '../support/database';

/**
 * The SQL executor on a real database of its own (PGlite restored from the migrated snapshot, or
 * a fresh database on the Postgres server): statement names, the statement counters, the
 * statement observer, transactions that roll back, and how failures are classified, the database
 * closed under it last.
 */
describe('SqlExecutor', () => {
  let database: TestDatabase;
  let db: SqlExecutor;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new SqlExecutor(database.handle.dataSource, database.handle.isOpen);
    await db.manager.query('CREATE TABLE executor_probe (id integer PRIMARY KEY, name text NOT NULL)');
  });
  afterAll(() => database?.drop());

  const PROBE_BY_ID = sql(
    'executor_probe_by_id',
    `SELECT id, name
       FROM executor_probe
      WHERE id = $1`,
  );
  const names = async () => (await db.rows<{ name: string }>(sql('executor_probe_names', 'SELECT name FROM executor_probe ORDER BY id'))).map((row) => row.name);

  describe('statements', () => {
    it('sql() keeps the name and puts the text on one line', () => {
      expect(PROBE_BY_ID).toEqual({ name: 'executor_probe_by_id', text: 'SELECT id, name FROM executor_probe WHERE id = $1' });
    });

    it('dynamicSql() names a text by its prefix and a hash: the same text the same name, another text another', () => {
      const a = dynamicSql('probe', 'SELECT 1  AS one');
      expect(a.text).toBe('SELECT 1 AS one');
      expect(a.name).toMatch(/^probe_[0-9a-z]+_[0-9a-z]+$/);
      expect(dynamicSql('probe', ' SELECT 1\nAS one ').name).toBe(a.name);
      expect(dynamicSql('probe', 'SELECT 2 AS one').name).not.toBe(a.name);
    });

    it('rows() answers plain rows, a named statement many times with other values', async () => {
      await db.manager.query(`INSERT INTO executor_probe (id, name) VALUES (1, 'one'), (2, 'two')`);
      expect(await db.rows(PROBE_BY_ID, [1])).toEqual([{ id: 1, name: 'one' }]);
      expect(await db.rows(PROBE_BY_ID, [2])).toEqual([{ id: 2, name: 'two' }]);
      expect(await db.rows(PROBE_BY_ID, [3])).toEqual([]);
    });

    it('counts each statement of rows() and rowsIn(), process-wide and for the request it runs in', async () => {
      const before = sqlStatementCount();
      await db.rows(PROBE_BY_ID, [1]);
      await db.transaction((manager) => db.rowsIn(manager, PROBE_BY_ID, [2]));
      expect(sqlStatementCount() - before).toBe(2);

      const context = newRequestContext('counted-request');
      await runInRequestContext(context, async () => {
        await db.rows(PROBE_BY_ID, [1]);
        await db.rows(PROBE_BY_ID, [2]);
        await db.rows(PROBE_BY_ID, [3]);
      });
      expect(context.sqlStatements).toBe(3);
    });
  });

  describe('the statement observer', () => {
    it('is told of each statement as it is sent, pooled ones named and answered, transactions through TypeORM', async () => {
      const seen: Array<ObservedStatement & { answered?: boolean }> = [];
      const stop = observeStatements((statement) => {
        const entry: ObservedStatement & { answered?: boolean } = { ...statement };
        seen.push(entry);
        return statement.via === 'pool' ? () => (entry.answered = true) : undefined;
      });
      try {
        await db.rows(PROBE_BY_ID, [1]);
        await db.transaction((manager) => db.rowsIn(manager, dynamicSql('probe_dynamic', 'SELECT name FROM executor_probe WHERE id = $1'), [2]));
      } finally {
        stop();
      }
      expect(seen[0]).toEqual({ name: 'executor_probe_by_id', text: PROBE_BY_ID.text, via: 'pool', answered: true });
      const inTransaction = seen.slice(1);
      expect(inTransaction.every((statement) => statement.via === 'typeorm')).toBe(true);
      // BEGIN and COMMIT are TypeORM's own (no name); the statement inside has its dynamicSql() name.
      expect(inTransaction.map((statement) => statement.name)).toEqual([null, expect.stringMatching(/^probe_dynamic_/), null]);
      expect(inTransaction[0]!.text).toMatch(/^START TRANSACTION|^BEGIN/);
      expect(inTransaction[2]!.text).toBe('COMMIT');

      // Nothing is observed once stopped.
      const after = seen.length;
      await db.rows(PROBE_BY_ID, [1]);
      expect(seen).toHaveLength(after);
    });

    it('has one observer at a time', () => {
      const stop = observeStatements(() => undefined);
      try {
        expect(() => observeStatements(() => undefined)).toThrow(/already being observed/);
      } finally {
        stop();
      }
    });
  });

  describe('transactions', () => {
    it('commit what the work wrote when it returns, and hand back its result', async () => {
      const result = await db.transaction(async (manager) => {
        await manager.query(`INSERT INTO executor_probe (id, name) VALUES (10, 'ten')`);
        return 'done';
      });
      expect(result).toBe('done');
      expect(await names()).toContain('ten');
    });

    it('roll back everything the work wrote when it throws, and rethrow its error as it came', async () => {
      const failure = new Error('the work failed');
      const outcome = db.transaction(async (manager) => {
        await manager.query(`INSERT INTO executor_probe (id, name) VALUES (20, 'twenty')`);
        await manager.query(`UPDATE executor_probe SET name = 'changed' WHERE id = 1`);
        throw failure;
      });
      await expect(outcome).rejects.toBe(failure);
      expect(await names()).not.toContain('twenty');
      expect(await names()).toContain('one');
      expect(await names()).not.toContain('changed');
    });

    it('roll back when a statement inside fails, which leaves as the driver gave it', async () => {
      const outcome = db.transaction(async (manager) => {
        await manager.query(`INSERT INTO executor_probe (id, name) VALUES (30, 'thirty')`);
        await manager.query(`INSERT INTO executor_probe (id, name) VALUES (30, 'again')`);
      });
      await expect(outcome).rejects.toMatchObject({ message: expect.stringMatching(/duplicate key/) });
      expect(await names()).not.toContain('thirty');
    });
  });

  describe('failures', () => {
    it('a failing statement is a masked DatabaseError (INTERNAL_SERVER_ERROR) with the driver error as its cause', async () => {
      const error = await db.rows(sql('executor_probe_missing', 'SELECT * FROM no_such_table')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as DatabaseError).code).toBe('INTERNAL_SERVER_ERROR');
      expect((error as DatabaseError).message).not.toMatch(/no_such_table/);
      expect(String(((error as Error).cause as Error).message)).toMatch(/no_such_table/);
    });

    it('a statement inside a transaction fails the same way through rowsIn()', async () => {
      const outcome = db.transaction((manager) => db.rowsIn(manager, sql('executor_probe_missing_in', 'SELECT * FROM no_such_table')));
      await expect(outcome).rejects.toBeInstanceOf(DatabaseError);
    });

    it('once the database is closed, statements, pings and transactions are SERVICE_UNAVAILABLE', async () => {
      await database.handle.close();
      for (const attempt of [db.rows(PROBE_BY_ID, [1]), db.ping(), db.transaction((manager) => manager.query('SELECT 1'))]) {
        const error = await attempt.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatabaseUnavailableError);
        expect((error as DatabaseUnavailableError).code).toBe('SERVICE_UNAVAILABLE');
      }
    });
  });

  it('knows the embedded database’s change signals, and that Postgres has none', () => {
    if (usingPostgresServer()) expect(db.changes).toBeNull();
    else expect(db.changes).not.toBeNull();
  });
});
