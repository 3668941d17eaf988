import type { HostScan } from '../../src/discovery/patch.ts';
import type { FreshnessFacts, ScanRepository } from '../../src/discovery/discovery-store.ts';
import { jsonDate, scopeRows } from './host-scope.ts';
import { COUNT_REPORTED, FIRST_RESULT, KEEP_LATEST, LATEST_COLUMNS, recordScanBatch } from './scan-batch.ts';
import type { SqlClient } from './sql-client.ts';

export interface HostScanRow {
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

export const toHostScan = (row: HostScanRow): HostScan => ({
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

/** The same row read back through json_agg: timestamps arrive as text. */
type HostScanJson = Omit<HostScanRow, 'started_at' | 'finished_at'> & { started_at: string; finished_at: string };
const fromJson = (row: HostScanJson): HostScan => toHostScan({ ...row, started_at: new Date(row.started_at), finished_at: new Date(row.finished_at) });

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
  last_result_at: Date | null;
}

export const scanRepository = (sql: SqlClient): ScanRepository => ({
  async start(scanId, requestedBy, targets, at) {
    await sql.query('insert into scans (id, requested_by, targets, started_at) values ($1, $2, $3, $4)', [scanId, requestedBy, targets, at]);
  },
  async recordHost(result) {
    await sql.query(
      `with stored as (
         insert into host_scans (scan_id, host, outcome, error, started_at, finished_at, reboot_required, os_name, installed, missing_count, warnings)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (scan_id, host) do update set outcome = excluded.outcome, error = excluded.error, finished_at = excluded.finished_at,
           reboot_required = excluded.reboot_required, os_name = excluded.os_name, installed = excluded.installed,
           missing_count = excluded.missing_count, warnings = excluded.warnings
         returning *, ${FIRST_RESULT} as first
       ), counted as (${COUNT_REPORTED}
       )
       insert into host_latest_scans (${LATEST_COLUMNS}) select ${LATEST_COLUMNS} from stored
       ${KEEP_LATEST}`,
      [
        result.scanId,
        result.host,
        result.outcome,
        result.error ?? null,
        result.startedAt,
        result.finishedAt,
        result.rebootRequired ?? null,
        result.osName ?? null,
        result.installed ?? [],
        result.missingCount ?? null,
        result.warnings ?? [],
      ],
    );
  },
  recordMany: (writes) => recordScanBatch(sql, writes),
  async finish(scanId, at) {
    await sql.query('update scans set finished_at = $2 where id = $1', [scanId, at]);
  },
  async tryFinish(scanId, at) {
    const rows = await sql.query(`update scans set finished_at = $2 where id = $1 and finished_at is null and reported >= cardinality(targets) returning id`, [scanId, at]);
    return rows.length === 1;
  },
  async progress(scanId) {
    const rows = await sql.query<ProgressRow>(
      `select s.id, s.requested_by, cardinality(s.targets)::int as hosts, s.started_at, s.finished_at,
         count(h.host)::int as done,
         (count(*) filter (where h.outcome = 'ok'))::int as ok,
         (count(*) filter (where h.outcome = 'unreachable'))::int as unreachable,
         (count(*) filter (where h.outcome = 'failed'))::int as failed,
         max(h.finished_at) as last_result_at
       from scans s left join host_scans h on h.scan_id = s.id where s.id = $1 group by s.id`,
      [scanId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      scanId: row.id,
      requestedBy: row.requested_by,
      hosts: row.hosts,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      done: row.done,
      ok: row.ok,
      unreachable: row.unreachable,
      failed: row.failed,
      lastResultAt: row.last_result_at,
    };
  },
  async results(scanId) {
    return (await sql.query<HostScanRow>('select * from host_scans where scan_id = $1 order by host', [scanId])).map(toHostScan);
  },
  async latestPerHost() {
    return (await sql.query<HostScanRow>('select * from host_latest_scans order by host')).map(toHostScan);
  },
  async latestOf(hosts) {
    return (await sql.query<HostScanRow>('select * from host_latest_scans where host = any($1::text[]) order by host', [hosts])).map(toHostScan);
  },
  async freshness(scope, sample) {
    const params: unknown[] = [sample];
    const rows = await sql.query<FreshnessRow>(
      `with l as materialized (
         select s.name as host, l.outcome, l.finished_at from ${scopeRows(scope, params)} s left join host_latest_scans l on l.host = s.name
       )
       select count(*)::int as hosts, (count(*) filter (where outcome = 'ok'))::int as scanned,
         max(finished_at) filter (where outcome = 'ok') as newest, min(finished_at) filter (where outcome = 'ok') as oldest,
         (count(*) filter (where outcome <> 'ok'))::int as unreachable, coalesce(array_agg(distinct outcome) filter (where outcome <> 'ok'), '{}') as outcomes,
         (count(*) filter (where outcome is null))::int as never,
         (select coalesce(json_agg(u), '[]') from (
            select host, outcome, finished_at as tried_at, (select seen.seen_at from host_findings_seen seen where seen.host = l2.host) as last_seen
            from l l2 where outcome <> 'ok' order by finished_at, host limit $1) u) as unreachable_first,
         (select coalesce(json_agg(host), '[]') from (select host from l where outcome is null order by host limit $1) n) as never_first
       from l`,
      params,
    );
    const row = rows[0]!;
    return {
      hosts: row.hosts,
      scanned: row.scanned,
      newest: row.newest,
      oldest: row.oldest,
      unreachable: {
        count: row.unreachable,
        outcomes: row.outcomes,
        first: row.unreachable_first.map((u) => ({ host: u.host, outcome: u.outcome, triedAt: new Date(u.tried_at), lastSeen: jsonDate(u.last_seen) })),
      },
      neverScanned: { count: row.never, first: row.never_first },
    };
  },
  async reboots(scope, limit, offset = 0) {
    const params: unknown[] = [limit, offset];
    const rows = await sql.query<RebootRow>(
      // A scan that could not tell stores why among its warnings (the parsers' "whether a reboot is
      // pending is unknown: …"). The reason is picked out per distinct warnings list, not per host:
      // an estate without needrestart has 100,000 such hosts and one list.
      `with l as materialized (select l.* from ${scopeRows(scope, params)} s join host_latest_scans l on l.host = s.name),
       u as materialized (select host, warnings from l where reboot_required is null and outcome = 'ok')
       select (select count(*)::int from l) as scanned, (select count(*)::int from l where reboot_required) as required,
         (select count(*)::int from u) as unknown,
         (select count(*)::int from l where reboot_required is null and outcome <> 'ok') as not_scanned,
         (select coalesce(json_agg(r), '[]') from (select * from l where reboot_required order by host limit $1 offset $2) r) as required_first,
         (select coalesce(json_agg(f), '[]') from (select host, ${REBOOT_WARNING} as warning from (select * from u order by host limit $1) x) f) as unknown_first,
         (select coalesce(json_agg(w), '[]') from (
            select warning, sum(n)::int as hosts from (select ${REBOOT_WARNING} as warning, n from (select warnings, count(*) as n from u group by warnings) g) t
            group by warning order by hosts desc, warning nulls last limit 3) w) as reasons`,
      params,
    );
    const row = rows[0]!;
    return {
      scanned: row.scanned,
      required: { count: row.required, first: row.required_first.map(fromJson) },
      unknown: { count: row.unknown, first: row.unknown_first, reasons: row.reasons },
      notScanned: row.not_scanned,
    };
  },
  async pruneHistory(before) {
    return sql.transaction(async (tx) => {
      const [gone] = await tx.query<{ n: number }>('with gone as (delete from host_scans where finished_at < $1 returning 1) select count(*)::int as n from gone', [before]);
      await tx.query('delete from scans s where s.finished_at < $1 and not exists (select 1 from host_scans h where h.scan_id = s.id)', [before]);
      return gone?.n ?? 0;
    });
  },
});

/** The warning of a scan's `warnings` that says why it could not tell whether a reboot is pending. */
const REBOOT_WARNING = `(select w from unnest(warnings) w where w ilike '%reboot%' or w ilike '%restart%'
  order by (w ilike 'whether a reboot is pending is unknown:%') desc limit 1)`;

interface RebootRow {
  scanned: number;
  required: number;
  unknown: number;
  not_scanned: number;
  required_first: HostScanJson[];
  unknown_first: { host: string; warning: string | null }[];
  reasons: { warning: string | null; hosts: number }[];
}

interface FreshnessRow {
  hosts: number;
  scanned: number;
  newest: Date | null;
  oldest: Date | null;
  unreachable: number;
  outcomes: FreshnessFacts['unreachable']['outcomes'];
  never: number;
  unreachable_first: { host: string; outcome: HostScan['outcome']; tried_at: string; last_seen: string | null }[];
  never_first: string[];
}
