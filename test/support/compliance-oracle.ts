import type { Finding, HostScan, Patch } from '../../src/discovery/patch.ts';
import type { GroupCompliance, ComplianceStatus } from '../../src/compliance/model.ts';
import { type AtRiskPatch, type HostCompliance, type OverduePatch, type UnknownReason, worstStatus, zeroCounts } from '../../src/compliance/model.ts';
import { DAY_MS, type Policy } from '../../src/compliance/policy.ts';
import { atRiskWindow, DEFAULT_STALE_AFTER_MS } from '../../src/compliance/rules.ts';
import { groupsOf, membersOf } from '../../src/inventory/resolve.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';

/**
 * The compliance rules as JavaScript: the evaluation patchbot ran before issue #20 moved it into
 * the store (adapters/postgres/compliance-sql.ts), kept as the oracle the SQL is compared with
 * (test/compliance/sql-matches-oracle.test.ts). One change from that code: ties are broken in
 * code-unit order (PostgreSQL's "C" collation), not localeCompare.
 */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface HostEvidence {
  host: string;
  groups: string[];
  findings: readonly Finding[];
  patches: ReadonlyMap<string, Patch>;
  /** The host's latest scan, whatever its outcome; null when it was never scanned. */
  lastScan: HostScan | null;
}

export interface EvaluateOptions {
  policy: Policy;
  now: Date;
  staleAfterMs?: number | undefined;
}

/** Null when the last scan is usable evidence; otherwise why it is not. */
export const unknownReason = (lastScan: HostScan | null, now: Date, staleAfterMs = DEFAULT_STALE_AFTER_MS): UnknownReason | null => {
  if (!lastScan) return 'never-scanned';
  if (lastScan.outcome === 'unreachable') return 'unreachable';
  if (lastScan.outcome === 'failed') return 'scan-failed';
  return now.getTime() - lastScan.finishedAt.getTime() > staleAfterMs ? 'stale' : null;
};

/**
 * `missing`, `failed` and `pending-reboot` are all "not yet in effect": a patch installed but
 * waiting for a reboot still leaves the old code running, so the SLA clock keeps ticking until the
 * reboot. `installed` and `excluded` (a deliberate exception) are not measured.
 */
const OPEN_STATES = new Set<Finding['state']>(['missing', 'failed', 'pending-reboot']);

/**
 * A patch the catalog no longer knows is kept visible rather than dropped: unknown severity and
 * treated as security, so a framework report cannot lose it silently.
 */
const placeholder = (id: string, firstSeen: Date): Patch => ({ id, title: id, severity: 'unknown', security: true, cves: [], rebootHint: false, firstSeen });

export const evaluateHost = (evidence: HostEvidence, { policy, now, staleAfterMs }: EvaluateOptions): HostCompliance => {
  const missing = zeroCounts();
  const overdue: OverduePatch[] = [];
  const atRisk: AtRiskPatch[] = [];
  let pendingReboot = 0;
  for (const finding of evidence.findings) {
    if (!OPEN_STATES.has(finding.state)) continue;
    const patch = evidence.patches.get(finding.patchId) ?? placeholder(finding.patchId, finding.firstSeen);
    if (!policy.applies(patch)) continue;
    missing[patch.severity] += 1;
    if (finding.state === 'pending-reboot') pendingReboot += 1;
    const slaMs = policy.slaMs(patch.severity);
    const clockStart = policy.clockStart(finding, patch);
    const dueAt = new Date(clockStart.getTime() + slaMs);
    const left = dueAt.getTime() - now.getTime();
    const due = { patchId: patch.id, severity: patch.severity, security: patch.security, clockStart, dueAt };
    // Exactly at the deadline is still on time; one millisecond later is late.
    if (left < 0) overdue.push({ ...due, daysOverdue: Math.max(1, Math.floor(-left / DAY_MS)) });
    else if (left <= atRiskWindow(slaMs)) atRisk.push({ ...due, daysLeft: Math.floor(left / DAY_MS) });
  }
  const byDeadline = (a: { dueAt: Date; patchId: string }, b: { dueAt: Date; patchId: string }) => a.dueAt.getTime() - b.dueAt.getTime() || byCodeUnits(a.patchId, b.patchId);
  overdue.sort(byDeadline);
  atRisk.sort(byDeadline);

  const reason = unknownReason(evidence.lastScan, now, staleAfterMs);
  // Without fresh evidence the host is unknown even if it looked fine before; what we last knew
  // (counts, overdue list) is still reported so nobody has to dig for it.
  const status = reason ? 'unknown' : overdue.length ? 'overdue' : atRisk.length ? 'at-risk' : 'compliant';
  return {
    host: evidence.host,
    groups: evidence.groups,
    status,
    unknownReason: reason,
    lastScanAt: evidence.lastScan?.finishedAt ?? null,
    lastScanOutcome: evidence.lastScan?.outcome ?? null,
    missing,
    pendingReboot,
    overdue,
    atRisk,
    oldestOverdue: overdue[0] ?? null,
  };
};

/**
 * A group's compliance from its members' results. The status is the worst member's; an empty
 * group is `unknown` (nothing vouches for it) rather than vacuously compliant. The oldest overdue
 * patch comes from hosts that are overdue now: an unknown host's last-known lateness is listed on
 * the host, not counted against the group twice.
 */
export const rollupGroup = (group: string, members: readonly HostCompliance[]): GroupCompliance => {
  const byStatus: Record<ComplianceStatus, number> = { compliant: 0, 'at-risk': 0, overdue: 0, unknown: 0 };
  const missing = zeroCounts();
  let oldestOverdue: GroupCompliance['oldestOverdue'] = null;
  for (const host of members) {
    byStatus[host.status] += 1;
    for (const [severity, count] of Object.entries(host.missing) as [keyof typeof missing, number][]) missing[severity] += count;
    const candidate = host.status === 'overdue' ? host.oldestOverdue : null;
    if (candidate && (!oldestOverdue || candidate.dueAt.getTime() < oldestOverdue.dueAt.getTime())) oldestOverdue = { ...candidate, host: host.host };
  }
  const within = byStatus.compliant + byStatus['at-risk'];
  return {
    group,
    hosts: members.length,
    byStatus,
    compliantPct: members.length ? Math.round((within / members.length) * 1000) / 10 : null,
    status: worstStatus(
      members.map((m) => m.status),
      'unknown',
    ),
    missing,
    oldestOverdue,
  };
};

export interface OracleReport {
  total: GroupCompliance;
  groups: GroupCompliance[];
  /** By host name. */
  hosts: HostCompliance[];
  /** Host names in the order the summary lists them. */
  overdue: string[];
  unknown: string[];
  atRisk: string[];
  freshness: { newest: Date | null; oldest: Date | null; unreachable: number; neverScanned: number };
}

/** The whole report the old way: every host, finding and scan read into the process and judged here. */
export const oracleReport = async (store: PatchbotStore, { policy, now, group = null, staleAfterMs }: EvaluateOptions & { group?: string | null }): Promise<OracleReport> => {
  const groups = await store.groups.list();
  const all = (await store.hosts.list()).sort((a, b) => byCodeUnits(a.name, b.name));
  const scoped =
    group === null
      ? all
      : membersOf(
          groups.find((g) => g.name === group)!,
          all,
        ).sort((a, b) => byCodeUnits(a.name, b.name));
  const patches = new Map((await store.patches.list()).map((p) => [p.id, p]));
  const scans = new Map((await store.scans.latestOf(scoped.map((h) => h.name))).map((s) => [s.host, s]));
  const hosts: HostCompliance[] = [];
  for (const host of scoped) {
    const findings = await store.findings.byHost(host.name);
    hosts.push(evaluateHost({ host: host.name, groups: groupsOf(host, groups), findings, patches, lastScan: scans.get(host.name) ?? null }, { policy, now, staleAfterMs }));
  }
  const rolled = (group === null ? groups : groups.filter((g) => g.name === group)).map((g) =>
    rollupGroup(
      g.name,
      hosts.filter((h) => h.groups.includes(g.name)),
    ),
  );
  const named = (list: HostCompliance[]) => list.map((h) => h.host);
  const times = hosts.flatMap((h) => (h.lastScanAt ? [h.lastScanAt.getTime()] : []));
  return {
    total: rollupGroup(group ?? 'all hosts', hosts),
    groups: rolled.sort((a, b) => byCodeUnits(a.group, b.group)),
    hosts,
    overdue: named(hosts.filter((h) => h.status === 'overdue').sort((a, b) => a.oldestOverdue!.dueAt.getTime() - b.oldestOverdue!.dueAt.getTime())),
    unknown: named(
      hosts.filter((h) => h.status === 'unknown').sort((a, b) => (a.lastScanAt?.getTime() ?? -Infinity) - (b.lastScanAt?.getTime() ?? -Infinity) || byCodeUnits(a.host, b.host)),
    ),
    atRisk: named(hosts.filter((h) => h.status === 'at-risk').sort((a, b) => a.atRisk[0]!.dueAt.getTime() - b.atRisk[0]!.dueAt.getTime())),
    freshness: {
      newest: times.length ? new Date(Math.max(...times)) : null,
      oldest: times.length ? new Date(Math.min(...times)) : null,
      unreachable: hosts.filter((h) => h.unknownReason === 'unreachable').length,
      neverScanned: hosts.filter((h) => h.unknownReason === 'never-scanned').length,
    },
  };
};
