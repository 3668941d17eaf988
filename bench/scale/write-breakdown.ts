/**
 * `node --expose-gc --import tsx bench/scale/write-breakdown.ts [--hosts 10000] [--runs 3] [--only a,b] [--explain]`
 *
 * Where a first scan's time goes on PostgreSQL (issue #20: ingest against the plain insert). Each
 * variant is the estate's first scan through the ScanWriter on a new database with parts of the
 * write path taken away by DDL (an index dropped, findings' triggers disabled), beside the bare
 * `unnest` insert of the same rows on that database, so each part's cost reads as the
 * difference. Variants run interleaved, `runs` rounds; the median of each is printed, with the
 * time per statement of the last round. `--explain` prints EXPLAIN ANALYZE of one mid-scan batch
 * of the scan writer's statement instead of running it (that batch's hosts are then stored by it).
 * A diagnostic: the variants are not products, and nothing here is written to bench/RESULTS.md.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from '../../adapters/postgres/migrate.ts';
import { openSqlClient } from '../../adapters/postgres/open-store.ts';
import type { SqlClient } from '../../adapters/postgres/sql-client.ts';
import { sqlStore } from '../../adapters/postgres/sql-store.ts';
import { startCluster } from '../../test/support/postgres-cluster.ts';
import { ingest, inventory, plainInsert } from './estate.ts';

const { values } = parseArgs({
  options: { hosts: { type: 'string', default: '10000' }, runs: { type: 'string', default: '3' }, only: { type: 'string' }, explain: { type: 'boolean', default: false } },
});
const size = Number(values.hosts);
const NO_TRIGGERS = 'alter table findings disable trigger user';
const VARIANTS: Record<string, string[]> = {
  'as shipped': [],
  'without findings_by_patch': ['drop index findings_by_patch'],
  'without host_open_findings triggers (011)': ['alter table findings disable trigger findings_inserted', 'alter table findings disable trigger findings_updated'],
  'without needing-count triggers (014)': ['alter table findings disable trigger needing_inserted', 'alter table findings disable trigger needing_updated'],
  'without any findings trigger': [NO_TRIGGERS],
  'primary key only, no trigger': [NO_TRIGGERS, 'drop index findings_by_patch', 'drop index findings_closed_changed_at'],
};
const chosen = Object.entries(VARIANTS).filter(([name]) => !values.only || values.only.split(',').some((o) => name.includes(o)));

/** Times each statement by its first 70 characters; with --explain, one mid-scan batch is explained instead. */
const timed = (client: SqlClient, times: Map<string, { n: number; ms: number }>, batch = { n: 0 }): SqlClient => ({
  ...client,
  engine: client.engine,
  query: async <Row>(text: string, params?: unknown[]): Promise<Row[]> => {
    if (values.explain && text.includes('with h as') && ++batch.n === 80) {
      const plan = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, params);
      process.stdout.write(`${plan.map((r) => r['QUERY PLAN']).join('\n')}\n`);
      return [];
    }
    const started = performance.now();
    try {
      return await client.query<Row>(text, params);
    } finally {
      const key = text.replace(/\s+/g, ' ').trim().slice(0, 70);
      const t = times.get(key) ?? { n: 0, ms: 0 };
      t.n++;
      t.ms += performance.now() - started;
      times.set(key, t);
    }
  },
  exec: (text) => client.exec(text),
  executeSql: (text, params) => client.executeSql(text, params),
  transaction: (work) => client.transaction((tx) => work(timed(tx, times, batch))),
  close: () => client.close(),
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cluster = await startCluster();
const results = new Map<string, { ingest: number[]; plain: number[] }>(chosen.map(([name]) => [name, { ingest: [], plain: [] }]));
let db = 0;
try {
  for (let round = 0; round < Number(values.runs); round++) {
    for (const [name, ddl] of chosen) {
      const admin = new pg.Client({ connectionString: cluster.url });
      await admin.connect();
      await admin.query(`create database breakdown_${db}`);
      await admin.end();
      const times = new Map<string, { n: number; ms: number }>();
      const sql = timed(await openSqlClient(cluster.url.replace(/\/[^/]*$/, `/breakdown_${db++}`)), times);
      await migrate(sql);
      const store = sqlStore(sql);
      const { hosts, groups } = inventory(size);
      await store.hosts.sync(hosts);
      await store.groups.sync(groups);
      for (const statement of ddl) await sql.query(statement);
      times.clear();
      const now = new Date();
      const seconds = await ingest(store, size, 'bench-scan-1', now);
      const plainSeconds = await plainInsert(sql, size, 'bench-scan-1', now);
      results.get(name)!.ingest.push(size / seconds);
      results.get(name)!.plain.push(size / plainSeconds);
      process.stderr.write(`round ${round + 1}: ${name}: ${(size / seconds).toFixed(0)} hosts/s, bare insert ${(size / plainSeconds).toFixed(0)}\n`);
      if (round === Number(values.runs) - 1)
        for (const [key, t] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) process.stderr.write(`    ${t.ms.toFixed(0).padStart(6)} ms ${String(t.n).padStart(5)}× ${key}\n`);
      await store.close();
      // Each variant's database goes once measured: a cluster holding a dozen 500,000-finding databases slowed later rounds by a third.
      const drop = new pg.Client({ connectionString: cluster.url });
      await drop.connect();
      await drop.query(`drop database breakdown_${db - 1}`);
      await drop.end();
    }
  }
} finally {
  cluster.stop();
}
process.stdout.write(`| ${size.toLocaleString('en')} hosts, PostgreSQL, first scan | ingest hosts/s (median) | bare insert hosts/s | ingest / bare |\n|---|---:|---:|---:|\n`);
for (const [name, r] of results)
  process.stdout.write(`| ${name} | ${median(r.ingest).toFixed(0)} | ${median(r.plain).toFixed(0)} | ${((100 * median(r.ingest)) / median(r.plain)).toFixed(0)} % |\n`);
