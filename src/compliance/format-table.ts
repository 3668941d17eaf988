import type { ComplianceReport, GroupCompliance, HostCompliance } from './model.ts';
import { summarizeCompliance } from './summary.ts';
import { stampText } from './time-text.ts';

/** Columns padded to their widest cell; numeric columns right-aligned so digits line up. */
export const alignColumns = (header: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string[] => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
};

const SEVERITY_HEADERS = ['CRIT', 'IMP', 'MOD', 'LOW', 'UNRATED'];
const severityCells = (m: HostCompliance['missing']) => [m.critical, m.important, m.moderate, m.low, m.unknown].map(String);

const groupRow = (g: GroupCompliance): string[] => [
  g.group,
  String(g.hosts),
  g.compliantPct === null ? '-' : `${g.compliantPct}%`,
  String(g.byStatus['at-risk']),
  String(g.byStatus.overdue),
  String(g.byStatus.unknown),
  g.status,
  g.oldestOverdue ? `${g.oldestOverdue.patchId} on ${g.oldestOverdue.host} (${g.oldestOverdue.daysOverdue} d)` : '',
];

const lastScanCell = (h: HostCompliance): string => {
  if (!h.lastScanAt) return 'never';
  return h.lastScanOutcome === 'ok' ? stampText(h.lastScanAt) : `${stampText(h.lastScanAt)} (${h.lastScanOutcome})`;
};

const hostRow = (h: HostCompliance): string[] => [
  h.host,
  h.groups.join(',') || '-',
  h.unknownReason ? `unknown (${h.unknownReason})` : h.status,
  ...severityCells(h.missing),
  h.oldestOverdue?.patchId ?? '',
  h.oldestOverdue ? String(h.oldestOverdue.daysOverdue) : '',
  lastScanCell(h),
];

/** For a terminal: what was measured, the summary, one row per group, one row per host. */
export const formatTable = (report: ComplianceReport): string => {
  const summary = summarizeCompliance(report);
  const sla = report.policy.slaDays;
  const out = [
    `${report.policy.label} compliance, ${report.scope ?? 'all hosts'}, at ${stampText(report.generatedAt)}`,
    report.policy.note,
    `SLA days: critical ${sla.critical}, important ${sla.important}, moderate ${sla.moderate}, low ${sla.low}, unrated ${sla.unknown}; evidence older than ${report.policy.staleAfterDays} days counts as unknown.`,
    '',
    summary.headline,
    '',
  ];
  if (report.groups.length) {
    out.push(...alignColumns(['GROUP', 'HOSTS', 'COMPLIANT', 'AT RISK', 'OVERDUE', 'UNKNOWN', 'STATUS', 'OLDEST OVERDUE'], report.groups.map(groupRow), new Set([1, 2, 3, 4, 5])), '');
  }
  if (report.hosts.length) {
    const header = ['HOST', 'GROUPS', 'STATUS', ...SEVERITY_HEADERS, 'OLDEST OVERDUE', 'DAYS LATE', 'LAST SCAN'];
    out.push(...alignColumns(header, report.hosts.map(hostRow), new Set([3, 4, 5, 6, 7, 9])), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
};
