import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const file = process.env.NEWSGATE_PGLITE_SNAPSHOT;
  if (file) rmSync(file, { force: true });
}
