import type { HostStatusFacts } from '../../src/discovery/discovery-store.ts';
import type { Severity } from '../../src/discovery/patch.ts';
import type { Host } from '../../src/inventory/host.ts';
import { type FindingRow, toFinding } from './finding-row.ts';
import { type HostScanRow, toHostScan } from './scan-repo.ts';
import type { SqlClient } from './sql-client.ts';

/** One row per finding (one without a finding when it has none), the host and its latest scan on each. */
type Row = Pick<Host, 'name' | 'os' | 'groups' | 'tags'> & { [K in keyof HostScanRow as `l_${K}`]: HostScanRow[K] | null } & {
  [K in keyof Omit<FindingRow, 'host'>]: FindingRow[K] | null;
} & { severity: Severity };

const LATEST = ['scan_id', 'outcome', 'error', 'started_at', 'finished_at', 'reboot_required', 'os_name', 'installed', 'missing_count', 'warnings'] as const;

/**
 * `status <host>` in one statement: it was five (the host, its latest scan, its findings, the
 * catalog rows of those, the freshness summary), each a round trip, together several times the
 * statement itself (issue #20). The host's rows are read through the primary keys.
 */
export const hostStatus = async (sql: SqlClient, name: string): Promise<HostStatusFacts | null> => {
  const rows = await sql.query<Row>(
    `select h.name, h.os, h.groups, h.tags, ${LATEST.map((c) => `l.${c} as l_${c}`).join(', ')},
       f.patch_id, f.state, f.first_seen, f.last_seen, f.scan_id, coalesce(p.severity, 'unknown') as severity
     from hosts h left join host_latest_scans l on l.host = h.name left join findings f on f.host = h.name left join patches p on p.id = f.patch_id
     where h.name = $1 order by f.patch_id`,
    [name],
  );
  const first = rows[0];
  if (!first) return null;
  const latestScan = first.l_scan_id === null ? null : toHostScan({ host: first.name, ...(Object.fromEntries(LATEST.map((c) => [c, first[`l_${c}`]])) as Omit<HostScanRow, 'host'>) });
  const findings = rows.filter((r) => r.patch_id !== null).map((r) => ({ ...toFinding({ ...(r as Omit<Row, keyof FindingRow> & FindingRow), host: r.name }), severity: r.severity }));
  return { host: { name: first.name, os: first.os, groups: first.groups, tags: first.tags }, latestScan, findings };
};
