import type { HostStatusFacts } from '../../src/discovery/discovery-store.ts';
import type { Severity } from '../../src/discovery/patch.ts';
import type { Host } from '../../src/inventory/host.ts';
import { FINDING_COLUMNS, type FindingRow, SEEN_JOIN, toFinding } from './finding-row.ts';
import { jsonDate } from './host-scope.ts';
import { type HostScanRow, toHostScan } from './scan-repo.ts';
import type { SqlClient } from './sql-client.ts';

const LATEST = ['scan_id', 'outcome', 'error', 'started_at', 'finished_at', 'reboot_required', 'os_name', 'installed', 'missing_count', 'warnings'] as const;

/** The host, its latest scan's columns (`l_…`, null without one), its latest sighting, and its findings as JSON (timestamps as text). */
type Row = Pick<Host, 'name' | 'os' | 'groups' | 'tags'> & { [K in (typeof LATEST)[number] as `l_${K}`]: HostScanRow[K] | null } & {
  seen_at: Date | null;
  findings: (Omit<FindingRow, 'first_seen' | 'last_seen'> & { first_seen: string; last_seen: string; severity: Severity })[];
};

/**
 * `status <host>` in one statement: it was five (the host, its latest scan, its findings, the
 * catalog rows of those, the freshness summary), each a round trip, together several times the
 * statement itself (issue #20). One row: the findings come as one JSON array, so the host's and
 * its scan's columns (the scan's installed list may be long) are not repeated per finding.
 */
export const hostStatus = async (sql: SqlClient, name: string): Promise<HostStatusFacts | null> => {
  const rows = await sql.query<Row>(
    `select h.name, h.os, h.groups, h.tags, ${LATEST.map((c) => `l.${c} as l_${c}`).join(', ')}, hs.seen_at,
       (select coalesce(json_agg(x order by x.patch_id), '[]') from (
          select ${FINDING_COLUMNS}, coalesce(p.severity, 'unknown') as severity from findings f ${SEEN_JOIN} left join patches p on p.id = f.patch_id where f.host = h.name) x
       ) as findings
     from hosts h left join host_latest_scans l on l.host = h.name left join host_findings_seen hs on hs.host = h.name
     where h.name = $1`,
    [name],
  );
  const row = rows[0];
  if (!row) return null;
  const latestScan = row.l_scan_id === null ? null : toHostScan({ host: row.name, ...(Object.fromEntries(LATEST.map((c) => [c, row[`l_${c}`]])) as Omit<HostScanRow, 'host'>) });
  const findings = row.findings.map(({ severity, ...f }) => ({ ...toFinding({ ...f, first_seen: jsonDate(f.first_seen)!, last_seen: jsonDate(f.last_seen)! }), severity }));
  return { host: { name: row.name, os: row.os, groups: row.groups, tags: row.tags }, latestScan, lastSeen: row.seen_at, findings };
};
