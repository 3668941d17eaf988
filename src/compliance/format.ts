import { formatTable } from './format-table.ts';
import type { ComplianceReport, HostCompliance } from './model.ts';

export const REPORT_FORMATS = ['table', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const isReportFormat = (value: string): value is ReportFormat => (REPORT_FORMATS as readonly string[]).includes(value);

/** RFC 4180: a field with a comma, quote or line break is quoted, and its quotes are doubled. */
export const csvField = (value: string | number | null): string => {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export const CSV_HEADER = [
  'host',
  'groups',
  'status',
  'unknown_reason',
  'missing_critical',
  'missing_important',
  'missing_moderate',
  'missing_low',
  'missing_unknown',
  'pending_reboot',
  'overdue_count',
  'at_risk_count',
  'oldest_overdue_patch',
  'oldest_overdue_days',
  'last_scan_at',
  'last_scan_outcome',
] as const;

const csvRow = (h: HostCompliance): (string | number | null)[] => [
  h.host,
  // One row per host even when it sits in several groups: spreadsheets filter on "contains".
  h.groups.join(';'),
  h.status,
  h.unknownReason,
  h.missing.critical,
  h.missing.important,
  h.missing.moderate,
  h.missing.low,
  h.missing.unknown,
  h.pendingReboot,
  h.overdue.length,
  h.atRisk.length,
  h.oldestOverdue?.patchId ?? null,
  h.oldestOverdue?.daysOverdue ?? null,
  h.lastScanAt?.toISOString() ?? null,
  h.lastScanOutcome,
];

/** One row per host, CRLF line ends as RFC 4180 asks (Excel and auditors' tools expect them). */
export const formatCsv = (report: ComplianceReport): string => [CSV_HEADER, ...report.hosts.map(csvRow)].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');

export const formatReport = (report: ComplianceReport, format: ReportFormat): string => {
  if (format === 'csv') return formatCsv(report);
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  return formatTable(report);
};
