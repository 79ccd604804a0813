import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/common/logger';
import { openDatabase } from '../../src/db/data-source';
import { SqlExecutor } from '../../src/db/sql-executor';
import { createGateway } from '../../src/composition/gateway';
import { seed } from '../../src/seed/seed';

/**
 * So that `npm run example` works on a fresh machine with nothing running: the real gateway on
 * an in-memory embedded database holding the bundled sample page, on a free local port. This is
 * start-up plumbing only; the app itself talks to it over HTTP like to any other gateway.
 */
export async function startEmbeddedGateway(): Promise<{ url: string; stop(): Promise<void> }> {
  const config = loadConfig({ DATA_DIR: 'memory://', WORKER_ENABLED: 'false', LOG_LEVEL: 'warn' });
  const database = await openDatabase(config);
  const db = new SqlExecutor(database.dataSource, database.isOpen);
  await seed(db);
  const gateway = await createGateway({ config, db, logger: createLogger('warn') });
  const server: Server = await gateway.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    async stop() {
      // The app is done with it: its kept-alive connections go now, not after the gateway's idle timeout.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await gateway.stop();
      await database.close();
    },
  };
}
