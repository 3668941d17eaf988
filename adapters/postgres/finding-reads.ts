import { type HostScope, LISTED_STATES, type ListedState, type PatchCoverage, type PendingFacts } from '../../src/discovery/discovery-store.ts';
import { type Finding, FindingState, type Severity } from '../../src/discovery/patch.ts';
import { FINDING_COLUMNS, type FindingRow, SEEN_JOIN, toFinding } from './finding-row.ts';
import { scopeRows } from './host-scope.ts';
import type { SqlClient } from './sql-client.ts';

/**
 * The reads behind answers over many hosts: each counts in SQL and returns only the page it
 * names, so a question about 100,000 hosts moves a few rows, not the estate.
 */

/**
 * Counts per state, the first `limit` hosts of each listed state (findings_by_patch is ordered by
 * patch, state, host: each page is a short index range), and the hosts in scope with no finding.
 */
export const patchCoverage = async (sql: SqlClient, patchId: string, scope: HostScope, limit: number | null): Promise<PatchCoverage> => {
  const countParams: unknown[] = [patchId];
  const countSql = `select f.state, count(*)::int as n from findings f join ${scopeRows(scope, countParams)} s on s.name = f.host
    where f.patch_id = $1 group by f.state`;
  const pageParams: unknown[] = [patchId, limit, LISTED_STATES];
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
  const byState = Object.fromEntries(FindingState.options.map((state) => [state, 0])) as Record<FindingState, number>;
  for (const { state, n } of counts) byState[state] = n;
  const first = Object.fromEntries(LISTED_STATES.map((state) => [state, [] as Finding[]])) as Record<ListedState, Finding[]>;
  for (const row of pages) first[row.state as ListedState].push(toFinding(row));
  const reported = counts.reduce((sum, { n }) => sum + n, 0);
  return { counts: byState, first, notReported: { count: (size[0]?.n ?? 0) - reported, first: absent.map((r) => r.name) } };
};

/**
 * One page of the hosts whose finding for a patch is in one of `states`, by host name: index
 * ranges of findings_by_patch, merged over the states and skipped in SQL, not in the answer.
 */
export const findingsOfPatch = async (sql: SqlClient, patchId: string, scope: HostScope, states: readonly FindingState[], limit: number | null, offset: number): Promise<Finding[]> => {
  const params: unknown[] = [patchId, states, limit, offset];
  const rows = await sql.query<FindingRow>(
    `select ${FINDING_COLUMNS} from findings f join ${scopeRows(scope, params)} s on s.name = f.host ${SEEN_JOIN}
     where f.patch_id = $1 and f.state = any($2::text[]) order by f.host limit $3 offset $4`,
    params,
  );
  return rows.map(toFinding);
};

const SEVERITIES: readonly Severity[] = ['critical', 'important', 'moderate', 'low', 'unknown'];

/**
 * What is pending over a scope, in one statement. Per patch, the scope's missing findings are
 * counted first and the catalog joined to the ~3,000 counts, not to each finding. A list of hosts
 * is one index scan of each table for the whole array (`host = any(…)`): a join to the unnested
 * list hashed every finding of the estate, and a lateral subquery per host paid a scan's start-up
 * 2,000 times. Distinct hosts per severity come from each host's maintained counts
 * (host_open_findings.pending, migration 015): counting them from the findings sorted every one
 * of them (0.4 s for 2,000 hosts on PGlite, issue #20).
 */
export const pendingIn = async (sql: SqlClient, scope: HostScope, page: { limit: number | null; offset: number } = { limit: null, offset: 0 }): Promise<PendingFacts> => {
  const params: unknown[] = scope === null ? [] : [[...scope]];
  const param = (value: unknown) => `$${params.push(value)}`;
  const inScope = (alias: string) => (scope === null ? `join hosts h on h.name = ${alias}.host` : `where ${alias}.host = any($1::text[])`);
  const hostsWith = (k: string) => `(count(*) filter (where ${k} > 0))::int`;
  // Most urgent first, in SQL, so a page is a page of the same order every time it is asked.
  const order = 'array_position(' + param(SEVERITIES) + '::text[], x.severity), x.hosts desc, x.id';
  const rows = await sql.query<{ patches: PendingFacts['patches']; counts: Partial<Record<Severity, number>> | null; hosts: Record<Severity | 'affected', number> }>(
    `with per as (
       select f.patch_id, count(*)::int as hosts from findings f ${inScope('f')} ${scope === null ? 'where' : 'and'} f.state in ('missing', 'failed') group by f.patch_id),
     ranked as (
       select per.patch_id as id, coalesce(p.title, '') as title, coalesce(p.severity, 'unknown') as severity, per.hosts from per left join patches p on p.id = per.patch_id)
     select (select coalesce(json_agg(json_build_object('id', x.id, 'title', x.title, 'severity', x.severity, 'hosts', x.hosts) order by ${order}), '[]') from (
         select x.* from ranked x order by ${order} limit ${param(page.limit)} offset ${param(page.offset)}) x) as patches,
       (select json_object_agg(c.severity, c.n) from (select severity, count(*)::int as n from ranked group by severity) c) as counts,
       (select row_to_json(t) from (
         select ${SEVERITIES.map((sv, i) => `${hostsWith(`o.pending[${i + 1}]`)} as ${sv}`).join(', ')},
           ${hostsWith(SEVERITIES.map((_, i) => `o.pending[${i + 1}]`).join(' + '))} as affected
         from host_open_findings o ${inScope('o')}) t) as hosts`,
    params,
  );
  const { patches, counts, hosts } = rows[0]!;
  const { affected, ...hostsBySeverity } = hosts;
  const patchesBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, counts?.[s] ?? 0])) as Record<Severity, number>;
  return { patches, patchesBySeverity, hostsBySeverity, affectedHosts: affected };
};
