import type { HostScan } from '../../src/discovery/patch.ts';
import type { ScanRepository } from '../../src/store/store.ts';
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
  targets: string[];
  started_at: Date;
  finished_at: Date | null;
  done: number;
  ok: number;
  unreachable: number;
  failed: number;
}

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
      `select s.id, s.requested_by, s.targets, s.started_at, s.finished_at,
         count(h.host)::int as done,
         (count(*) filter (where h.outcome = 'ok'))::int as ok,
         (count(*) filter (where h.outcome = 'unreachable'))::int as unreachable,
         (count(*) filter (where h.outcome = 'failed'))::int as failed
       from scans s left join host_scans h on h.scan_id = s.id where s.id = $1 group by s.id`,
      [scanId],
    );
    const row = rows[0];
    if (!row) return null;
    return { scanId: row.id, requestedBy: row.requested_by, targets: row.targets, startedAt: row.started_at, finishedAt: row.finished_at, done: row.done, ok: row.ok, unreachable: row.unreachable, failed: row.failed };
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
