/**
 * `npm run bench:scale -- --label after [--sizes pglite:10000,postgres:10000,postgres:100000] [--runs 7]`
 *
 * Each case runs in its own process (bench/scale/case.ts) against an empty store: PGlite in memory,
 * or a database of its own on a throwaway PostgreSQL cluster this script starts on a free port.
 * Results go to bench/scale/results-<label>.json; the scale section of bench/RESULTS.md is then
 * rewritten from every label present, so "before" and "after" sit side by side.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { startCluster } from '../../test/support/postgres-cluster.ts';
import { type CaseResult, writeScaleSection } from './results.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: { label: { type: 'string', default: 'after' }, sizes: { type: 'string', default: 'pglite:10000,postgres:10000,postgres:100000' }, runs: { type: 'string', default: '7' } },
});
const cases = values.sizes.split(',').map((s) => {
  const [engine, hosts] = s.split(':');
  if ((engine !== 'pglite' && engine !== 'postgres') || !Number(hosts)) throw new Error(`--sizes takes engine:hosts pairs (pglite:10000,postgres:100000), got ${s}`);
  return { engine, hosts: Number(hosts) };
});

const cluster = cases.some((c) => c.engine === 'postgres') ? await startCluster() : null;
const results: CaseResult[] = [];
try {
  for (const [i, c] of cases.entries()) {
    let target = 'pglite';
    if (c.engine === 'postgres') {
      const admin = new pg.Client({ connectionString: cluster!.url });
      await admin.connect();
      await admin.query(`create database scale_${i}`);
      await admin.end();
      target = cluster!.url.replace(/\/[^/]*$/, `/scale_${i}`);
    }
    process.stderr.write(`${c.engine} ${c.hosts} hosts…\n`);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'case.ts'), target, String(c.hosts), values.runs, join(import.meta.dirname, `explain-${values.label}-${c.engine}-${c.hosts}.md`)],
      {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' },
      },
    );
    const result = JSON.parse(stdout) as CaseResult;
    results.push(result);
    process.stderr.write(`  ingest ${result.ingest.hostsPerSecond.toFixed(0)} hosts/s (plain ${result.ingest.plainHostsPerSecond.toFixed(0)})\n`);
    for (const r of result.results) process.stderr.write(`  ${r.name}: ${r.patchbot.map((n) => n.toFixed(0)).join(' ')} | sql ${r.sql.map((n) => n.toFixed(0)).join(' ')}\n`);
  }
} finally {
  cluster?.stop();
}
const file = join(import.meta.dirname, `results-${values.label}.json`);
writeFileSync(file, `${JSON.stringify({ label: values.label, measuredAt: new Date().toISOString(), cases: results }, null, 1)}\n`);
writeScaleSection(join(ROOT, 'bench', 'RESULTS.md'), import.meta.dirname);
process.stderr.write(`wrote ${file} and bench/RESULTS.md\n`);
