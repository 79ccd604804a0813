'use strict';
/**
 * `node -r ./test/support/swc-register.js file.ts`: runs TypeScript in a child process the way
 * jest does (swc with the project's .swcrc: legacy decorators and their metadata), in a fraction
 * of ts-node's start-up time. Used by tests that need a second process (a worker killed mid-feed).
 */
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const swcrc = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../.swcrc'), 'utf8'));
delete swcrc.$schema;

require.extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swcrc, filename, swcrc: false, sourceMaps: 'inline' });
  module._compile(code, filename);
};
