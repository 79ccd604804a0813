import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../src/common/logger';

/** The gateway's own logger, writing its JSON lines into `lines` for a test to read. */
export function captureLogs(level: string): { logger: Logger; lines: string[]; parsed(): Array<Record<string, any>> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, destination), lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, any>) };
}
