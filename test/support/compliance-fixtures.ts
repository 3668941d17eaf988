import { type ReportFormat, writeReport } from '../../src/compliance/format.ts';
import type { ComplianceOverview, ComplianceStatus, HostCompliance, OverduePatch } from '../../src/compliance/model.ts';
import { zeroCounts } from '../../src/compliance/model.ts';
import { DAY_MS, policyFor } from '../../src/compliance/policy.ts';
import { byCodeUnits, rollupGroup } from './compliance-oracle.ts';

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

/** The overview of these host results, every host named in its list (as the store orders them). */
export const reportOf = (hosts: HostCompliance[], framework: 'pci' | 'hipaa' | null = null, scope: string | null = null): ComplianceOverview => {
  const policy = policyFor(framework, SLA);
  const counted = (list: HostCompliance[]) => ({ count: list.length, first: list });
  const times = hosts.flatMap((h) => (h.lastScanAt ? [h.lastScanAt.getTime()] : []));
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
    overdue: counted(hosts.filter((h) => h.status === 'overdue').sort((a, b) => a.oldestOverdue!.dueAt.getTime() - b.oldestOverdue!.dueAt.getTime())),
    unknown: counted(
      hosts.filter((h) => h.status === 'unknown').sort((a, b) => (a.lastScanAt?.getTime() ?? -Infinity) - (b.lastScanAt?.getTime() ?? -Infinity) || byCodeUnits(a.host, b.host)),
    ),
    atRisk: counted(hosts.filter((h) => h.status === 'at-risk').sort((a, b) => a.atRisk[0]!.dueAt.getTime() - b.atRisk[0]!.dueAt.getTime())),
    freshness: {
      newest: times.length ? new Date(Math.max(...times)) : null,
      oldest: times.length ? new Date(Math.min(...times)) : null,
      unreachable: hosts.filter((h) => h.unknownReason === 'unreachable').length,
      neverScanned: hosts.filter((h) => h.unknownReason === 'never-scanned').length,
    },
  };
};

/** The report of these hosts in `format`, as the CLI writes it (hosts in pages of two). */
export const render = async (hosts: HostCompliance[], format: ReportFormat): Promise<string> => {
  let out = '';
  async function* pages() {
    for (let i = 0; i < hosts.length; i += 2) yield hosts.slice(i, i + 2);
  }
  await writeReport(
    async () => reportOf(hosts),
    pages(),
    format,
    (chunk) => {
      out += chunk;
    },
  );
  return out;
};
