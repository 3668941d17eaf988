import type { Counted, HostScope, PatchCoverage, PendingFacts } from '../../src/discovery/discovery-store.ts';
import { type Finding, FindingState, type Severity } from '../../src/discovery/patch.ts';
import { FINDING_COLUMNS, type FindingRow, SEEN_JOIN, toFinding } from './finding-row.ts';
import { scopeRows } from './host-scope.ts';
import type { SqlClient } from './sql-client.ts';

/**
 * The reads behind answers over many hosts: each counts in SQL and returns only the page it
 * names, so a question about 100,000 hosts moves a few rows, not the estate.
 */

/**
 * Counts per state, the first `limit` hosts of each state (findings_by_patch is ordered by patch,
 * state, host: each page is a short index range), and the hosts in scope with no finding for it.
 */
export const patchCoverage = async (sql: SqlClient, patchId: string, scope: HostScope, limit: number | null): Promise<PatchCoverage> => {
  const countParams: unknown[] = [patchId];
  const countSql = `select f.state, count(*)::int as n from findings f join ${scopeRows(scope, countParams)} s on s.name = f.host
    where f.patch_id = $1 group by f.state`;
  const pageParams: unknown[] = [patchId, limit, FindingState.options];
  const pageSql = `select x.* from unnest($3::text[]) as st(state),
    lateral (select ${FINDING_COLUMNS} from findings f join ${scopeRows(scope, pageParams)} s on s.name = f.host ${SEEN_JOIN}
             where f.patch_id = $1 and f.state = st.state order by f.host limit $2) x`;
  // The hosts with no finding are counted as the scope less those with one (a finding per host
  // and patch): counting them directly probed the findings index once per host (0.5 s at 100k).
  // Their first page stops at `limit` hosts found.
  const sizeParams: unknown[] = [];
  const sizeSql = `select count(*)::int as n from ${scopeRows(scope, sizeParams)} s`;
  const absentParams: unknown[] = [patchId, limit];
  const absentSql = `select s.name from ${scopeRows(scope, absentParams)} s
    where not exists (select 1 from findings f where f.host = s.name and f.patch_id = $1) order by s.name limit $2`;
  const [counts, pages, size, absent] = await Promise.all([
    sql.query<{ state: FindingState; n: number }>(countSql, countParams),
    sql.query<FindingRow>(pageSql, pageParams),
    sql.query<{ n: number }>(sizeSql, sizeParams),
    sql.query<{ name: string }>(absentSql, absentParams),
  ]);
  const byState = Object.fromEntries(FindingState.options.map((state) => [state, { count: 0, first: [] as Finding[] }])) as Record<FindingState, Counted<Finding>>;
  for (const { state, n } of counts) byState[state].count = n;
  for (const row of pages) byState[row.state].first.push(toFinding(row));
  const reported = counts.reduce((sum, { n }) => sum + n, 0);
  return { byState, notReported: { count: (size[0]?.n ?? 0) - reported, first: absent.map((r) => r.name) } };
};

/** One pass over the scope's missing findings: per patch, per severity (distinct hosts), and in all. */
export const pendingIn = async (sql: SqlClient, scope: HostScope): Promise<PendingFacts> => {
  const params: unknown[] = [];
  const rows = await sql.query<{ patches: PendingFacts['patches']; by_severity: Partial<Record<Severity, number>>; affected: number }>(
    `with f as materialized (
       select f.host, f.patch_id, coalesce(p.severity, 'unknown') as severity, coalesce(p.title, '') as title
       from findings f join ${scopeRows(scope, params)} s on s.name = f.host left join patches p on p.id = f.patch_id
       where f.state in ('missing', 'failed')
     )
     select (select coalesce(json_agg(x), '[]') from (select patch_id as id, title, severity, count(*)::int as hosts from f group by 1, 2, 3) x) as patches,
       (select coalesce(json_object_agg(severity, n), '{}') from (select severity, count(distinct host)::int as n from f group by 1) y) as by_severity,
       (select count(distinct host)::int from f) as affected`,
    params,
  );
  const row = rows[0]!;
  const hostsBySeverity: Record<Severity, number> = { critical: 0, important: 0, moderate: 0, low: 0, unknown: 0, ...row.by_severity };
  return { patches: row.patches, hostsBySeverity, affectedHosts: row.affected };
};
