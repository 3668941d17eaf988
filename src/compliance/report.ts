import type { InventoryRepos } from '../inventory/inventory-store.ts';
import { findGroup } from '../inventory/resolve.ts';
import type { ComplianceRepos, ComplianceRules, DueRow, HostRow, RollupRow } from './compliance-store.ts';
import type { ComplianceOverview, GroupCompliance, HostCompliance, PolicySummary } from './model.ts';
import { worstStatus } from './model.ts';
import { DAY_MS, type FrameworkName, type Policy, policyFor, type SlaConfig } from './policy.ts';
import { DEFAULT_STALE_AFTER_MS, rulesOf } from './rules.ts';

export interface ComplianceReportOptions {
  sla: SlaConfig;
  framework?: FrameworkName | null;
  /** Limit the report to one group; an unknown name throws NotFoundError with suggestions. */
  group?: string | null;
  now?: Date;
  staleAfterMs?: number;
}

export type ComplianceStore = Pick<InventoryRepos, 'groups'> & ComplianceRepos;

/** Hosts per read of the full report: memory is bounded by a page, whatever the estate's size. */
export const HOST_PAGE = 1000;

const summarizePolicy = (policy: Policy, staleAfterMs: number): PolicySummary => {
  const days = (ms: number) => Math.round((ms / DAY_MS) * 100) / 100;
  return {
    framework: policy.framework,
    label: policy.label,
    note: policy.note,
    slaDays: {
      critical: days(policy.slaMs('critical')),
      important: days(policy.slaMs('important')),
      moderate: days(policy.slaMs('moderate')),
      low: days(policy.slaMs('low')),
      unknown: days(policy.slaMs('unknown')),
    },
    staleAfterDays: days(staleAfterMs),
  };
};

/** The days a person reads: whole days late (at least 1: "0 days late" reads as on time), whole days left (0: due within 24 h). */
export const toHostCompliance = (row: HostRow, now: Date): HostCompliance => {
  const overdue = row.overdue.map((d: DueRow) => ({ ...d, daysOverdue: Math.max(1, Math.floor((now.getTime() - d.dueAt.getTime()) / DAY_MS)) }));
  const atRisk = row.atRisk.map((d: DueRow) => ({ ...d, daysLeft: Math.floor((d.dueAt.getTime() - now.getTime()) / DAY_MS) }));
  return { ...row, overdue, atRisk, oldestOverdue: overdue[0] ?? null };
};

/** A group's status is its worst member's; an empty group is unknown (nothing vouches for it), and its compliant share null. */
const toGroup = (row: RollupRow, hosts: ReadonlyMap<string, HostCompliance>): GroupCompliance => {
  const within = row.byStatus.compliant + row.byStatus['at-risk'];
  const present = (Object.keys(row.byStatus) as (keyof typeof row.byStatus)[]).filter((s) => row.byStatus[s] > 0);
  const oldest = row.oldestOverdueHost ? hosts.get(row.oldestOverdueHost)?.oldestOverdue : null;
  return {
    group: row.group,
    hosts: row.hosts,
    byStatus: row.byStatus,
    compliantPct: row.hosts ? Math.round((within / row.hosts) * 1000) / 10 : null,
    status: worstStatus(present, 'unknown'),
    missing: row.missing,
    oldestOverdue: oldest ? { ...oldest, host: row.oldestOverdueHost! } : null,
  };
};

interface Prepared {
  policy: Policy;
  rules: ComplianceRules;
  group: string | null;
  staleAfterMs: number;
}

const prepare = async (store: ComplianceStore, options: ComplianceReportOptions): Promise<Prepared> => {
  const group = options.group ?? null;
  if (group !== null && !(await store.groups.get(group))) findGroup({ hosts: [], groups: await store.groups.list() }, group);
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const policy = policyFor(options.framework ?? null, options.sla);
  return { policy, rules: rulesOf(policy, options.now ?? new Date(), staleAfterMs), group, staleAfterMs };
};

/**
 * The summary of the inventory (or one group) against the policy, counted in the store: one
 * statement for the counts and rollups, one for the few hosts it names. Hosts no longer in the
 * inventory are not reported, whatever findings they left behind.
 */
export const buildComplianceOverview = async (store: ComplianceStore, options: ComplianceReportOptions & { sample?: number; offset?: number }): Promise<ComplianceOverview> =>
  (await readOverview(store, options, 0)).page;

/**
 * A later page of the overview (`offset`) and the first page's (`head` hosts per list), from the
 * same two statements: `compliance … --page N --json` shows page N and the first page's summary,
 * which a second overview read would count again, and might count differently.
 */
export const buildCompliancePages = async (
  store: ComplianceStore,
  options: ComplianceReportOptions & { sample: number; offset: number; head: number },
): Promise<{ page: ComplianceOverview; first: ComplianceOverview }> => {
  const { page, first } = await readOverview(store, options, options.head);
  return { page, first: first ?? page };
};

const readOverview = async (
  store: ComplianceStore,
  options: ComplianceReportOptions & { sample?: number; offset?: number },
  head: number,
): Promise<{ page: ComplianceOverview; first: ComplianceOverview | null }> => {
  const { policy, rules, group, staleAfterMs } = await prepare(store, options);
  const offset = options.offset ?? 0;
  // Page 1 is its own head.
  const rows = await store.compliance.overview(group, rules, options.sample ?? 5, offset, offset > 0 ? head : 0);
  const { heads } = rows;
  const named = [
    ...[rows.overdue.first, rows.unknown.first, rows.atRisk.first, ...(heads ? [heads.overdue, heads.unknown, heads.atRisk] : [])].flat(),
    ...[rows.total, ...rows.groups].flatMap((g) => (g.oldestOverdueHost ? [g.oldestOverdueHost] : [])),
  ];
  const hosts = new Map((await store.compliance.hostsNamed(named, rules)).map((h) => [h.host, toHostCompliance(h, rules.now)]));
  // A host removed from the inventory between the two reads is left out of the list, not shown half.
  const listed = (names: string[]) => names.flatMap((n) => hosts.get(n) ?? []);
  const overview = (overdue: string[], unknown: string[], atRisk: string[]): ComplianceOverview => ({
    generatedAt: rules.now,
    policy: summarizePolicy(policy, staleAfterMs),
    scope: group,
    total: toGroup(rows.total, hosts),
    groups: rows.groups.map((g) => toGroup(g, hosts)),
    overdue: { count: rows.overdue.count, first: listed(overdue) },
    unknown: { count: rows.unknown.count, first: listed(unknown) },
    atRisk: { count: rows.atRisk.count, first: listed(atRisk) },
    freshness: { newest: rows.newestScan, oldest: rows.oldestScan, unreachable: rows.unreachable, neverScanned: rows.neverScanned },
  });
  return {
    page: overview(rows.overdue.first, rows.unknown.first, rows.atRisk.first),
    first: heads ? overview(heads.overdue, heads.unknown, heads.atRisk) : null,
  };
};

/** Every host in scope, by name, a page at a time: the full report streams in bounded memory. */
export async function* complianceHosts(store: ComplianceStore, options: ComplianceReportOptions, pageSize = HOST_PAGE): AsyncGenerator<HostCompliance[]> {
  const { rules, group } = await prepare(store, options);
  let after: string | null = null;
  for (;;) {
    const page = await store.compliance.hostPage(group, rules, after, pageSize);
    if (page.length) yield page.map((h) => toHostCompliance(h, rules.now));
    if (page.length < pageSize) return;
    after = page.at(-1)!.host;
  }
}
