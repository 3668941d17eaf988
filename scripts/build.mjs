#!/usr/bin/env node
// `npm run build`: tsc (type errors fail it) into dist/, then the files the adapters read next to
// their code at run time (migrations, the PGlite worker, the console page). config/ and playbooks/
// stay at the package root, found from there (src/shared/package-root.ts). `--if-stale` (used by
// `npm start`) builds only when bin/dist-state.js says dist/ is missing or older than its sources.
/* global process, console */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { distState, ROOT, STAMP } from '../bin/dist-state.js';

// Copied next to their compiled module, at the same relative path as in the sources.
const ASSETS = ['adapters/postgres/migrations', 'adapters/postgres/pglite-worker.mjs', 'adapters/console/page'];

if (process.argv.includes('--if-stale') && distState() === 'fresh') process.exit(0);

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('patchbot build: tsc failed; dist/ is not usable');
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  process.exit(result.status ?? 1);
}
for (const asset of ASSETS) cpSync(join(ROOT, asset), join(ROOT, 'dist', asset), { recursive: true });
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
