/**
 * `npm run bench:scale:writes -- [--label after] [--sizes pglite:10000,postgres:10000,postgres:100000] [--runs 5] [--inventory 100000]`
 *
 * The write side of issue #20, apart from the answers (bench/scale/run.ts) so each side can be
 * re-run alone: ingest beside the plain inserts, the digest of a first scan, planning a change
 * for every host (bench/scale/writes-case.ts, one process per case, each on an empty store), and
 * loading a config whose inventory file holds `--inventory` hosts, each load in a new process
 * (bench/scale/inventory-load.ts). Results go to bench/scale/writes-<label>.json and the
 * "scale — writing and loading" section of bench/RESULTS.md.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startCluster } from '../../test/support/postgres-cluster.ts';
import { caseTarget, parseSizes } from './sizes.ts';
import { type WritesCase, type InventoryLoad, writeWritesSection } from './writes-results.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    label: { type: 'string', default: 'after' },
    sizes: { type: 'string', default: 'pglite:10000,postgres:10000,postgres:100000' },
    runs: { type: 'string', default: '5' },
    inventory: { type: 'string', default: '100000' },
  },
});
const run = promisify(execFile);
const node = (args: string[]) =>
  run(process.execPath, ['--expose-gc', '--import', 'tsx', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' },
  });

const cases = parseSizes(values.sizes);
const cluster = cases.some((c) => c.engine === 'postgres') ? await startCluster() : null;
const results: WritesCase[] = [];
try {
  for (const [i, c] of cases.entries()) {
    const target = await caseTarget(c, cluster?.url, `writes_${i}`);
    process.stderr.write(`${c.engine} ${c.hosts} hosts…\n`);
    const { stdout } = await node([join(import.meta.dirname, 'writes-case.ts'), target, String(c.hosts), values.runs]);
    const result = JSON.parse(stdout) as WritesCase;
    results.push(result);
    const { ingest } = result;
    process.stderr.write(
      `  ingest ${ingest.hostsPerSecond.toFixed(0)} hosts/s (plain ${ingest.plainHostsPerSecond.toFixed(0)}, with indexes ${ingest.plainIndexedHostsPerSecond.toFixed(0)}); digest as posted ${(result.digestPosted ?? []).map((n) => n.toFixed(0)).join(' ')} ms, as text ${result.digest.map((n) => n.toFixed(0)).join(' ')} ms; plan ${result.plan.map((n) => n.toFixed(0)).join(' ')} ms\n`,
    );
  }
} finally {
  cluster?.stop();
}
const inventory: InventoryLoad[] = [];
const size = Number(values.inventory);
if (size > 0) {
  process.stderr.write(`inventory of ${size} hosts…\n`);
  const { stdout } = await node([join(import.meta.dirname, 'inventory-load.ts'), String(size)]);
  inventory.push(...(JSON.parse(stdout) as InventoryLoad[]));
  for (const l of inventory) process.stderr.write(`  ${l.file} (${l.phase}): ${l.ms.toFixed(0)} ms\n`);
}
const file = join(import.meta.dirname, `writes-${values.label}.json`);
writeFileSync(file, `${JSON.stringify({ label: values.label, measuredAt: new Date().toISOString(), cases: results, inventory }, null, 1)}\n`);
writeWritesSection(join(ROOT, 'bench', 'RESULTS.md'), import.meta.dirname);
process.stderr.write(`wrote ${file} and bench/RESULTS.md\n`);
