// Prepares a fresh PGlite data directory in a process of its own, so that the service never pays
// for it: PGlite's initdb runs a second PostgreSQL inside the process, and the WebAssembly memory
// both grew (~780 MiB) is never given back. Measured: a service that prepared its own store sat
// at ~810 MiB after its first scan; one that opened a prepared directory, at its restart figure.
//
//   node pglite-prepare.mjs <dataDir> [<template.tar.gz>]  → <dataDir> holds a new database
//   node pglite-prepare.mjs --dump <out.tar.gz>           → a new database, dumped (npm run build)
//
// With a template (the dump the build made) there is no initdb: PGlite loads the files. A template
// that does not load (another PGlite version) falls back to initdb. Plain JavaScript, like the
// worker: it runs under plain node.
import { PGlite } from '@electric-sql/pglite';
import { Blob, Buffer } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { keepFilesPrivate, startParams } from './pglite-engine.mjs';

const open = async (options) => {
  const db = await PGlite.create({ ...options, startParams: startParams(PGlite) });
  await db.query('select 1');
  return db;
};

const [first, second] = process.argv.slice(2);
if (first === '--dump') {
  const db = await open({});
  writeFileSync(second, Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer()));
  await db.close();
  process.exit(0);
}

keepFilesPrivate();
const dataDir = first;
if (existsSync(join(dataDir, 'PG_VERSION'))) process.exit(0); // a database already: never touched
// Built beside the data, then moved in with PG_VERSION last: until PG_VERSION is there, nobody
// takes the directory for a database, and an interrupted move is simply prepared again.
const staging = join(dataDir, '.preparing');
const prepare = async (template) => {
  rmSync(staging, { recursive: true, force: true });
  const db = await open({ dataDir: staging, ...(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {}) });
  await db.close();
};
const template = second && existsSync(second) ? second : null;
try {
  await prepare(template);
} catch (error) {
  if (!template) throw error;
  process.stderr.write(`the prepared data directory ${template} did not load (${error.message}); running initdb instead\n`);
  await prepare(null);
}
const entries = readdirSync(staging).filter((name) => name !== 'PG_VERSION');
for (const name of [...entries, 'PG_VERSION']) {
  rmSync(join(dataDir, name), { recursive: true, force: true });
  renameSync(join(staging, name), join(dataDir, name));
}
rmSync(staging, { recursive: true, force: true });
