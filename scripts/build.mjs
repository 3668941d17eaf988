#!/usr/bin/env node
// `npm run build`: tsc (type errors fail it) into dist/, then the files the adapters read next to
// their code at run time (migrations, the PGlite worker and its preparer, the console page), and a
// new PGlite database's files (dist/pglite-datadir.tar.gz, ~4.5 MB). config/ and playbooks/
// stay at the package root, found from there (src/shared/package-root.ts). `--if-stale` (used by
// `npm start`) builds only when bin/dist-state.js says dist/ is missing or older than its sources.
/* global process, console */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { distState, ROOT, STAMP } from '../bin/dist-state.js';

// Copied next to their compiled module, at the same relative path as in the sources.
const ASSETS = [
  'adapters/postgres/migrations',
  'adapters/postgres/pglite-worker.mjs',
  'adapters/postgres/pglite-engine.mjs',
  'adapters/postgres/pglite-prepare.mjs',
  'adapters/console/page',
];

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
// A new PGlite database's files, dumped once here: a fresh data directory loads them instead of
// running initdb (adapters/postgres/pglite-client.ts). Without them it still works, by initdb.
const prepared = spawnSync(process.execPath, [join(ROOT, 'dist/adapters/postgres/pglite-prepare.mjs'), '--dump', join(ROOT, 'dist/pglite-datadir.tar.gz')], { stdio: 'inherit' });
if (prepared.status !== 0) {
  console.error('patchbot build: could not prepare the PGlite data directory');
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  process.exit(prepared.status ?? 1);
}
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
