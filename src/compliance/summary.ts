import type { ComplianceReport, GroupCompliance, HostCompliance } from './model.ts';
import { plural, spanText } from './time-text.ts';

export interface ComplianceSummary {
  headline: string;
  lines: string[];
}

export interface SummaryOptions {
  /** Hosts or groups listed per section before "+N more" (chat has message size limits). */
  maxItems?: number;
}

const late = (days: number) => `${plural(days, 'day')} late`;

/** Why a host is unknown, in words, relative to the report's time. */
export const unknownText = (host: HostCompliance, now: Date): string => {
  const ago = host.lastScanAt ? spanText(now.getTime() - host.lastScanAt.getTime()) : '';
  switch (host.unknownReason) {
    case 'never-scanned':
      return 'never scanned';
    case 'unreachable':
      return `unreachable at its last scan, ${ago} ago`;
    case 'scan-failed':
      return `last scan failed, ${ago} ago`;
    default:
      return `not scanned for ${ago}`;
  }
};

/** Never scanned first, then the longest unseen. */
const stalestFirst = (a: HostCompliance, b: HostCompliance) => (a.lastScanAt?.getTime() ?? -Infinity) - (b.lastScanAt?.getTime() ?? -Infinity) || a.host.localeCompare(b.host);

const capped = (items: string[], max: number, what: string): string[] => (items.length > max ? [...items.slice(0, max), `+${items.length - max} more ${what}`] : items);

const groupLine = (g: GroupCompliance): string => {
  if (g.hosts === 0) return `${g.group}: no hosts`;
  const parts = [`${g.byStatus.compliant + g.byStatus['at-risk']} of ${plural(g.hosts, 'host')} compliant`];
  if (g.byStatus.overdue) parts.push(`${g.byStatus.overdue} overdue`);
  if (g.byStatus.unknown) parts.push(`${g.byStatus.unknown} unknown`);
  if (g.byStatus['at-risk']) parts.push(`${g.byStatus['at-risk']} at risk`);
  return `${g.group}: ${parts.join('; ')}`;
};

const freshnessLine = (hosts: readonly HostCompliance[], now: Date): string | null => {
  const times = hosts.flatMap((h) => (h.lastScanAt ? [h.lastScanAt.getTime()] : []));
  if (times.length === 0) return hosts.length ? 'No host has been scanned yet.' : null;
  const newest = spanText(now.getTime() - Math.max(...times));
  const oldest = spanText(now.getTime() - Math.min(...times));
  const unreachable = hosts.filter((h) => h.unknownReason === 'unreachable').length;
  const never = hosts.filter((h) => h.unknownReason === 'never-scanned').length;
  const tail = [unreachable ? `${plural(unreachable, 'host')} unreachable` : '', never ? `${never} never scanned` : ''].filter(Boolean);
  return `From scans ${newest} ago${oldest === newest ? '' : ` (oldest ${oldest} ago)`}${tail.length ? `; ${tail.join(', ')}` : ''}.`;
};

/**
 * A plain-text summary for chat cards and terminals: one headline such as
 * "PCI DSS: 42 of 45 hosts compliant; 2 overdue (oldest: DSA-5600-1 on db-02, 12 days late);
 * 1 unknown (web-09 not scanned for 9 days)", then detail lines, each section capped.
 */
export const summarizeCompliance = (report: ComplianceReport, { maxItems = 5 }: SummaryOptions = {}): ComplianceSummary => {
  const now = report.generatedAt;
  const { total, hosts } = report;
  const label = `${report.policy.label}${report.scope ? ` (${report.scope})` : ''}`;
  if (total.hosts === 0) return { headline: `${label}: no hosts to report on.`, lines: [report.policy.note] };

  const overdue = hosts.filter((h) => h.status === 'overdue').sort((a, b) => a.oldestOverdue!.dueAt.getTime() - b.oldestOverdue!.dueAt.getTime());
  const unknown = hosts.filter((h) => h.status === 'unknown').sort(stalestFirst);
  const atRisk = hosts.filter((h) => h.status === 'at-risk').sort((a, b) => a.atRisk[0]!.dueAt.getTime() - b.atRisk[0]!.dueAt.getTime());
  const within = total.byStatus.compliant + total.byStatus['at-risk'];

  const parts = [`${within} of ${plural(total.hosts, 'host')} compliant${atRisk.length ? ` (${atRisk.length} at risk)` : ''}`];
  const oldest = total.oldestOverdue;
  if (oldest) parts.push(`${overdue.length} overdue (oldest: ${oldest.patchId} on ${oldest.host}, ${late(oldest.daysOverdue)})`);
  const first = unknown[0];
  if (first) parts.push(`${unknown.length} unknown (${first.host} ${unknownText(first, now)}${unknown.length > 1 ? `, +${unknown.length - 1} more` : ''})`);

  const lines = [report.policy.note, freshnessLine(hosts, now)].filter((l): l is string => Boolean(l));
  if (!report.scope && report.groups.length) lines.push(...capped(report.groups.map(groupLine), maxItems, 'groups'));
  const overdueLines = overdue.map(
    (h) =>
      `Overdue: ${h.host}: ${plural(h.overdue.length, 'patch', 'patches')} late, oldest ${h.oldestOverdue!.patchId} (${h.oldestOverdue!.severity}) ${late(h.oldestOverdue!.daysOverdue)}`,
  );
  const riskLines = atRisk.map(
    (h) => `At risk: ${h.host}: ${h.atRisk[0]!.patchId} (${h.atRisk[0]!.severity}) due ${h.atRisk[0]!.daysLeft ? `in ${plural(h.atRisk[0]!.daysLeft, 'day')}` : 'within a day'}`,
  );
  const unknownLines = unknown.map((h) => `Unknown: ${h.host}: ${unknownText(h, now)}`);
  lines.push(...capped(overdueLines, maxItems, 'overdue hosts'), ...capped(unknownLines, maxItems, 'unknown hosts'), ...capped(riskLines, maxItems, 'hosts at risk'));
  return { headline: `${label}: ${parts.join('; ')}`, lines };
};
