#!/usr/bin/env node
// Writes test/support/file-timings.json, the seconds each test file took, from a full run's JSON
// report: the suite's sequencer (test/support/slowest-first.ts) starts the slowest files first.
//   npx vitest run --reporter=default --reporter=json --outputFile.json=/tmp/run.json
//   node scripts/test-timings.mjs /tmp/run.json
// Refresh it when a file's time changes a lot, or after adding a slow file.
/* global process, console */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'test', 'support', 'file-timings.json');
const [report] = process.argv.slice(2);
if (!report) {
  console.error('usage: node scripts/test-timings.mjs <vitest JSON report>');
  process.exit(2);
}
const { testResults } = JSON.parse(readFileSync(report, 'utf8'));
// The checkout the report was made in (a fresh clone, say): the directory all its files share.
const runRoot = testResults
  .map((file) => dirname(file.name))
  .reduce((common, dir) => {
    while (dir !== common && !dir.startsWith(`${common}${sep}`)) common = dirname(common);
    return common;
  });
const timings = testResults.map((file) => [relative(runRoot, file.name), Math.round((file.endTime - file.startTime) / 100) / 10]).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
writeFileSync(OUT, `${JSON.stringify(Object.fromEntries(timings), null, 2)}\n`);
console.log(`${timings.length} files written to ${relative(ROOT, OUT)}`);
