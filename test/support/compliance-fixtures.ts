import type { ComplianceReport, ComplianceStatus, HostCompliance, OverduePatch } from '../../src/compliance/model.ts';
import { zeroCounts } from '../../src/compliance/model.ts';
import { DAY_MS, policyFor } from '../../src/compliance/policy.ts';
import { rollupGroup } from '../../src/compliance/rollup.ts';

/** Hand-built results for the pure format and summary tests (the store-backed path has its own test). */
export const NOW = new Date('2024-03-01T00:00:00Z');
export const SLA = { critical: 7 * DAY_MS, important: 30 * DAY_MS, moderate: 90 * DAY_MS, low: 180 * DAY_MS };

export const overduePatch = (patchId: string, daysOverdue: number): OverduePatch => ({
  patchId,
  severity: 'critical',
  security: true,
  clockStart: new Date(NOW.getTime() - (7 + daysOverdue) * DAY_MS),
  dueAt: new Date(NOW.getTime() - daysOverdue * DAY_MS),
  daysOverdue,
});

export const hostResult = (host: string, status: ComplianceStatus, extra: Partial<HostCompliance> = {}): HostCompliance => ({
  host,
  groups: ['prod-web'],
  status,
  unknownReason: status === 'unknown' ? 'stale' : null,
  lastScanAt: new Date(NOW.getTime() - 2 * 3_600_000),
  lastScanOutcome: 'ok',
  missing: zeroCounts(),
  pendingReboot: 0,
  overdue: extra.oldestOverdue ? [extra.oldestOverdue] : [],
  atRisk: [],
  oldestOverdue: null,
  ...extra,
});

export const reportOf = (hosts: HostCompliance[], framework: 'pci' | 'hipaa' | null = null, scope: string | null = null): ComplianceReport => {
  const policy = policyFor(framework, SLA);
  return {
    generatedAt: NOW,
    policy: { framework, label: policy.label, note: policy.note, slaDays: { critical: 7, important: 30, moderate: 90, low: 180, unknown: 90 }, staleAfterDays: 7 },
    scope,
    total: rollupGroup(scope ?? 'all hosts', hosts),
    groups: [
      rollupGroup(
        'prod-web',
        hosts.filter((h) => h.groups.includes('prod-web')),
      ),
    ],
    hosts,
  };
};
