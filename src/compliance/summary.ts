import type { Counted } from '../discovery/discovery-store.ts';
import type { ComplianceOverview, GroupCompliance, HostCompliance } from './model.ts';
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

/** One host of each list, as the summary and the chat card write it. */
export const overdueLine = (h: HostCompliance): string =>
  `${h.host}: ${plural(h.overdue.length, 'patch', 'patches')} late, oldest ${h.oldestOverdue!.patchId} (${h.oldestOverdue!.severity}) ${late(h.oldestOverdue!.daysOverdue)}`;
export const unknownLine = (h: HostCompliance, now: Date): string => `${h.host}: ${unknownText(h, now)}`;
export const atRiskLine = (h: HostCompliance): string =>
  `${h.host}: ${h.atRisk[0]!.patchId} (${h.atRisk[0]!.severity}) due ${h.atRisk[0]!.daysLeft ? `in ${plural(h.atRisk[0]!.daysLeft, 'day')}` : 'within a day'}`;

/** The first `max` items, and how many more there are by the count (only the first few were read). */
const capped = (items: string[], count: number, max: number, what: string): string[] => (count > max ? [...items.slice(0, max), `+${count - max} more ${what}`] : items.slice(0, max));

export const groupLine = (g: GroupCompliance): string => {
  if (g.hosts === 0) return `${g.group}: no hosts`;
  const parts = [`${g.byStatus.compliant + g.byStatus['at-risk']} of ${plural(g.hosts, 'host')} compliant`];
  if (g.byStatus.overdue) parts.push(`${g.byStatus.overdue} overdue`);
  if (g.byStatus.unknown) parts.push(`${g.byStatus.unknown} unknown`);
  if (g.byStatus['at-risk']) parts.push(`${g.byStatus['at-risk']} at risk`);
  return `${g.group}: ${parts.join('; ')}`;
};

/** "From scans 2 h ago (oldest 3 days ago); 1 host unreachable." — null when the scope has no hosts. */
export const freshnessLine = ({ total, freshness }: ComplianceOverview, now: Date): string | null => {
  if (freshness.newest === null || freshness.oldest === null) return total.hosts ? 'No host has been scanned yet.' : null;
  const newest = spanText(now.getTime() - freshness.newest.getTime());
  const oldest = spanText(now.getTime() - freshness.oldest.getTime());
  const { unreachable, neverScanned: never } = freshness;
  const tail = [unreachable ? `${plural(unreachable, 'host')} unreachable` : '', never ? `${never} never scanned` : ''].filter(Boolean);
  return `From scans ${newest} ago${oldest === newest ? '' : ` (oldest ${oldest} ago)`}${tail.length ? `; ${tail.join(', ')}` : ''}.`;
};

/**
 * A plain-text summary for chat cards and terminals: one headline such as
 * "PCI DSS: 42 of 45 hosts compliant; 2 overdue (oldest: DSA-5600-1 on db-02, 12 days late);
 * 1 unknown (web-09 not scanned for 9 days)", then detail lines, each section capped (the
 * overview names at least `maxItems` hosts per list: build it with that `sample`).
 */
export const summarizeCompliance = (report: ComplianceOverview, { maxItems = 5 }: SummaryOptions = {}): ComplianceSummary => {
  const now = report.generatedAt;
  const { total } = report;
  const label = `${report.policy.label}${report.scope ? ` (${report.scope})` : ''}`;
  if (total.hosts === 0) return { headline: `${label}: no hosts to report on.`, lines: [report.policy.note] };

  const { overdue, unknown, atRisk } = report;
  const within = total.byStatus.compliant + total.byStatus['at-risk'];

  const parts = [`${within} of ${plural(total.hosts, 'host')} compliant${atRisk.count ? ` (${atRisk.count} at risk)` : ''}`];
  const oldest = total.oldestOverdue;
  if (oldest) parts.push(`${overdue.count} overdue (oldest: ${oldest.patchId} on ${oldest.host}, ${late(oldest.daysOverdue)})`);
  const first = unknown.first[0];
  if (first) parts.push(`${unknown.count} unknown (${first.host} ${unknownText(first, now)}${unknown.count > 1 ? `, +${unknown.count - 1} more` : ''})`);

  const lines = [report.policy.note, freshnessLine(report, now)].filter((l): l is string => Boolean(l));
  if (!report.scope && report.groups.length) lines.push(...capped(report.groups.map(groupLine), report.groups.length, maxItems, 'groups'));
  const section = (list: Counted<HostCompliance>, line: (h: HostCompliance) => string, what: string) => capped(list.first.map(line), list.count, maxItems, what);
  lines.push(
    ...section(overdue, (h) => `Overdue: ${overdueLine(h)}`, 'overdue hosts'),
    ...section(unknown, (h) => `Unknown: ${unknownLine(h, now)}`, 'unknown hosts'),
    ...section(atRisk, (h) => `At risk: ${atRiskLine(h)}`, 'hosts at risk'),
  );
  return { headline: `${label}: ${parts.join('; ')}`, lines };
};
