import type { HostScan } from '../../src/discovery/patch.ts';
import type { ScanRepository } from '../../src/discovery/discovery-store.ts';
import type { SqlClient } from './sql-client.ts';

interface HostScanRow {
  scan_id: string;
  host: string;
  outcome: HostScan['outcome'];
  error: string | null;
  started_at: Date;
  finished_at: Date;
  reboot_required: boolean | null;
  os_name: string | null;
  installed: string[];
  missing_count: number | null;
  warnings: string[];
}

const toHostScan = (row: HostScanRow): HostScan => ({
  scanId: row.scan_id,
  host: row.host,
  outcome: row.outcome,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  rebootRequired: row.reboot_required,
  osName: row.os_name,
  installed: row.installed,
  missingCount: row.missing_count,
  warnings: row.warnings,
  ...(row.error !== null ? { error: row.error } : {}),
});

interface ProgressRow {
  id: string;
  requested_by: string;
  hosts: number;
  started_at: Date;
  finished_at: Date | null;
  done: number;
  ok: number;
  unreachable: number;
  failed: number;
}

const RECORD_MANY = `
  with h as (
    select * from jsonb_to_recordset($1::jsonb) as h(scan_id text, host text, outcome text, error text, started_at timestamptz, finished_at timestamptz,
      reboot_required boolean, os_name text, installed jsonb, missing_count integer, warnings jsonb, patch_ids jsonb, states jsonb)
  ), f as (
    select h.host, x.patch_id, x.state, h.finished_at as at, h.scan_id
    from h, rows from (jsonb_array_elements_text(h.patch_ids), jsonb_array_elements_text(h.states)) as x(patch_id, state)
  ), seen as (
    insert into findings (host, patch_id, state, first_seen, last_seen, scan_id)
    select host, patch_id, state, at, at, scan_id from f
    on conflict (host, patch_id) do update set state = excluded.state, last_seen = excluded.last_seen, scan_id = excluded.scan_id
  ), gone as (
    update findings t set state = 'installed', last_seen = h.finished_at, scan_id = h.scan_id
    from h
    where t.host = any($2::text[]) and h.host = t.host and t.state in ('missing', 'pending-reboot', 'failed')
      and not exists (select 1 from f where f.host = t.host and f.patch_id = t.patch_id)
  ), fresh as (
    insert into host_scans (scan_id, host, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings)
    select scan_id, host, outcome, error, started_at, finished_at, reboot_required, os_name,
      array(select jsonb_array_elements_text(installed)), missing_count, array(select jsonb_array_elements_text(warnings))
    from h
    on conflict (scan_id, host) do update set outcome = excluded.outcome, error = excluded.error, finished_at = excluded.finished_at,
      reboot_required = excluded.reboot_required, os_name = excluded.os_name, installed = excluded.installed,
      missing_count = excluded.missing_count, warnings = excluded.warnings
  )
  select require_known_patches(array(select distinct patch_id from f))`;

export const scanRepository = (sql: SqlClient): ScanRepository => ({
  async start(scanId, requestedBy, targets, at) {
    await sql.query('insert into scans (id, requested_by, targets, started_at) values ($1, $2, $3, $4)', [scanId, requestedBy, targets, at]);
  },
  async recordHost(result) {
    await sql.query(
      `insert into host_scans (scan_id, host, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (scan_id, host) do update set outcome = excluded.outcome, error = excluded.error, finished_at = excluded.finished_at,
         reboot_required = excluded.reboot_required, os_name = excluded.os_name, installed = excluded.installed,
         missing_count = excluded.missing_count, warnings = excluded.warnings`,
      [result.scanId, result.host, result.outcome, result.error ?? null, result.startedAt, result.finishedAt, result.rebootRequired ?? null,
        result.osName ?? null, result.installed ?? [], result.missingCount ?? null, result.warnings ?? []],
    );
  },
  async recordMany(writes) {
    if (writes.length === 0) return;
    // One statement, one round trip for the whole batch, so no BEGIN/COMMIT either. Per host it
    // does what findings.record and recordHost do: upsert what the scan saw, mark what it no
    // longer saw installed (rows disjoint from the upsert's: one statement requires it), and
    // upsert the host's freshness. Everything travels as one JSON document: far cheaper to
    // build than the driver's text arrays, and PostgreSQL reads it as fast.
    const hosts = writes.map(({ result: r, findings }) => ({
      scan_id: r.scanId, host: r.host, outcome: r.outcome, error: r.error ?? null, started_at: r.startedAt.toISOString(), finished_at: r.finishedAt.toISOString(),
      reboot_required: r.rebootRequired ?? null, os_name: r.osName ?? null, installed: r.installed ?? [], missing_count: r.missingCount ?? null, warnings: r.warnings ?? [],
      patch_ids: findings?.map((f) => f.patchId) ?? [], states: findings?.map((f) => f.state) ?? [],
    }));
    await sql.query(RECORD_MANY, [JSON.stringify(hosts), writes.filter((w) => w.findings).map((w) => w.result.host)]);
  },
  async finish(scanId, at) {
    await sql.query('update scans set finished_at = $2 where id = $1', [scanId, at]);
  },
  async tryFinish(scanId, at) {
    const rows = await sql.query(
      `update scans set finished_at = $2 where id = $1 and finished_at is null
         and (select count(*) from host_scans where scan_id = $1) >= cardinality(targets)
       returning id`,
      [scanId, at],
    );
    return rows.length === 1;
  },
  async progress(scanId) {
    const rows = await sql.query<ProgressRow>(
      `select s.id, s.requested_by, cardinality(s.targets)::int as hosts, s.started_at, s.finished_at,
         count(h.host)::int as done,
         (count(*) filter (where h.outcome = 'ok'))::int as ok,
         (count(*) filter (where h.outcome = 'unreachable'))::int as unreachable,
         (count(*) filter (where h.outcome = 'failed'))::int as failed
       from scans s left join host_scans h on h.scan_id = s.id where s.id = $1 group by s.id`,
      [scanId],
    );
    const row = rows[0];
    if (!row) return null;
    return { scanId: row.id, requestedBy: row.requested_by, hosts: row.hosts, startedAt: row.started_at, finishedAt: row.finished_at, done: row.done, ok: row.ok, unreachable: row.unreachable, failed: row.failed };
  },
  async results(scanId) {
    return (await sql.query<HostScanRow>('select * from host_scans where scan_id = $1 order by host', [scanId])).map(toHostScan);
  },
  async latestPerHost() {
    const rows = await sql.query<HostScanRow>(
      'select distinct on (host) * from host_scans order by host, finished_at desc',
    );
    return rows.map(toHostScan);
  },
});
