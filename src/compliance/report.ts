import type { Finding, HostScan, Patch } from '../discovery/patch.ts';
import type { Group, Host } from '../inventory/host.ts';
import { findGroup, groupsOf } from '../inventory/resolve.ts';
import type { DiscoveryRepos } from '../discovery/discovery-store.ts';
import type { InventoryRepos } from '../inventory/inventory-store.ts';
import { DEFAULT_STALE_AFTER_MS, evaluateHost } from './evaluate.ts';
import type { ComplianceReport, HostCompliance, PolicySummary } from './model.ts';
import { DAY_MS, type FrameworkName, type Policy, policyFor, type SlaConfig } from './policy.ts';
import { rollupGroup } from './rollup.ts';

export interface ComplianceReportOptions {
  sla: SlaConfig;
  framework?: FrameworkName | null;
  /** Limit the report to one group; an unknown name throws NotFoundError with suggestions. */
  group?: string | null;
  now?: Date;
  staleAfterMs?: number;
}

export type ComplianceStore = InventoryRepos & Pick<DiscoveryRepos, 'patches' | 'findings' | 'scans'>;

/** Hosts whose open findings are read in one statement: few statements, memory bounded to a batch's rows. */
const BATCH = 1000;

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

/**
 * Evaluates the inventory in the store (the hosts and groups the service synced from config)
 * host by host, a batch of hosts per read: only one batch's open findings and latest scans are in
 * memory at a time, plus the patch catalog. The policy is evaluated here, not in SQL (issue #20
 * asks for SQL aggregates: not done yet), but with two statements per 1,000 hosts.
 * Hosts no longer in the inventory are not reported, whatever findings they left behind.
 */
export const buildComplianceReport = async (store: ComplianceStore, options: ComplianceReportOptions): Promise<ComplianceReport> => {
  const now = options.now ?? new Date();
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const policy = policyFor(options.framework ?? null, options.sla);
  const groups = await store.groups.list();
  const inScope = await hostsInScope(store, groups, options.group ?? null);
  const scoped: Group[] = options.group ? groups.filter((g) => g.name === options.group) : groups;
  const patches = new Map<string, Patch>((await store.patches.list()).map((p) => [p.id, p]));

  const results: HostCompliance[] = [];
  for (let i = 0; i < inScope.length; i += BATCH) {
    const batch = inScope.slice(i, i + BATCH);
    const names = batch.map((h) => h.name);
    const [open, scans] = await Promise.all([store.findings.openOf(names), store.scans.latestOf(names)]);
    const findingsOf = new Map<string, Finding[]>();
    for (const f of open) {
      const list = findingsOf.get(f.host);
      if (list) list.push(f);
      else findingsOf.set(f.host, [f]);
    }
    const lastScans = new Map<string, HostScan>(scans.map((s) => [s.host, s]));
    for (const host of batch) {
      const evidence = { host: host.name, groups: groupsOf(host, groups), findings: findingsOf.get(host.name) ?? [], patches, lastScan: lastScans.get(host.name) ?? null };
      results.push(evaluateHost(evidence, { policy, now, staleAfterMs }));
    }
  }

  // Each result names its groups (groupsOf): bucket once rather than re-evaluating every group over every host.
  const byGroup = new Map<string, HostCompliance[]>(scoped.map((g) => [g.name, []]));
  for (const result of results) for (const group of result.groups) byGroup.get(group)?.push(result);
  const groupResults = scoped.map((group) => rollupGroup(group.name, byGroup.get(group.name)!));
  return {
    generatedAt: now,
    policy: summarizePolicy(policy, staleAfterMs),
    scope: options.group ?? null,
    total: rollupGroup(options.group ?? 'all hosts', results),
    groups: groupResults.sort((a, b) => a.group.localeCompare(b.group)),
    hosts: results,
  };
};

/** The hosts reported on, by name: a group's members (found by the store), or the whole inventory. */
const hostsInScope = async (store: ComplianceStore, groups: readonly Group[], group: string | null): Promise<Host[]> => {
  if (group === null) return (await store.hosts.list()).sort((a, b) => a.name.localeCompare(b.name));
  const names = await store.groups.memberNames(group);
  if (names === null) findGroup({ hosts: [], groups }, group);
  // hosts.get calls made together share one query.
  const hosts = await Promise.all((names ?? []).map((name) => store.hosts.get(name)));
  return hosts.filter((h): h is Host => h !== null).sort((a, b) => a.name.localeCompare(b.name));
};
