import type { Finding, HostScan, Patch } from '../discovery/patch.ts';
import { type AtRiskPatch, type HostCompliance, type OverduePatch, type UnknownReason, zeroCounts } from './model.ts';
import { DAY_MS, type Policy } from './policy.ts';

/**
 * Evidence older than this proves nothing. Scheduled discovery defaults to every 6 h, but estates
 * scan weekly too and a long weekend must not flip every host to unknown; a week is also the
 * shortest default SLA (critical), so a host not seen for longer could have breached it unseen.
 */
export const DEFAULT_STALE_AFTER_MS = 7 * DAY_MS;

/** Warn while there is still time to schedule a window: the last quarter of the SLA, or 3 days, whichever starts earlier. */
export const AT_RISK_FRACTION = 0.25;
export const AT_RISK_MIN_MS = 3 * DAY_MS;
export const atRiskWindow = (slaMs: number): number => Math.max(slaMs * AT_RISK_FRACTION, AT_RISK_MIN_MS);

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
  staleAfterMs?: number;
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
  const byDeadline = (a: { dueAt: Date; patchId: string }, b: { dueAt: Date; patchId: string }) => a.dueAt.getTime() - b.dueAt.getTime() || a.patchId.localeCompare(b.patchId);
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
