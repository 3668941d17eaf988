import { type ComplianceStatus, type GroupCompliance, type HostCompliance, worstStatus, zeroCounts } from './model.ts';

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
