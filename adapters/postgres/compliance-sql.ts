/**
 * The compliance rules (src/compliance/policy.ts, evaluate's rules) as SQL over the findings, the
 * catalog and each host's latest scan. Parameters $1–$8 are the rules (rulesParams); a statement
 * appends its own after them.
 *
 * Per open finding (missing, failed, pending-reboot) of a measured patch: the clock starts at the
 * finding's first sighting (PCI: the earlier of that and the patch's first sighting anywhere), the
 * deadline is the clock plus the severity's SLA; past it (by any amount) the patch is overdue;
 * otherwise it is at risk when the deadline is at most the severity's warning span away. A patch
 * the catalog does not know is kept: severity unknown, counted as security. A host is unknown
 * when its latest scan is missing, unreachable, failed or older than the stale span; otherwise
 * overdue, at risk or compliant by its worst patch.
 */
import type { ComplianceRules } from '../../src/compliance/compliance-store.ts';

const SEVERITIES = ['critical', 'important', 'moderate', 'low', 'unknown'] as const;

export const rulesParams = (rules: ComplianceRules): unknown[] => [
  rules.now,
  SEVERITIES,
  SEVERITIES.map((s) => rules.slaMs[s]),
  // The deadlines as thresholds on the clock's start, so a row is judged by two comparisons: a
  // patch is overdue when clock + SLA < now, i.e. clock < now − SLA ($4), and at risk when
  // clock + SLA − now ≤ warning, i.e. clock ≤ now − SLA + warning ($8; a Date drops the fraction
  // of a ms, and clocks are whole ms: the same test).
  SEVERITIES.map((s) => new Date(rules.now.getTime() - rules.slaMs[s])),
  rules.securityOnly,
  rules.clockFromRelease,
  rules.staleAfterMs,
  SEVERITIES.map((s) => new Date(rules.now.getTime() - rules.slaMs[s] + rules.warnMs[s])),
];

/** The group membership rule of src/inventory/resolve.ts (membersOf) for host `h` and group `g`. */
export const MEMBER_OF = `(g.name = any(h.groups) or h.name = any(coalesce(g.members, '{}'))
  or ((g.selector ? 'os' or g.selector ? 'tags')
      and (not g.selector ? 'os' or h.os in (select jsonb_array_elements_text(g.selector -> 'os')))
      and h.tags @> coalesce(g.selector -> 'tags', '{}')))`;

/** One group's members as rows of `host`, each route on its own index ($n is the group's name). */
export const groupScope = (n: number) => `select h.name as host from hosts h where h.groups @> array[$${n}::text]
  union select h.name from host_groups g join hosts h on h.name = any(coalesce(g.members, '{}')) where g.name = $${n}
  union select h.name from host_groups g join hosts h on (g.selector ? 'os' or g.selector ? 'tags')
      and (not g.selector ? 'os' or h.os in (select jsonb_array_elements_text(g.selector -> 'os')))
      and h.tags @> coalesce(g.selector -> 'tags', '{}')
    where g.name = $${n}`;

const STATUSES = ['compliant', 'at-risk', 'overdue', 'unknown'];
/** The selector half of MEMBER_OF, for a host's os and tags in `c`. */
const SELECTS = (c: string) => `coalesce((g.selector ? 'os' or g.selector ? 'tags')
  and (not g.selector ? 'os' or ${c}.os in (select jsonb_array_elements_text(g.selector -> 'os')))
  and ${c}.tags @> coalesce(g.selector -> 'tags', '{}'), false)`;
/** A rollup's partial sums over `evaluated e` rows (with `h`, their hosts), to be added up per group. */
const COUNTS = `count(*)::int as hosts, ${STATUSES.map((st) => `(count(*) filter (where e.status = '${st}'))::int as "${st}"`).join(', ')},
  ${SEVERITIES.map((sv) => `sum(e.m_${sv})::int as m_${sv}`).join(', ')},
  min(e.oldest_due) filter (where e.status = 'overdue') as oldest_due`;
const PARTIAL = `${COUNTS},
  (array_agg(e.host order by e.oldest_due, e.host) filter (where e.status = 'overdue'))[1] as oldest_overdue_host`;

/**
 * CTE `rolled`: every group's rollup (empty groups included) over `evaluated`. Membership depends
 * on a host's own group list, os and tags (and static member lists), so hosts are first added up
 * per such combination (a few thousand at 100,000 hosts) and the combinations matched to groups;
 * static members that no other route admits are added one by one.
 */
export const GROUP_ROLLUPS = `
  combo_counts as (select h.groups, h.os, h.tags, ${COUNTS} from evaluated e join hosts h on h.name = e.host group by h.groups, h.os, h.tags),
  -- Each combination's oldest overdue host, sorting only the overdue hosts: an ordered aggregate
  -- in combo_counts sorted every host by the combination (60 % of the summary at 10,000 on PGlite).
  combo_oldest as (select distinct on (h.groups, h.os, h.tags) h.groups, h.os, h.tags, e.host from evaluated e join hosts h on h.name = e.host
    where e.status = 'overdue' order by h.groups, h.os, h.tags, e.oldest_due, e.host),
  combos as (select c.*, o.host as oldest_overdue_host from combo_counts c left join combo_oldest o on o.groups = c.groups and o.os = c.os and o.tags = c.tags),
  parts as (
    select g.name as grp, c.hosts, ${STATUSES.map((st) => `c."${st}"`).join(', ')}, ${SEVERITIES.map((sv) => `c.m_${sv}`).join(', ')}, c.oldest_due, c.oldest_overdue_host
    from host_groups g join combos c on g.name = any(c.groups) or ${SELECTS('c')}
    union all
    select g.name, ${PARTIAL.replace('count(*)::int as hosts', '1 as hosts')}
    from host_groups g cross join lateral (select distinct unnest(g.members) as name) m join hosts h on h.name = m.name join evaluated e on e.host = h.name
    where not (g.name = any(h.groups)) and not ${SELECTS('h')}
    group by g.name, e.host
  ),
  rolled as (
    select g.name as grp, coalesce(sum(p.hosts), 0)::int as hosts, ${STATUSES.map((st) => `coalesce(sum(p."${st}"), 0)::int as "${st}"`).join(', ')},
      ${SEVERITIES.map((sv) => `coalesce(sum(p.m_${sv}), 0)::int as m_${sv}`).join(', ')},
      (array_agg(p.oldest_overdue_host order by p.oldest_due, p.oldest_overdue_host) filter (where p.oldest_overdue_host is not null))[1] as oldest_overdue_host
    from host_groups g left join parts p on p.grp = g.name group by g.name
  )`;

/** Open findings with their catalog facts: the severity's place `k` in $2 (the rules' arrays), security, the clock's start. */
const FINDING_FACTS = `f.host, f.patch_id, f.state, coalesce(p.severity, 'unknown') as severity, coalesce(p.security, true) as security,
  coalesce(array_position($2::text[], coalesce(p.severity, 'unknown')), 5) as k,
  case when $6 and p.first_seen < f.first_seen then p.first_seen else f.first_seen end as clock_start`;
const UNKNOWN_REASON = `case when l.host is null then 'never-scanned' when l.outcome = 'unreachable' then 'unreachable' when l.outcome = 'failed' then 'scan-failed'
  when l.finished_at < $1::timestamptz - make_interval(secs => $7::float8 / 1000) then 'stale' end`;
const OPEN = `f.state in ('missing', 'failed', 'pending-reboot')`;
/**
 * Host by host through the findings' primary key (host first): a page of 1,000 hosts reads their
 * ~50,000 rows, not the estate's (the planner, misjudging the scope, hashed every finding).
 * `offset 0` keeps the subquery from being flattened into a join, and materializing the page's
 * findings (page_findings) joins the catalog once, not once per host.
 */
const FINDINGS_PER_HOST = `(select ${FINDING_FACTS} from page_findings f left join patches p on p.id = f.patch_id)`;

const OVERDUE = 'late';
const AT_RISK = 'near and not late';
/** The deadline, computed only for the rows that need it (aggregates evaluate their argument after the filter). */
const DUE = `(clock_start + make_interval(secs => ($3::float8[])[k] / 1000))`;
const dueJson = `json_build_object('patchId', patch_id, 'severity', severity, 'security', security, 'clockStart', clock_start, 'dueAt', ${DUE})`;

/**
 * CTEs `open_due` (one row per measured open finding), `per_host` and `evaluated` (one row per
 * host of `scope`, which must be a CTE of `host` rows), with each host's overdue and at-risk
 * patches as JSON, soonest deadline first (ties by patch id). For a page of hosts.
 */
export const HOST_CTES = `
  page_findings as materialized (select f.* from scope s cross join lateral (select f.* from findings f where f.host = s.host and ${OPEN} offset 0) f),
  open_due as (
    select f.host, f.patch_id, f.state, f.severity, f.security, f.clock_start, f.k,
      f.clock_start < ($4::timestamptz[])[f.k] as late, f.clock_start <= ($8::timestamptz[])[f.k] as near
    from ${FINDINGS_PER_HOST} f
    where not $5 or f.security
  ),
  per_host as (
    select host,
      ${SEVERITIES.map((s, i) => `(count(*) filter (where k = ${i + 1}))::int as m_${s}`).join(', ')},
      (count(*) filter (where state = 'pending-reboot'))::int as pending_reboot,
      (count(*) filter (where ${OVERDUE}))::int as overdue_n,
      (count(*) filter (where ${AT_RISK}))::int as at_risk_n,
      min(${DUE}) filter (where ${OVERDUE}) as oldest_due,
      min(${DUE}) filter (where ${AT_RISK}) as risk_due
      , coalesce(json_agg(${dueJson} order by ${DUE}, patch_id collate "C") filter (where ${OVERDUE}), '[]') as overdue,
      coalesce(json_agg(${dueJson} order by ${DUE}, patch_id collate "C") filter (where ${AT_RISK}), '[]') as at_risk
    from open_due group by host
  ),
  judged as (
    select s.host, l.finished_at as last_scan_at, l.outcome as last_scan_outcome,
      ${SEVERITIES.map((s) => `d.m_${s}`).join(', ')}, d.pending_reboot, d.overdue_n, d.at_risk_n, d.oldest_due, d.risk_due, d.overdue, d.at_risk,
      ${UNKNOWN_REASON} as unknown_reason
    from scope s left join host_latest_scans l on l.host = s.host left join per_host d on d.host = s.host
  ),
  evaluated as materialized (
    select j.host, j.last_scan_at, j.last_scan_outcome, j.unknown_reason,
      case when j.unknown_reason is not null then 'unknown' when j.overdue_n > 0 then 'overdue' when j.at_risk_n > 0 then 'at-risk' else 'compliant' end as status,
      ${SEVERITIES.map((s) => `coalesce(j.m_${s}, 0) as m_${s}`).join(', ')}, coalesce(j.pending_reboot, 0) as pending_reboot,
      j.oldest_due, j.risk_due, coalesce(j.overdue, '[]') as overdue, coalesce(j.at_risk, '[]') as at_risk
    from judged j
  )`;

const K = [1, 2, 3, 4, 5];
const least = (terms: (k: number) => string) => `least(${K.map(terms).join(', ')})`;
const any = (terms: (k: number) => string) => `coalesce(${K.map(terms).join(' or ')}, false)`;

/**
 * CTE `evaluated` for the overview, from host_open_findings (migration 011): one row per host,
 * the rules applied to each severity's count and earliest clock. `scope` as above.
 */
export const OVERVIEW_CTES = `
  facts as (
    select s.host, l.finished_at as last_scan_at, l.outcome as last_scan_outcome, ${UNKNOWN_REASON} as unknown_reason,
      case when $5 then o.open_security else o.open end as n,
      case when $6 then o.released_security when $5 then o.first_seen_security else o.first_seen end as c
    from scope s left join host_latest_scans l on l.host = s.host left join host_open_findings o on o.host = s.host
    -- $2 (the severities) is the order of host_open_findings' arrays already; named so the statement binds every rule.
    where $2::text[] is not null
  ),
  evaluated as materialized (
    select host, last_scan_at, last_scan_outcome, unknown_reason,
      case when unknown_reason is not null then 'unknown' when late then 'overdue' when near then 'at-risk' else 'compliant' end as status,
      ${SEVERITIES.map((s, i) => `coalesce(n[${i + 1}], 0) as m_${s}`).join(', ')}, oldest_due, risk_due
    from (
      select f.*, ${any((k) => `c[${k}] < ($4::timestamptz[])[${k}]`)} as late, ${any((k) => `c[${k}] <= ($8::timestamptz[])[${k}]`)} as near,
        ${least((k) => `case when c[${k}] < ($4::timestamptz[])[${k}] then c[${k}] + make_interval(secs => ($3::float8[])[${k}] / 1000) end`)} as oldest_due,
        ${least((k) => `case when c[${k}] <= ($8::timestamptz[])[${k}] then c[${k}] + make_interval(secs => ($3::float8[])[${k}] / 1000) end`)} as risk_due
      from facts f
    ) x
  )`;

/**
 * The rollup of every `evaluated` row. The oldest overdue host is a top-1 over the overdue hosts
 * alone: an ordered aggregate sorted every host of the scope.
 */
export const ROLLUP = `count(e.host)::int as hosts,
  ${['compliant', 'at-risk', 'overdue', 'unknown'].map((s) => `(count(*) filter (where e.status = '${s}'))::int as "${s}"`).join(', ')},
  ${SEVERITIES.map((s) => `coalesce(sum(e.m_${s}), 0)::int as m_${s}`).join(', ')},
  (select o.host from evaluated o where o.status = 'overdue' order by o.oldest_due, o.host limit 1) as oldest_overdue_host`;

export { SEVERITIES };
