import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A database of a bench's own on the server `serverUrl` names, dropped when the bench is done. */
export interface ScratchDatabase {
  name: string;
  /** `serverUrl` with the scratch database's name in place of its own. */
  url: string;
  drop: () => Promise<void>;
}

/** Creates `<prefix>_<random hex>` on the server of `serverUrl` (connecting to the database it names to do so). */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
