import 'reflect-metadata';
import { serve } from './composition/serve';
import { errorLine, exitCodeFor } from './composition/exit-codes';

/** `npm start`: the gateway (src/composition/serve.ts), with the exit codes of `newsgate serve`. */
if (require.main === module) {
  // The same one line and exit code as `newsgate serve` (3: the database cannot be opened).
  serve().catch((error) => {
    process.stderr.write(`newsgate failed to start: ${(errorLine(error) ?? '').replace(/^error: /, '')}\n`);
    process.exit(exitCodeFor(error));
  });
}
