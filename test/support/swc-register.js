'use strict';
/**
 * `node -r ./test/support/swc-register.js file.ts`: runs TypeScript in a child process the way
 * jest does (swc with the project's .swcrc: legacy decorators and their metadata), in a fraction
 * of ts-node's start-up time. Used by tests that need a second process (a worker killed mid-feed,
 * the `newsgate` command line). Compiled files are cached in the system's temporary folder by a
 * hash of their text, swc's version and the .swcrc, so the CLI tests' many short processes compile
 * the sources once.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
// swc itself is loaded only when something is not cached yet (it takes a good part of a second).
const swcVersion = require('@swc/core/package.json').version;

const swcrcText = fs.readFileSync(path.resolve(__dirname, '../../.swcrc'), 'utf8');
const swcrc = JSON.parse(swcrcText);
delete swcrc.$schema;
const cacheDir = path.join(os.tmpdir(), `newsgate-swc-${crypto.createHash('sha1').update(`${swcVersion}\0${swcrcText}`).digest('hex').slice(0, 12)}`);

require.extensions['.ts'] = function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const cached = path.join(cacheDir, `${crypto.createHash('sha1').update(`${filename}\0${source}`).digest('hex')}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = require('@swc/core').transformSync(source, { ...swcrc, filename, swcrc: false, sourceMaps: 'inline' }).code;
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed: a process reading the cache never sees half a file.
      const partial = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, cached);
    } catch {
      // A read-only or full temporary folder only costs the compilation next time.
    }
  }
  module._compile(code, filename);
};
