import type { ComplianceReads, DueRow, HostRow, OverviewRows, RollupRow } from '../../src/compliance/compliance-store.ts';
import type { ComplianceStatus, SeverityCounts, UnknownReason } from '../../src/compliance/model.ts';
import { GROUP_ROLLUPS, groupScope, HOST_CTES, MEMBER_OF, OVERVIEW_CTES, ROLLUP, rulesParams, SEVERITIES } from './compliance-sql.ts';
import { jsonDate } from './host-scope.ts';
import type { SqlClient } from './sql-client.ts';

/**
 * Compliance evaluated in the store (compliance-sql.ts): the overview is one statement whatever
 * the estate's size, and the full report reads hosts a page at a time.
 */

type Counts = Record<`m_${keyof SeverityCounts}`, number>;
type RollupSql = Counts & Record<ComplianceStatus, number> & { grp?: string; hosts: number; oldest_overdue_host: string | null };
interface DueJson {
  patchId: string;
  severity: DueRow['severity'];
  security: boolean;
  clockStart: string;
  dueAt: string;
}
type HostSql = Counts & {
  host: string;
  groups: string[];
  status: ComplianceStatus;
  unknown_reason: UnknownReason | null;
  last_scan_at: Date | null;
  last_scan_outcome: HostRow['lastScanOutcome'];
  pending_reboot: number;
  overdue: DueJson[];
  at_risk: DueJson[];
};

const countsOf = (row: Counts): SeverityCounts => Object.fromEntries(SEVERITIES.map((s) => [s, row[`m_${s}`]])) as SeverityCounts;
const toDue = (d: DueJson): DueRow => ({ patchId: d.patchId, severity: d.severity, security: d.security, clockStart: jsonDate(d.clockStart)!, dueAt: jsonDate(d.dueAt)! });

const toRollup = (group: string, row: RollupSql): RollupRow => ({
  group,
  hosts: row.hosts,
  byStatus: { compliant: row.compliant, 'at-risk': row['at-risk'], overdue: row.overdue, unknown: row.unknown },
  missing: countsOf(row),
  oldestOverdueHost: row.oldest_overdue_host,
});

const toHost = (row: HostSql): HostRow => ({
  host: row.host,
  groups: row.groups,
  status: row.status,
  unknownReason: row.unknown_reason,
  lastScanAt: row.last_scan_at,
  lastScanOutcome: row.last_scan_outcome,
  missing: countsOf(row),
  pendingReboot: row.pending_reboot,
  overdue: row.overdue.map(toDue),
  atRisk: row.at_risk.map(toDue),
});

/** Hosts of `scope` with their groups (in name order, as the inventory lists them), lists included. */
const hostRows = (scopeSql: string) => `with scope as (${scopeSql}), ${HOST_CTES}
  select e.*, (select coalesce(array_agg(g.name order by g.name), '{}') from host_groups g where ${MEMBER_OF}) as groups
  from evaluated e join hosts h on h.name = e.host order by e.host`;

const first = (n: number, where: string, order: string) =>
  `(select coalesce(json_agg(host), '[]') from (select host from evaluated where ${where} order by ${order} limit $${n} offset $${n + 1}) x)`;

/**
 * Without JIT: these statements aggregate hundreds of thousands of rows, the planner's cost passes
 * the JIT thresholds, and compiling them (3.6 s at 10,000 hosts, measured) cost many times the
 * execution (0.5 s). PGlite has no JIT; the setting is harmless there.
 */
const query = <Row>(sql: SqlClient, text: string, params: unknown[]): Promise<Row[]> =>
  sql.transaction(async (tx) => {
    await tx.query('set local jit = off');
    return tx.query<Row>(text, params);
  });

export const complianceReads = (sql: SqlClient): ComplianceReads => ({
  async overview(group, rules, sample, offset = 0, head = 0) {
    const params: unknown[] = [...rulesParams(rules), sample, offset];
    const scope = group === null ? 'select name as host from hosts' : (params.push(group), groupScope(params.length));
    // The first page's hosts too, when asked: its summary and a later page from one statement.
    const headAt = head > 0 ? params.push(head, 0) - 1 : 0;
    const heads = headAt
      ? `, ${first(headAt, "status = 'overdue'", 'oldest_due, host')} as overdue_head,
         ${first(headAt, "status = 'unknown'", 'last_scan_at nulls first, host')} as unknown_head,
         ${first(headAt, "status = 'at-risk'", 'risk_due, host')} as risk_head`
      : '';
    // The whole inventory rolls up every group too (empty ones included); a group's report is its one group.
    // The whole inventory rolls up every group too (empty ones included); a group's report is its one group.
    const groups = group === null ? `, ${GROUP_ROLLUPS}` : '';
    const rows = await query<{
      total: RollupSql;
      groups: RollupSql[] | null;
      overdue_first: string[];
      unknown_first: string[];
      risk_first: string[];
      newest: string | null;
      oldest: string | null;
      unreachable: number;
      never: number;
      overdue_head?: string[];
      unknown_head?: string[];
      risk_head?: string[];
    }>(
      sql,
      `with scope as (${scope}), ${OVERVIEW_CTES} ${groups}
       select (select row_to_json(t) from (select ${ROLLUP} from evaluated e) t) as total,
         ${group === null ? `(select coalesce(json_agg(r order by r.grp), '[]') from rolled r)` : 'null'} as groups,
         ${first(9, "status = 'overdue'", 'oldest_due, host')} as overdue_first,
         ${first(9, "status = 'unknown'", 'last_scan_at nulls first, host')} as unknown_first,
         ${first(9, "status = 'at-risk'", 'risk_due, host')} as risk_first,
         (select max(last_scan_at) from evaluated) as newest, (select min(last_scan_at) from evaluated) as oldest,
         (select count(*)::int from evaluated where unknown_reason = 'unreachable') as unreachable,
         (select count(*)::int from evaluated where unknown_reason = 'never-scanned') as never${heads}`,
      params,
    );
    const row = rows[0]!;
    const total = toRollup(group ?? 'all hosts', row.total);
    return {
      total,
      groups: row.groups ? row.groups.map((g) => toRollup(g.grp!, g)) : [total],
      overdue: { count: total.byStatus.overdue, first: row.overdue_first },
      unknown: { count: total.byStatus.unknown, first: row.unknown_first },
      atRisk: { count: total.byStatus['at-risk'], first: row.risk_first },
      newestScan: row.newest === null ? null : new Date(row.newest),
      oldestScan: row.oldest === null ? null : new Date(row.oldest),
      unreachable: row.unreachable,
      neverScanned: row.never,
      ...(headAt ? { heads: { overdue: row.overdue_head ?? [], unknown: row.unknown_head ?? [], atRisk: row.risk_head ?? [] } } : {}),
    } satisfies OverviewRows;
  },

  async hostPage(group, rules, after, limit) {
    const params = [...rulesParams(rules), after, limit];
    const members = group === null ? 'select name as host from hosts' : (params.push(group), groupScope(params.length));
    const scope = `select host from (${members}) m where $9::text is null or host > $9 order by host limit $10`;
    return (await query<HostSql>(sql, hostRows(scope), params)).map(toHost);
  },

  async hostsNamed(names, rules) {
    if (names.length === 0) return [];
    const params = [...rulesParams(rules), [...new Set(names)]];
    return (await query<HostSql>(sql, hostRows('select name as host from hosts where name = any($9::text[])'), params)).map(toHost);
  },
});
