/**
 * `node --expose-gc --import tsx bench/scale/per-host/run.ts [--engine postgres|pglite] [--hosts 10000] [--runs 2] [--reads]`
 *
 * Issue #20 bounds ingest at 80 % of a bare insert of the same rows. The shipped model (a row per
 * finding) cannot reach it (bench/RESULTS.md, "first-scan ingest, part by part"); this measures
 * the one that writes fewer rows (model.ts), side by side on one machine in one process:
 * - writes: per round, on a new database each, the estate's first scan and the next day's rescan
 *   through the shipped scan writer's statement (recordScanBatch) and through the per-host one,
 *   each beside the bare insert of the same rows (plainInsert). Both are driven the same way: one
 *   64-host batch after another, the report's JavaScript work (fingerprint, JSON) included;
 * - `--reads`: the reads by patch the answers rest on (reads.ts) in both models, on the estates
 *   the last round wrote (p50 and max of 5 after one unmeasured).
 * A diagnostic for a storage decision, not a product path: nothing here writes bench/RESULTS.md.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { migrate } from '../../../adapters/postgres/migrate.ts';
import { openSqlClient } from '../../../adapters/postgres/open-store.ts';
import { recordScanBatch } from '../../../adapters/postgres/scan-batch.ts';
import type { SqlClient } from '../../../adapters/postgres/sql-client.ts';
import { sqlStore } from '../../../adapters/postgres/sql-store.ts';
import { startCluster } from '../../../test/support/postgres-cluster.ts';
import { catalog, type HostScanOf, inventory, plainInsert, rescanOf, scanOf } from '../estate.ts';
import { PER_HOST_SCHEMA, PER_HOST_WRITE } from './model.ts';
import { MODEL_READS } from './reads.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    hosts: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '2' },
    reads: { type: 'boolean', default: false },
  },
});
const size = Number(values.hosts);
const MODELS = ['shipped', 'per host'] as const;
type Model = (typeof MODELS)[number];

const fingerprint = (ids: readonly string[], states: readonly string[]): string => {
  const hash = createHash('sha256');
  for (const k of ids.map((_, i) => i).sort((a, b) => (ids[a]! < ids[b]! ? -1 : 1))) hash.update(`${ids[k]}\t${states[k]}\n`);
  return hash.digest('base64');
};

/** One scan of the estate written by `model`, one 64-host batch after another; returns seconds. */
const writeScan = async (sql: SqlClient, model: Model, scanId: string, now: Date, scan: HostScanOf): Promise<number> => {
  const patches = catalog();
  const started = performance.now();
  for (let from = 0; from < size; from += 64) {
    const writes = Array.from({ length: Math.min(64, size - from) }, (_, k) => scan(from + k, scanId, now, patches));
    if (model === 'shipped') {
      await recordScanBatch(sql, writes);
      continue;
    }
    const hosts = writes.map(({ result: r, findings }) => {
      const ids = findings?.map((f) => f.patchId);
      const states = findings?.map((f) => f.state);
      return {
        ...{ scan_id: r.scanId, host: r.host, outcome: r.outcome, error: r.error ?? null, started_at: r.startedAt.toISOString(), finished_at: r.finishedAt.toISOString() },
        ...{ reboot_required: r.rebootRequired ?? null, os_name: r.osName ?? null, installed: r.installed ?? [], missing_count: r.missingCount ?? null, warnings: r.warnings ?? [] },
        ...(ids && states ? { patch_ids: ids, states, fingerprint: fingerprint(ids, states) } : {}),
      };
    });
    await sql.transaction(async (tx) => {
      await tx.query('set local jit = off');
      await tx.query(PER_HOST_WRITE, [JSON.stringify(hosts)]);
    });
  }
  return (performance.now() - started) / 1000;
};

const cluster = values.engine === 'postgres' ? await startCluster() : null;
const admin = cluster ? await openSqlClient(cluster.url) : null;
const open = async (name: string): Promise<SqlClient> => {
  if (!cluster || !admin) return openSqlClient('pglite://memory');
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  return openSqlClient(cluster.url.replace(/\/[^/]*$/, `/${name}`));
};
const rows: string[] = [];
const kept = new Map<Model, SqlClient>();
try {
  for (let round = 1; round <= Number(values.runs); round++) {
    for (const model of MODELS) {
      await kept.get(model)?.close();
      const sql = await open(model === 'shipped' ? 'model_shipped' : 'model_per_host');
      await migrate(sql);
      const store = sqlStore(sql);
      const { hosts, groups } = inventory(size);
      await store.hosts.sync(hosts);
      await store.groups.sync(groups);
      const now = new Date();
      const next = new Date(now.getTime() + 86_400_000);
      await store.scans.start(
        'scan-1',
        'bench',
        hosts.map((h) => h.name),
        now,
      );
      await store.scans.start(
        'scan-2',
        'bench',
        hosts.map((h) => h.name),
        next,
      );
      await store.patches.upsert(catalog(), 'scan-1');
      if (model === 'per host') await sql.exec(PER_HOST_SCHEMA);
      (globalThis as { gc?: () => void }).gc?.();
      const first = await writeScan(sql, model, 'scan-1', now, scanOf);
      const bare = await plainInsert(sql, size, 'scan-1', now);
      const rescan = await writeScan(sql, model, 'scan-2', next, rescanOf);
      const rescanBare = await plainInsert(sql, size, 'scan-2', next, { scan: rescanOf });
      const pct = (bareSeconds: number, seconds: number) => `${Math.round((100 * bareSeconds) / seconds)} %`;
      const line = `| ${round} | ${model} | ${(size / first).toFixed(0)} | ${(size / bare).toFixed(0)} | ${pct(bare, first)} | ${(size / rescan).toFixed(0)} | ${(size / rescanBare).toFixed(0)} | ${pct(rescanBare, rescan)} |`;
      process.stderr.write(`${line}\n`);
      rows.push(line);
      kept.set(model, sql);
    }
  }
  process.stdout.write(
    `| round | model (${values.engine}, ${size.toLocaleString('en')} hosts) | first scan hosts/s | bare insert | first / bare | rescan hosts/s | its bare insert | rescan / bare |\n|---|---|---:|---:|---:|---:|---:|---:|\n${rows.join('\n')}\n`,
  );
  if (values.reads) {
    for (const sql of kept.values()) await sql.query('vacuum analyze');
    process.stdout.write('\n| read | shipped p50 / max | per host p50 / max |\n|---|---:|---:|\n');
    for (const read of MODEL_READS) {
      const times = async (model: Model, { text, params }: { text: string; params: unknown[] }) => {
        const ms: number[] = [];
        for (let k = 0; k <= 5; k++) {
          const started = performance.now();
          await kept.get(model)!.query(text, params);
          if (k > 0) ms.push(performance.now() - started);
        }
        ms.sort((a, b) => a - b);
        return `${ms[2]!.toFixed(1)} / ${ms[4]!.toFixed(1)} ms`;
      };
      process.stdout.write(`| ${read.name} | ${await times('shipped', read.shipped)} | ${await times('per host', read.perHost)} |\n`);
    }
  }
} finally {
  for (const sql of kept.values()) await sql.close();
  await admin?.close();
  cluster?.stop();
}
