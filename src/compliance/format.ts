import { writeTable } from './format-table.ts';
import type { ComplianceOverview, HostCompliance, WriteChunk } from './model.ts';

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

const csvLine = (row: readonly (string | number | null)[]) => `${row.map(csvField).join(',')}\r\n`;

/** One row per host, CRLF line ends as RFC 4180 asks (Excel and auditors' tools expect them); the header is written before the first host is read. */
const writeCsv = async (hosts: AsyncIterable<HostCompliance[]>, write: WriteChunk): Promise<void> => {
  await write(csvLine(CSV_HEADER));
  for await (const page of hosts) await write(page.map((h) => csvLine(csvRow(h))).join(''));
};

/** The overview's fields, then `hosts` as they are read: the same document JSON.stringify(…, null, 2) would give for the whole report. */
const writeJson = async (overview: ComplianceOverview, hosts: AsyncIterable<HostCompliance[]>, write: WriteChunk): Promise<void> => {
  const { generatedAt, policy, scope, total, groups } = overview;
  const head = JSON.stringify({ generatedAt, policy, scope, total, groups }, null, 2);
  await write(`${head.slice(0, -2)},\n  "hosts": [`);
  let first = true;
  for await (const page of hosts) {
    const items = page.map((h) => `\n    ${JSON.stringify(h, null, 2).replaceAll('\n', '\n    ')}`);
    await write(`${first ? '' : ','}${items.join(',')}`);
    first = false;
  }
  await write(first ? ']\n}\n' : '\n  ]\n}\n');
};

/**
 * The report in `format`: the overview first (table, JSON; CSV has none, so its header goes out
 * before anything is read), then every host a page at a time (bounded memory at any size).
 */
export const writeReport = async (overview: () => Promise<ComplianceOverview>, hosts: AsyncIterable<HostCompliance[]>, format: ReportFormat, write: WriteChunk): Promise<void> => {
  if (format === 'csv') return writeCsv(hosts, write);
  if (format === 'json') return writeJson(await overview(), hosts, write);
  return writeTable(await overview(), hosts, write);
};
