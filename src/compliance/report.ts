import type { HostScan, Patch } from '../discovery/patch.ts';
import type { Group, Host } from '../inventory/host.ts';
import { findGroup, groupsOf, membersOf } from '../inventory/resolve.ts';
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

/** Hosts whose findings are read at once: hides round-trip latency on a server, keeps memory to a few hosts' rows. */
const BATCH = 16;

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
 * host by host: only one batch of hosts' findings is in memory at a time, plus the patch catalog
 * and the latest scan per host, which are both bounded by the estate rather than by its history.
 * Hosts no longer in the inventory are not reported, whatever findings they left behind.
 */
export const buildComplianceReport = async (store: ComplianceStore, options: ComplianceReportOptions): Promise<ComplianceReport> => {
  const now = options.now ?? new Date();
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const policy = policyFor(options.framework ?? null, options.sla);
  const [hosts, groups] = await Promise.all([store.hosts.list(), store.groups.list()]);
  const scoped: Group[] = options.group ? [findGroup({ hosts, groups }, options.group)] : groups;
  const inScope: Host[] = options.group ? membersOf(scoped[0]!, hosts) : [...hosts].sort((a, b) => a.name.localeCompare(b.name));

  const [catalog, scans] = await Promise.all([store.patches.list(), store.scans.latestPerHost()]);
  const patches = new Map<string, Patch>(catalog.map((p) => [p.id, p]));
  const lastScans = new Map<string, HostScan>(scans.map((s) => [s.host, s]));

  const results: HostCompliance[] = [];
  for (let i = 0; i < inScope.length; i += BATCH) {
    const batch = inScope.slice(i, i + BATCH);
    const evaluated = await Promise.all(
      batch.map(async (host) =>
        evaluateHost(
          { host: host.name, groups: groupsOf(host, groups), findings: await store.findings.byHost(host.name), patches, lastScan: lastScans.get(host.name) ?? null },
          { policy, now, staleAfterMs },
        ),
      ),
    );
    results.push(...evaluated);
  }

  const byName = new Map(results.map((r) => [r.host, r]));
  const groupResults = scoped.map((group) => rollupGroup(group.name, membersOf(group, hosts).flatMap((h) => byName.get(h.name) ?? [])));
  return {
    generatedAt: now,
    policy: summarizePolicy(policy, staleAfterMs),
    scope: options.group ?? null,
    total: rollupGroup(options.group ?? 'all hosts', results),
    groups: groupResults.sort((a, b) => a.group.localeCompare(b.group)),
    hosts: results,
  };
};
