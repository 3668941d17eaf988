/**
 * One engine at one size, in a process of its own (so its peak RSS is its own):
 *   node --import tsx bench/scale/case.ts <pglite|postgres-url> <hosts> <runs>
 * Builds the estate through patchbot's write paths, times the plain-insert baseline, then asks
 * every question `runs` times (after one unmeasured warm-up), patchbot and the hand-written SQL
 * interleaved. Prints one JSON document on stdout.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { migrate } from '../../adapters/postgres/migrate.ts';
import { openSqlClient } from '../../adapters/postgres/open-store.ts';
import { sqlStore } from '../../adapters/postgres/sql-store.ts';
import { hostName, ingest, inventory, plainInsert } from './estate.ts';
import { type Captured, explainAll, recording } from './explain.ts';
import { questions } from './questions.ts';

const [target, sizeText, runsText, explainTo] = process.argv.slice(2);
const size = Number(sizeText);
const runs = Number(runsText ?? 5);
const url = target === 'pglite' ? 'pglite://memory' : target!;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);

const time = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

const sql = await openSqlClient(url);
await migrate(sql);
const recorder: { capture: Captured[] | null } = { capture: null };
const store = sqlStore(recording(sql, recorder));
const now = new Date();
const load = [loadavg()[0]!];
const { hosts, groups } = inventory(size);
const syncMs = await time(async () => {
  await store.hosts.sync(hosts);
  await store.groups.sync(groups);
});
const ingestSeconds = await ingest(store, size, 'bench-scan-1', now);
const ingestRss = peakRss;
const plainSeconds = await plainInsert(sql, size, 'bench-scan-1', now);
await sql.query('analyze');
const findings = (await sql.query<{ n: number }>('select count(*)::int as n from findings'))[0]!.n;

const results: { name: string; patchbot: number[]; sql: number[] }[] = [];
for (const q of questions(store, size, now)) {
  // The whole-estate compliance report was seconds before: fewer runs where one takes that long.
  const first = await time(q.patchbot);
  const n = first > 5000 ? Math.min(runs, 2) : runs;
  const row = { name: q.name, patchbot: [] as number[], sql: [] as number[] };
  if (q.sql) await sql.query(q.sql[0], q.sql[1]);
  for (let i = 0; i < n; i++) {
    row.patchbot.push(await time(q.patchbot));
    if (q.sql) {
      const [text, params] = q.sql;
      row.sql.push(await time(() => sql.query(text, params)));
    }
  }
  results.push(row);
}
// Last, so it cannot disturb the timings: the plans of every statement each answer issues.
if (explainTo && target !== 'pglite') {
  const sections: string[] = [];
  for (const q of questions(store, size, now)) {
    recorder.capture = [];
    await q.patchbot();
    const statements = recorder.capture;
    recorder.capture = null;
    // The whole-estate report issues hundreds of batch reads: one of each kind is the plan.
    sections.push(await explainAll(sql, q.name, statements.slice(0, 40)));
  }
  writeFileSync(explainTo, `# EXPLAIN (ANALYZE, BUFFERS) of patchbot's statements, ${size.toLocaleString('en-US')} hosts, PostgreSQL\n\n${sections.join('\n')}`);
}
load.push(loadavg()[0]!);
clearInterval(sampler);
await store.close();
process.stdout.write(
  JSON.stringify({
    engine: target === 'pglite' ? 'PGlite' : 'PostgreSQL',
    hosts: size,
    findings,
    syncMs,
    ingest: { hostsPerSecond: size / ingestSeconds, plainHostsPerSecond: size / plainSeconds, peakRss: ingestRss },
    peakRss,
    load,
    sample: hostName(0),
    results,
  }),
);
