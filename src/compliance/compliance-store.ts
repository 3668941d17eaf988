import type { Counted } from '../discovery/discovery-store.ts';
import type { ComplianceStatus, SeverityCounts, UnknownReason } from './model.ts';

/**
 * The rules of a compliance policy as data, so the store can evaluate them where the findings
 * are (issue #20: 100,000 hosts × 50 findings are not read into the process to be counted).
 */
export interface ComplianceRules {
  now: Date;
  /** The SLA of each severity, in ms (after any framework cap). */
  slaMs: SeverityCounts;
  /** How long before its deadline a patch counts as at risk, per severity, in ms. */
  warnMs: SeverityCounts;
  /** Only security patches are measured (the frameworks); otherwise every patch. */
  securityOnly: boolean;
  /** The clock starts at the earlier of the patch's first sighting anywhere and on this host (PCI), not on this host. */
  clockFromRelease: boolean;
  /** A latest scan older than this is no evidence. */
  staleAfterMs: number;
}

/** A patch past or near its deadline, as the store found it; the days are counted by the caller. */
export interface DueRow {
  patchId: string;
  severity: keyof SeverityCounts;
  security: boolean;
  clockStart: Date;
  dueAt: Date;
}

/** One host as the rules judge it, its overdue and at-risk patches soonest deadline first. */
export interface HostRow {
  host: string;
  groups: string[];
  status: ComplianceStatus;
  unknownReason: UnknownReason | null;
  lastScanAt: Date | null;
  lastScanOutcome: 'ok' | 'unreachable' | 'failed' | null;
  missing: SeverityCounts;
  pendingReboot: number;
  overdue: DueRow[];
  atRisk: DueRow[];
}

/** A group's (or the scope's) hosts counted by status and missing patches; `oldestOverdueHost` names the overdue host with the earliest deadline. */
export interface RollupRow {
  group: string;
  hosts: number;
  byStatus: Record<ComplianceStatus, number>;
  missing: SeverityCounts;
  oldestOverdueHost: string | null;
}

export interface OverviewRows {
  total: RollupRow;
  /** Every group (scope null) or the scoped group, by name; empty groups included. */
  groups: RollupRow[];
  /** Overdue hosts, earliest deadline first. */
  overdue: Counted<string>;
  /** Unknown hosts, never scanned first, then the longest unseen. */
  unknown: Counted<string>;
  /** At-risk hosts, soonest at-risk deadline first. */
  atRisk: Counted<string>;
  /** Over the hosts with any latest scan, whatever its outcome. */
  newestScan: Date | null;
  oldestScan: Date | null;
  unreachable: number;
  neverScanned: number;
  /** With `head`: the first `head` hosts of each list, whatever the offset (the first page's). */
  heads?: { overdue: string[]; unknown: string[]; atRisk: string[] };
}

/** Compliance reads; `group` null is the whole inventory (a group must exist: the caller checks). */
export interface ComplianceReads {
  /**
   * Counts and rollups in the store, naming `sample` hosts of each list after its first `offset` (a
   * chat page), and with `head` also each list's first `head` hosts (`heads`) in the same statement.
   */
  overview(group: string | null, rules: ComplianceRules, sample: number, offset?: number, head?: number): Promise<OverviewRows>;
  /** The hosts in scope by name after `after` (null: from the first), at most `limit`: a page of the full report. */
  hostPage(group: string | null, rules: ComplianceRules, after: string | null, limit: number): Promise<HostRow[]>;
  /** These hosts (those in the inventory), by name. */
  hostsNamed(names: readonly string[], rules: ComplianceRules): Promise<HostRow[]>;
}

export interface ComplianceRepos {
  compliance: ComplianceReads;
}
