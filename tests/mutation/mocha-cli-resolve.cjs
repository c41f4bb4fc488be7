'use strict';
// Preloaded (NODE_OPTIONS=--require) by `npm run test:mutation` only. @stryker-mutator/mocha-runner
// 10.1.1 requires Mocha's cli internals without an extension (`mocha/lib/cli/run-helpers`), but
// Mocha 12 ships them as `.cjs`, so the plugin fails to load (stryker-js pull request 6205 fixes
// this upstream). This maps exactly those extensionless requests to the `.cjs` files; remove it
// once a mocha-runner release with that fix is installed.
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const CLI_INTERNAL = /[\\/]mocha[\\/]lib[\\/]cli[\\/][\w-]+$/;
const resolve = Module._resolveFilename;

Module._resolveFilename = function resolveMochaCli(request, parent, ...rest) {
  if (CLI_INTERNAL.test(request) && path.isAbsolute(request) && fs.existsSync(`${request}.cjs`)) {
    return resolve.call(this, `${request}.cjs`, parent, ...rest);
  }
  return resolve.call(this, request, parent, ...rest);
};
