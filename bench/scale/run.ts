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
import { startCluster } from '../../test/support/postgres-cluster.ts';
import { caseTarget, parseSizes } from './sizes.ts';
import { type CaseResult, writeScaleSection } from './results.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: { label: { type: 'string', default: 'after' }, sizes: { type: 'string', default: 'pglite:10000,postgres:10000,postgres:100000' }, runs: { type: 'string', default: '7' } },
});
const cases = parseSizes(values.sizes);

const cluster = cases.some((c) => c.engine === 'postgres') ? await startCluster() : null;
const results: CaseResult[] = [];
try {
  for (const [i, c] of cases.entries()) {
    const target = await caseTarget(c, cluster?.url, `scale_${i}`);
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
