import type { ComplianceOverview, GroupCompliance, HostCompliance, WriteChunk } from './model.ts';
import { summarizeCompliance } from './summary.ts';
import { stampText } from './time-text.ts';

const widthsOf = (header: string[], rows: string[][]): number[] => header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const lineOf = (cells: string[], widths: number[], numeric: ReadonlySet<number>): string =>
  cells
    .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
    .join('  ')
    .trimEnd();

/** Columns padded to their widest cell; numeric columns right-aligned so digits line up. */
export const alignColumns = (header: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string[] => {
  const widths = widthsOf(header, rows);
  return [header, ...rows].map((r) => lineOf(r, widths, numeric));
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

const HOST_HEADER = ['HOST', 'GROUPS', 'STATUS', ...SEVERITY_HEADERS, 'OLDEST OVERDUE', 'DAYS LATE', 'LAST SCAN'];
const HOST_NUMERIC = new Set([3, 4, 5, 6, 7, 9]);

/**
 * For a terminal: what was measured, the summary, one row per group, one row per host. The host
 * columns are as wide as the header and the first page of hosts need (the rest stream after it;
 * a longer cell further down widens only its own line).
 */
export const writeTable = async (report: ComplianceOverview, hosts: AsyncIterable<HostCompliance[]>, write: WriteChunk): Promise<void> => {
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
  let widths: number[] | null = null;
  for await (const page of hosts) {
    const rows = page.map(hostRow);
    if (!widths) {
      widths = widthsOf(HOST_HEADER, rows);
      await write(`${[...out, lineOf(HOST_HEADER, widths, HOST_NUMERIC)].join('\n')}\n`);
      out.length = 0;
    }
    await write(rows.map((r) => `${lineOf(r, widths!, HOST_NUMERIC)}\n`).join(''));
  }
  if (out.length) await write(`${out.join('\n').trimEnd()}\n`);
};
