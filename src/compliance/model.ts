import type { ScanOutcome, Severity } from '../discovery/patch.ts';
import type { Counted } from '../discovery/discovery-store.ts';
import type { FrameworkName } from './policy.ts';

export type ComplianceStatus = 'compliant' | 'at-risk' | 'overdue' | 'unknown';

/**
 * Worst wins in a rollup. Overdue ranks above unknown: an overdue patch is a proven breach, an
 * unknown host an unproven one (it is still listed, and `--fail-on unknown` can gate on it).
 */
export const STATUS_RANK: Record<ComplianceStatus, number> = { compliant: 0, 'at-risk': 1, unknown: 2, overdue: 3 };

export const worstStatus = (statuses: Iterable<ComplianceStatus>, empty: ComplianceStatus): ComplianceStatus => {
  let worst: ComplianceStatus | null = null;
  for (const status of statuses) if (worst === null || STATUS_RANK[status] > STATUS_RANK[worst]) worst = status;
  return worst ?? empty;
};

export type SeverityCounts = Record<Severity, number>;
export const zeroCounts = (): SeverityCounts => ({ critical: 0, important: 0, moderate: 0, low: 0, unknown: 0 });

/** Why a host's state cannot be vouched for: the evidence is missing, failed or too old. */
export type UnknownReason = 'never-scanned' | 'unreachable' | 'scan-failed' | 'stale';

/** One applicable, not yet installed patch and its SLA clock. */
export interface DuePatch {
  patchId: string;
  severity: Severity;
  security: boolean;
  clockStart: Date;
  dueAt: Date;
}

export interface OverduePatch extends DuePatch {
  /** Whole days past the deadline, at least 1: "0 days late" would read as on time. */
  daysOverdue: number;
}

export interface AtRiskPatch extends DuePatch {
  /** Whole days left, rounded down: 0 means due within the next 24 h. */
  daysLeft: number;
}

export interface HostCompliance {
  host: string;
  groups: string[];
  status: ComplianceStatus;
  unknownReason: UnknownReason | null;
  lastScanAt: Date | null;
  lastScanOutcome: ScanOutcome | null;
  /** Applicable patches not yet in effect (missing, failed or pending reboot), by severity. */
  missing: SeverityCounts;
  pendingReboot: number;
  /** Most late first. For an unknown host these are as of its last successful scan. */
  overdue: OverduePatch[];
  /** Soonest deadline first. */
  atRisk: AtRiskPatch[];
  oldestOverdue: OverduePatch | null;
}

export interface GroupCompliance {
  group: string;
  hosts: number;
  byStatus: Record<ComplianceStatus, number>;
  /** Hosts compliant or at risk (nothing past its deadline, evidence fresh), in percent; null for an empty group. */
  compliantPct: number | null;
  status: ComplianceStatus;
  missing: SeverityCounts;
  oldestOverdue: (OverduePatch & { host: string }) | null;
}

export interface PolicySummary {
  framework: FrameworkName | null;
  label: string;
  note: string;
  /** The SLA applied per severity, in days, after any framework cap. */
  slaDays: SeverityCounts;
  staleAfterDays: number;
}

/** What a summary needs, counted in the store: rollups, the first few hosts of each list, freshness. */
export interface ComplianceOverview {
  generatedAt: Date;
  policy: PolicySummary;
  /** The group the report was limited to, or null for the whole inventory. */
  scope: string | null;
  total: GroupCompliance;
  groups: GroupCompliance[];
  /** Overdue hosts, earliest deadline first: how many, and the first few. */
  overdue: Counted<HostCompliance>;
  /** Unknown hosts, never scanned first, then the longest unseen. */
  unknown: Counted<HostCompliance>;
  /** At-risk hosts, soonest deadline first. */
  atRisk: Counted<HostCompliance>;
  freshness: {
    /** Newest and oldest latest scan over the hosts that have one, whatever its outcome. */
    newest: Date | null;
    oldest: Date | null;
    unreachable: number;
    neverScanned: number;
  };
}

/** Where a report goes, a chunk at a time; a promise is waited for (a stream's back-pressure). */
export type WriteChunk = (chunk: string) => void | Promise<void>;
