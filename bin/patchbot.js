#!/usr/bin/env node
// The `patchbot` command; exit codes: 0 ok, 1 failure, 2 usage error. It runs the compiled code in
// dist/ (`npm run build`) when that is built and no source is newer. Otherwise, in a checkout with
// dev dependencies, it runs the TypeScript sources through tsx, so editing needs no build step;
// without tsx (production install) it refuses rather than run stale or missing code.
/* global process */
import { distState } from './dist-state.js';

const state = distState();
let main;
if (state === 'fresh') {
  ({ main } = await import('../dist/src/main.js'));
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(`patchbot: dist/ is ${state} and tsx (a dev dependency) is not installed. Run "npm run build" first.\n`);
    process.exit(1);
  }
  register();
  ({ main } = await import('../src/main.ts'));
}
const code = await main(process.argv.slice(2));
// `start` resolves only after a graceful shutdown; everything else ends here.
process.exitCode = code;
